/**
 * The healthcheck a stack's container runs (src/session/evaluate/stack/service-health.ts): the compose
 * file's over the image's, as compose gives it, then checked every 500 ms with the file's tolerance kept
 * in time. The checks are netbox-docker's (test/fixtures/compose/netbox), read by the compose loader.
 */
import { describe, expect, it } from 'vitest';

import { loadCompose } from '../../src/contract/compose/index.js';
import type { ComposeHealthcheck } from '../../src/contract/compose/model.js';
import { serviceHealth } from '../../src/session/evaluate/stack/service-health.js';
import { fixtureFiles, fixtureSource } from '../fixtures/compose/fixture-files.js';

const NS = 1_000_000;

async function netboxCheck(service: string, changes: Record<string, string> = {}): Promise<ComposeHealthcheck | null> {
  const loaded = await loadCompose(fixtureSource('netbox', changes));
  if (loaded.kind === 'invalid') throw new Error(loaded.failure.message);
  return loaded.project.services[service]!.healthcheck;
}

/** An image's HEALTHCHECK as the engine reports it. */
const IMAGE = { Test: ['CMD-SHELL', 'wget -q -O- http://127.0.0.1:8080/'], Interval: 10_000 * NS, Retries: 4 };

describe('serviceHealth', () => {
  it("netbox: the file's check with its timing, run every 500 ms; unhealthy after start_period + retries × interval", async () => {
    const h = serviceHealth(undefined, await netboxCheck('netbox'));
    expect(h.declared).toEqual({
      Test: ['CMD-SHELL', 'curl -f http://localhost:8080/login/ || exit 1'],
      Interval: 15_000 * NS,
      Timeout: 3_000 * NS,
      Retries: 3,
      StartPeriod: 90_000 * NS,
    });
    expect(h.config).toMatchObject({ Test: h.declared!.Test, Interval: 500 * NS, Timeout: 3_000 * NS, StartPeriod: 90_000 * NS });
    expect(h.checks).toBe(true);
    expect(h.intervalMs).toBe(500);
    expect(h.tolerance).toEqual({ failures: 3, afterMs: 90_000 + 3 * 15_000 });
  });

  it("a key the file leaves out keeps the image's value, as the engine merges them (retries: the image's 4, not compose's 3)", async () => {
    const h = serviceHealth({ ...IMAGE, Timeout: 7_000 * NS, StartPeriod: 20_000 * NS }, await netboxCheck('netbox'));
    // netbox sets test, interval, timeout and start_period.
    expect(h.declared).toEqual({
      Test: ['CMD-SHELL', 'curl -f http://localhost:8080/login/ || exit 1'],
      Interval: 15_000 * NS,
      Timeout: 3_000 * NS,
      Retries: 4,
      StartPeriod: 90_000 * NS,
    });
    expect(h.tolerance).toEqual({ failures: 4, afterMs: 90_000 + 4 * 15_000 });
  });

  it('redis: a 1 s check (5 retries, 5 s start period) keeps its tolerance of 10 s', async () => {
    const h = serviceHealth(undefined, await netboxCheck('redis'));
    expect(h.tolerance).toEqual({ failures: 5, afterMs: 5_000 + 5 * 1_000 });
  });

  it("a healthcheck without test: keeps the image's command with the file's timing", async () => {
    const check = await netboxCheck('netbox', { 'docker-compose.yml': noTest() });
    const h = serviceHealth(IMAGE, check);
    expect(h.declared).toEqual({ Test: IMAGE.Test, Interval: 15_000 * NS, Timeout: 3_000 * NS, Retries: 4, StartPeriod: 90_000 * NS });
    // With no image check either, there is nothing to run.
    expect(serviceHealth(undefined, check)).toEqual({ checks: false, intervalMs: 0 });
  });

  it("no healthcheck in the file: the image's, as it is; none anywhere: no check (compose: has no healthcheck configured)", async () => {
    const none = await netboxCheck('postgres', { 'docker-compose.yml': withoutPostgresCheck() });
    expect(none).toBeNull();
    expect(serviceHealth(IMAGE, none)).toMatchObject({ declared: IMAGE, checks: true, tolerance: { failures: 4, afterMs: 40_000 } });
    expect(serviceHealth(undefined, none)).toEqual({ checks: false, intervalMs: 0 });
  });

  it("disable: true turns the image's check off", () => {
    expect(serviceHealth(IMAGE, { kind: 'disabled', by: 'disable' })).toEqual({
      config: { Test: ['NONE'] },
      declared: { Test: ['NONE'] },
      checks: false,
      intervalMs: 0,
    });
  });

  it('--health-interval sets the pace instead, with no tolerance of its own', async () => {
    const h = serviceHealth(IMAGE, await netboxCheck('netbox'), 2_000);
    expect(h.config?.Interval).toBe(2_000 * NS);
    expect(h.intervalMs).toBe(2_000);
    expect(h.tolerance).toBeUndefined();
  });
});

const COMPOSE = fixtureFiles('netbox')['docker-compose.yml']!;

/** netbox's check without its test: line (timing kept). */
function noTest(): string {
  const out = COMPOSE.replace('      test: curl -f http://localhost:8080/login/ || exit 1\n', '');
  if (out === COMPOSE) throw new Error('netbox test line not found');
  return out;
}

/** postgres without its healthcheck. */
function withoutPostgresCheck(): string {
  const out = COMPOSE.replace(/( {2}postgres:\n {4}image: [^\n]+\n) {4}healthcheck:\n(?: {6}[^\n]*\n)+/, '$1');
  if (out === COMPOSE) throw new Error('postgres healthcheck not found');
  return out;
}
