/**
 * healthcheck with compose's defaults (the Dockerfile HEALTHCHECK's: 30s, 30s, 3 retries, 0s start
 * period, 5s start interval), disable / NONE, and durations as compose reads them, on real files.
 */
import { describe, expect, test } from 'vitest';

import { parseGoDuration } from '../../src/contract/compose/go-duration.js';
import { loadCompose, type ComposeLoadOptions, type ComposeProject } from '../../src/contract/compose/index.js';
import { fixtureSource } from '../fixtures/compose/fixture-files.js';

async function loaded(
  project: string,
  options: ComposeLoadOptions = {},
  changes: Record<string, string | null> = {},
): Promise<ComposeProject> {
  const result = await loadCompose(fixtureSource(project, changes), options);
  if (result.kind === 'invalid') throw new Error(result.failure.message);
  return result.project;
}

describe('healthcheck', () => {
  test("mastodon's db: a test alone takes every default", async () => {
    expect((await loaded('mastodon')).services['db']?.healthcheck).toEqual({
      kind: 'check',
      test: { kind: 'CMD', argv: ['pg_isready', '-U', 'postgres'] },
      intervalMs: 30_000,
      timeoutMs: 30_000,
      retries: 3,
      startPeriodMs: 0,
      startIntervalMs: 5_000,
      given: ['test'],
    });
  });

  test('netbox: a string test is CMD-SHELL; the timings given replace the defaults, retries keeps its own', async () => {
    expect((await loaded('netbox')).services['netbox']?.healthcheck).toEqual({
      kind: 'check',
      test: { kind: 'CMD-SHELL', command: 'curl -f http://localhost:8080/login/ || exit 1' },
      intervalMs: 15_000,
      timeoutMs: 3_000,
      retries: 3,
      startPeriodMs: 90_000,
      startIntervalMs: 5_000,
      given: ['test', 'interval', 'timeout', 'start_period'],
    });
  });

  test('sentry: timings interpolated from .env (1m30s, retries 10) and from the pinned environment', async () => {
    const web = (await loaded('sentry')).services['web']?.healthcheck;
    expect(web).toMatchObject({ intervalMs: 30_000, timeoutMs: 90_000, retries: 10, startPeriodMs: 300_000 });
    const pinned = (await loaded('sentry', { environment: { HEALTHCHECK_INTERVAL: '2s', HEALTHCHECK_RETRIES: '30' } })).services['web']
      ?.healthcheck;
    expect(pinned).toMatchObject({ intervalMs: 2_000, retries: 30 });
  });

  test('immich: `disable: false` is not disabled (the image check stays, no test given)', async () => {
    const server = (await loaded('immich')).services['immich-server']?.healthcheck;
    expect(server).toMatchObject({ kind: 'check', test: null, given: [] });
  });

  test('`disable: true` and `test: ["NONE"]` turn the check off; no healthcheck key is null', async () => {
    const compose =
      'services:\n  a: {image: a, healthcheck: {disable: true}}\n  b: {image: b, healthcheck: {test: ["NONE"]}}\n  c: {image: c}\n';
    const project = await loaded('mastodon', { files: ['c.yml'] }, { 'c.yml': compose });
    expect(project.services['a']?.healthcheck).toEqual({ kind: 'disabled', by: 'disable' });
    expect(project.services['b']?.healthcheck).toEqual({ kind: 'disabled', by: 'NONE' });
    expect(project.services['c']?.healthcheck).toBeNull();
  });

  test("a test that starts with neither CMD, CMD-SHELL nor NONE is refused with compose's words", async () => {
    const compose = 'services:\n  a:\n    image: a\n    healthcheck:\n      test: [curl, -f, http://localhost]\n';
    const result = await loadCompose(fixtureSource('mastodon', { 'c.yml': compose }), { files: ['c.yml'] });
    expect(result).toMatchObject({
      kind: 'invalid',
      failure: { message: 'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"', line: 5 },
    });
  });

  test('a duration compose cannot read is refused at its line', async () => {
    const compose = 'services:\n  a:\n    image: a\n    healthcheck:\n      test: [CMD, "true"]\n      interval: 10 seconds\n';
    const result = await loadCompose(fixtureSource('mastodon', { 'c.yml': compose }), { files: ['c.yml'] });
    expect(result).toMatchObject({
      kind: 'invalid',
      failure: { message: 'services.a.healthcheck.interval: invalid duration "10 seconds"', line: 6 },
    });
  });
});

describe('durations as compose reads them', () => {
  test.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['250us', 0.25],
    ['0', 0],
  ])('%s is %d ms', (text, ms) => expect(parseGoDuration(text)).toBe(ms));

  test.each(['10', '10 s', 's', '1d', ''])('%s is refused', (text) => expect(parseGoDuration(text)).toBeNull());
});
