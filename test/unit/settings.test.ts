import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { containerEnvironment, resourceLimits, secretValues } from '../../src/options/derived.js';
import { parseKeyValues } from '../../src/options/parse-values.js';
import type { Settings } from '../../src/options/settings.js';
import { usageMessage } from '../helpers/expect-usage-error.js';
import { settingsFor } from '../helpers/settings.js';

let scratch: string;
let repo: string;
let outside: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'deploybisect-to-options-'));
  repo = join(scratch, 'repo');
  outside = join(scratch, 'outside');
  mkdirSync(join(repo, 'app', 'docker'), { recursive: true });
  mkdirSync(join(repo, '..docker'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(repo, 'Dockerfile'), 'FROM busybox\n');
  writeFileSync(join(repo, 'app', 'docker', 'Dockerfile.prod'), 'FROM busybox\n');
  writeFileSync(join(repo, '..docker', 'Dockerfile'), 'FROM busybox\n');
  writeFileSync(join(outside, 'Dockerfile.ci'), 'FROM busybox\n');
  symlinkSync(repo, join(scratch, 'repo-link'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The settings of `run` with these command-line values, for the repository `repo`. */
const settings = (given: Record<string, unknown> = {}): Settings => settingsFor(repo, given);

describe('parseKeyValues', () => {
  it('is empty for no values', () => {
    expect(parseKeyValues(undefined, '--env')).toEqual({});
    expect(parseKeyValues([], '--env')).toEqual({});
  });

  it('splits KEY=VALUE at the first =, keeping empty values', () => {
    expect(parseKeyValues(['A=1', 'B=x=y', 'C=', 'lower_case.dotted-key=ok', '_U=v'], '--build-arg')).toEqual({
      A: '1',
      B: 'x=y',
      C: '',
      'lower_case.dotted-key': 'ok',
      _U: 'v',
    });
  });

  it('lets a later value for the same key win', () => {
    expect(parseKeyValues(['A=1', 'A=2'], '--env')).toEqual({ A: '2' });
  });

  it('takes the value of a bare KEY from the environment', () => {
    vi.stubEnv('DEPLOYBISECT_TEST_TOKEN', 's3cret=with=equals');
    vi.stubEnv('DEPLOYBISECT_TEST_EMPTY', '');
    expect(parseKeyValues(['DEPLOYBISECT_TEST_TOKEN', 'DEPLOYBISECT_TEST_EMPTY'], '--env')).toEqual({
      DEPLOYBISECT_TEST_TOKEN: 's3cret=with=equals',
      DEPLOYBISECT_TEST_EMPTY: '',
    });
  });

  it('rejects a bare KEY that is not set in the environment', () => {
    vi.stubEnv('DEPLOYBISECT_TEST_UNSET', undefined);
    expect(usageMessage(() => parseKeyValues(['DEPLOYBISECT_TEST_UNSET'], '--env'))).toBe(
      '--env DEPLOYBISECT_TEST_UNSET has no value and is not set in the environment',
    );
  });

  it.each(['=value', '1A=x', 'A B=x', 'A/B=x', '', '-A=x', '.A=x', 'É=x'])('rejects the invalid key in %j', (item) => {
    expect(usageMessage(() => parseKeyValues([item], '--build-arg'))).toBe(`invalid --build-arg '${item}': expected KEY=VALUE`);
  });
});

describe('resolveSettings', () => {
  it('turns the defaults into settings', () => {
    const s = settings();
    expect(s).toMatchObject({
      repo: resolve(repo),
      context: '.',
      file: 'Dockerfile',
      buildArg: {},
      network: 'bridge',
      probe: [],
      expectStatus: expect.objectContaining({ text: '2xx' }),
      header: {},
      insecure: false,
      failOnLog: [],
      defaultHttp: true,
      timeout: 60_000,
      buildTimeout: 20 * 60_000,
    });
    expect(containerEnvironment(s)).toEqual([]);
    expect(secretValues(s)).toEqual([]);
    expect(resourceLimits(s)).toEqual({ memoryBytes: 1024 ** 3, pidsLimit: 512 });
    for (const key of ['target', 'buildNetwork', 'imagePlatform', 'healthInterval', 'expectBody'] as const)
      expect(s[key], key).toBeUndefined();
  });

  it('passes the optional settings through', () => {
    vi.stubEnv('DEPLOYBISECT_TEST_FROM_ENV', 'yes');
    const options = settings({
      buildArg: ['VERSION=1.2'],
      target: 'runtime',
      buildNetwork: 'host',
      env: ['PORT=8080', 'DEPLOYBISECT_TEST_FROM_ENV'],
      probe: ['http://127.0.0.1:8080/health', 'running:5s'],
      healthInterval: '2s',
      expectStatus: '200-399',
      expectBody: '^ok$',
      timeout: '1m30s',
    });
    expect(options).toMatchObject({
      buildArg: { VERSION: '1.2' },
      target: 'runtime',
      buildNetwork: 'host',
      healthInterval: 2000,
      timeout: 90_000,
    });
    expect(containerEnvironment(options)).toEqual(['PORT=8080', 'DEPLOYBISECT_TEST_FROM_ENV=yes']);
    expect(options.probe.map((p) => p.spec)).toEqual(['http://127.0.0.1:8080/health', 'running:5s']);
    expect(options.expectStatus.text).toBe('200-399');
    expect(options.expectStatus.matches(302)).toBe(true);
    expect(options.expectStatus.matches(404)).toBe(false);
    expect(options.expectBody).toBeInstanceOf(RegExp);
    expect(options.expectBody?.source).toBe('^ok$');
  });

  it('rejects a repository directory that does not exist', () => {
    const missing = join(scratch, 'missing');
    expect(usageMessage(() => settings({ repo: missing }))).toBe(`repository directory ${missing} does not exist`);
  });

  it('normalises the context: trailing slashes dropped, empty means the root', () => {
    expect(settings({ context: 'app/' }).context).toBe('app');
    expect(settings({ context: 'app//' }).context).toBe('app');
    expect(settings({ context: 'app/docker' }).context).toBe('app/docker');
    expect(settings({ context: '' }).context).toBe('.');
    expect(settings({ context: './' }).context).toBe('.');
  });

  it.each(['..', '../other', 'app/../..', 'app/..', '/abs/dir', '/', '//', join(tmpdir(), 'repo', 'app')])(
    'rejects the context %j',
    (context) => {
      expect(usageMessage(() => settings({ context }))).toBe(
        `--context must be a directory inside the repository, relative to its root: '${context}'`,
      );
    },
  );

  it('accepts a context whose name merely starts with two dots', () => {
    expect(settings({ context: '..docker' }).context).toBe('..docker');
  });

  it("keeps a relative Dockerfile as written (relative to each commit's context)", () => {
    expect(settings({ file: 'docker/Dockerfile.prod', context: 'app' }).file).toBe('docker/Dockerfile.prod');
    expect(settings({ file: 'does-not-exist-yet' }).file).toBe('does-not-exist-yet');
  });

  it('keeps an absolute Dockerfile outside the repository absolute', () => {
    const file = join(outside, 'Dockerfile.ci');
    const options = settings({ file, context: 'app' });
    expect(options.file).toBe(realpathSync(file));
  });

  it('makes an absolute Dockerfile inside the repository relative to the context', () => {
    expect(settings({ file: join(repo, 'app', 'docker', 'Dockerfile.prod'), context: 'app' }).file).toBe('docker/Dockerfile.prod');
    expect(settings({ file: join(repo, 'Dockerfile') }).file).toBe('Dockerfile');
    expect(settings({ file: join(repo, 'app', 'docker', 'Dockerfile.prod') }).file).toBe('app/docker/Dockerfile.prod');
  });

  it('sees through symlinks when deciding whether the Dockerfile is inside the repository', () => {
    const viaLink = join(scratch, 'repo-link', 'app', 'docker', 'Dockerfile.prod');
    expect(settings({ file: viaLink, context: 'app' }).file).toBe('docker/Dockerfile.prod');
    expect(settings({ repo: join(scratch, 'repo-link'), file: join(repo, 'Dockerfile') }).file).toBe('Dockerfile');
  });

  it('treats a directory named like ..docker as inside the repository', () => {
    expect(settings({ file: join(repo, '..docker', 'Dockerfile') }).file).toBe('..docker/Dockerfile');
  });

  it('rejects an absolute Dockerfile inside the repository but outside the context', () => {
    const file = join(repo, 'Dockerfile');
    expect(usageMessage(() => settings({ file, context: 'app' }))).toBe(
      `Dockerfile ${file} is inside the repository but outside the build context app`,
    );
  });

  it('rejects an absolute Dockerfile that does not exist', () => {
    const file = join(outside, 'nope');
    expect(usageMessage(() => settings({ file }))).toBe(`Dockerfile ${file} does not exist`);
  });

  it('rejects an http probe with --network none', () => {
    expect(usageMessage(() => settings({ network: 'none', probe: ['running:5s', 'http://127.0.0.1:8080/'] }))).toBe(
      '--network none: an http or tcp probe cannot reach the container; use --probe healthcheck, exec:, log:, or --network host',
    );
  });

  it('accepts --network none with non-http probes, and http probes on other networks', () => {
    expect(settings({ network: 'none', probe: ['healthcheck', 'running:5s'] }).network).toBe('none');
    expect(settings({ network: 'none' }).probe).toEqual([]);
    expect(settings({ network: 'host', probe: ['http://127.0.0.1:8080/'] }).network).toBe('host');
  });

  it('rejects an invalid probe spec', () => {
    expect(usageMessage(() => settings({ probe: ['tcp:8080'] }))).toBe(
      "unknown probe 'tcp:8080': use healthcheck, http://HOST:PORT/PATH, https://…, tcp://HOST:PORT, exec:<command>, log:<regex>, exit:<code>, running:<duration>",
    );
  });

  it('rejects an invalid --expect-body regular expression', () => {
    const message = usageMessage(() => settings({ expectBody: '(unclosed' }));
    expect(message).toMatch(/^invalid --expect-body regular expression: .+/);
    expect(message).toContain('(unclosed');
  });

  it('rejects an invalid --expect-status', () => {
    expect(usageMessage(() => settings({ expectStatus: 'ok' }))).toBe(
      "invalid --expect-status 'ok': use a code (200), a class (2xx) or a range (200-399)",
    );
  });

  it.each(['0', '0s', '0ms'])('rejects --timeout %s', (timeout) => {
    expect(usageMessage(() => settings({ timeout }))).toBe('--timeout must be longer than 0');
  });

  it('rejects an unparseable --timeout and --health-interval', () => {
    expect(usageMessage(() => settings({ timeout: 'soon' }))).toBe(
      "invalid --timeout 'soon': use a number with a unit, e.g. 500ms, 10s, 2m, 1h",
    );
    expect(usageMessage(() => settings({ healthInterval: 'often' }))).toBe(
      "invalid --health-interval 'often': use a number with a unit, e.g. 500ms, 10s, 2m, 1h",
    );
  });

  it('rejects invalid --env and --build-arg entries', () => {
    expect(usageMessage(() => settings({ env: ['1BAD=x'] }))).toBe("invalid --env '1BAD=x': expected KEY=VALUE");
    expect(usageMessage(() => settings({ buildArg: ['=x'] }))).toBe("invalid --build-arg '=x': expected KEY=VALUE");
  });
});

describe('the regression searched for', () => {
  it('defaults to auto and passes a given kind through', () => {
    expect(settings().regression).toBe('auto');
    expect(settings({ regression: 'build' }).regression).toBe('build');
  });
});

describe('output settings', () => {
  const output = (s: Settings) => ({ verbose: s.verbose, quiet: s.quiet, json: s.json });

  it('defaults everything to false', () => {
    expect(output(settings())).toEqual({ verbose: false, quiet: false, json: false });
  });

  it('passes each flag through', () => {
    expect(output(settings({ verbose: true }))).toEqual({ verbose: true, quiet: false, json: false });
    expect(output(settings({ quiet: true, json: true }))).toEqual({ verbose: false, quiet: true, json: true });
  });

  it('rejects --verbose with --quiet', () => {
    expect(usageMessage(() => settings({ verbose: true, quiet: true }))).toBe('--verbose and --quiet exclude each other');
  });
});

describe('probe durations against --timeout', () => {
  it('rejects a running probe that cannot pass within the timeout, and accepts a shorter one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploybisect-running-'));
    try {
      expect(() => settingsFor(dir, { probe: ['running:60s'] })).toThrow(
        '--probe running:60s can never pass within --timeout 60s: make the timeout longer than the duration',
      );
      expect(settingsFor(dir, { probe: ['running:60s'], timeout: '90s' }).timeout).toBe(90_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
