import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseKeyValues, toEvaluatorOptions, toOutputOptions, toRegression, type RawOptions } from '../../src/cli/to-options.js';
import { usageMessage } from '../helpers/expect-usage-error.js';
import { rawOptions } from '../helpers/raw-options.js';

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

const raw = (overrides: Partial<RawOptions> = {}): RawOptions => rawOptions(repo, overrides);

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

describe('toEvaluatorOptions', () => {
  it('turns the defaults into evaluator options', () => {
    expect(toEvaluatorOptions(raw())).toEqual({
      repoDir: resolve(repo),
      contextDir: '.',
      dockerfile: 'Dockerfile',
      buildArgs: {},
      network: 'bridge',
      env: [],
      probes: [],
      probeSettings: { expectStatus: expect.objectContaining({ text: '2xx' }) },
      failOnLog: [],
      defaultHttp: true,
      secrets: [],
      limits: { memoryBytes: 1024 ** 3, pidsLimit: 512 },
      timeoutMs: 60_000,
      buildTimeoutMs: 20 * 60_000,
    });
  });

  it('passes the optional settings through', () => {
    vi.stubEnv('DEPLOYBISECT_TEST_FROM_ENV', 'yes');
    const options = toEvaluatorOptions(
      raw({
        buildArg: ['VERSION=1.2'],
        target: 'runtime',
        buildNetwork: 'host',
        env: ['PORT=8080', 'DEPLOYBISECT_TEST_FROM_ENV'],
        probe: ['http://127.0.0.1:8080/health', 'running:5s'],
        healthInterval: '2s',
        expectStatus: '200-399',
        expectBody: '^ok$',
        timeout: '1m30s',
      }),
    );
    expect(options).toMatchObject({
      buildArgs: { VERSION: '1.2' },
      target: 'runtime',
      buildNetwork: 'host',
      env: ['PORT=8080', 'DEPLOYBISECT_TEST_FROM_ENV=yes'],
      probes: ['http://127.0.0.1:8080/health', 'running:5s'],
      healthIntervalMs: 2000,
      timeoutMs: 90_000,
    });
    expect(options.probeSettings.expectStatus?.text).toBe('200-399');
    expect(options.probeSettings.expectStatus?.matches(302)).toBe(true);
    expect(options.probeSettings.expectStatus?.matches(404)).toBe(false);
    expect(options.probeSettings.expectBody).toBeInstanceOf(RegExp);
    expect(options.probeSettings.expectBody?.source).toBe('^ok$');
  });

  it('rejects a repository directory that does not exist', () => {
    const missing = join(scratch, 'missing');
    expect(usageMessage(() => toEvaluatorOptions(raw({ repo: missing })))).toBe(`repository directory ${missing} does not exist`);
  });

  it('normalises the context: trailing slashes dropped, empty means the root', () => {
    expect(toEvaluatorOptions(raw({ context: 'app/' })).contextDir).toBe('app');
    expect(toEvaluatorOptions(raw({ context: 'app//' })).contextDir).toBe('app');
    expect(toEvaluatorOptions(raw({ context: 'app/docker' })).contextDir).toBe('app/docker');
    expect(toEvaluatorOptions(raw({ context: '' })).contextDir).toBe('.');
    expect(toEvaluatorOptions(raw({ context: './' })).contextDir).toBe('.');
  });

  it.each(['..', '../other', 'app/../..', 'app/..', '/abs/dir', '/', '//', join(tmpdir(), 'repo', 'app')])('rejects the context %j', (context) => {
    expect(usageMessage(() => toEvaluatorOptions(raw({ context })))).toBe(
      `--context must be a directory inside the repository, relative to its root: '${context}'`,
    );
  });

  it('accepts a context whose name merely starts with two dots', () => {
    expect(toEvaluatorOptions(raw({ context: '..docker' })).contextDir).toBe('..docker');
  });

  it('keeps a relative Dockerfile as written (relative to each commit\'s context)', () => {
    expect(toEvaluatorOptions(raw({ file: 'docker/Dockerfile.prod', context: 'app' })).dockerfile).toBe('docker/Dockerfile.prod');
    expect(toEvaluatorOptions(raw({ file: 'does-not-exist-yet' })).dockerfile).toBe('does-not-exist-yet');
  });

  it('keeps an absolute Dockerfile outside the repository absolute', () => {
    const file = join(outside, 'Dockerfile.ci');
    const options = toEvaluatorOptions(raw({ file, context: 'app' }));
    expect(options.dockerfile).toBe(realpathSync(file));
  });

  it('makes an absolute Dockerfile inside the repository relative to the context', () => {
    expect(toEvaluatorOptions(raw({ file: join(repo, 'app', 'docker', 'Dockerfile.prod'), context: 'app' })).dockerfile).toBe(
      'docker/Dockerfile.prod',
    );
    expect(toEvaluatorOptions(raw({ file: join(repo, 'Dockerfile') })).dockerfile).toBe('Dockerfile');
    expect(toEvaluatorOptions(raw({ file: join(repo, 'app', 'docker', 'Dockerfile.prod') })).dockerfile).toBe('app/docker/Dockerfile.prod');
  });

  it('sees through symlinks when deciding whether the Dockerfile is inside the repository', () => {
    const viaLink = join(scratch, 'repo-link', 'app', 'docker', 'Dockerfile.prod');
    expect(toEvaluatorOptions(raw({ file: viaLink, context: 'app' })).dockerfile).toBe('docker/Dockerfile.prod');
    expect(toEvaluatorOptions(raw({ repo: join(scratch, 'repo-link'), file: join(repo, 'Dockerfile') })).dockerfile).toBe('Dockerfile');
  });

  it('treats a directory named like ..docker as inside the repository', () => {
    expect(toEvaluatorOptions(raw({ file: join(repo, '..docker', 'Dockerfile') })).dockerfile).toBe('..docker/Dockerfile');
  });

  it('rejects an absolute Dockerfile inside the repository but outside the context', () => {
    const file = join(repo, 'Dockerfile');
    expect(usageMessage(() => toEvaluatorOptions(raw({ file, context: 'app' })))).toBe(
      `Dockerfile ${file} is inside the repository but outside the build context app`,
    );
  });

  it('rejects an absolute Dockerfile that does not exist', () => {
    const file = join(outside, 'nope');
    expect(usageMessage(() => toEvaluatorOptions(raw({ file })))).toBe(`Dockerfile ${file} does not exist`);
  });

  it('rejects an http probe with --network none', () => {
    expect(usageMessage(() => toEvaluatorOptions(raw({ network: 'none', probe: ['running:5s', 'http://127.0.0.1:8080/'] })))).toBe(
      '--network none: an http or tcp probe cannot reach the container; use --probe healthcheck, exec:, log:, or --network host',
    );
  });

  it('accepts --network none with non-http probes, and http probes on other networks', () => {
    expect(toEvaluatorOptions(raw({ network: 'none', probe: ['healthcheck', 'running:5s'] })).network).toBe('none');
    expect(toEvaluatorOptions(raw({ network: 'none' })).probes).toEqual([]);
    expect(toEvaluatorOptions(raw({ network: 'host', probe: ['http://127.0.0.1:8080/'] })).network).toBe('host');
  });

  it('rejects an invalid probe spec', () => {
    expect(usageMessage(() => toEvaluatorOptions(raw({ probe: ['tcp:8080'] })))).toBe(
      "unknown probe 'tcp:8080': use healthcheck, http://HOST:PORT/PATH, https://…, tcp://HOST:PORT, exec:<command>, log:<regex>, exit:<code>, running:<duration>",
    );
  });

  it('rejects an invalid --expect-body regular expression', () => {
    const message = usageMessage(() => toEvaluatorOptions(raw({ expectBody: '(unclosed' })));
    expect(message).toMatch(/^invalid --expect-body regular expression: .+/);
    expect(message).toContain('(unclosed');
  });

  it('rejects an invalid --expect-status', () => {
    expect(usageMessage(() => toEvaluatorOptions(raw({ expectStatus: 'ok' })))).toBe(
      "invalid --expect-status 'ok': use a code (200), a class (2xx) or a range (200-399)",
    );
  });

  it.each(['0', '0s', '0ms'])('rejects --timeout %s', (timeout) => {
    expect(usageMessage(() => toEvaluatorOptions(raw({ timeout })))).toBe('--timeout must be longer than 0');
  });

  it('rejects an unparseable --timeout and --health-interval', () => {
    expect(usageMessage(() => toEvaluatorOptions(raw({ timeout: 'soon' })))).toBe(
      "invalid --timeout 'soon': use a number with a unit, e.g. 500ms, 10s, 2m, 1h",
    );
    expect(usageMessage(() => toEvaluatorOptions(raw({ healthInterval: 'often' })))).toBe(
      "invalid --health-interval 'often': use a number with a unit, e.g. 500ms, 10s, 2m, 1h",
    );
  });

  it('rejects invalid --env and --build-arg entries', () => {
    expect(usageMessage(() => toEvaluatorOptions(raw({ env: ['1BAD=x'] })))).toBe("invalid --env '1BAD=x': expected KEY=VALUE");
    expect(usageMessage(() => toEvaluatorOptions(raw({ buildArg: ['=x'] })))).toBe("invalid --build-arg '=x': expected KEY=VALUE");
  });
});

describe('toRegression', () => {
  it('defaults to auto and passes a given kind through', () => {
    expect(toRegression(raw())).toBe('auto');
    expect(toRegression(raw({ regression: 'build' }))).toBe('build');
  });
});

describe('toOutputOptions', () => {
  it('defaults everything to false', () => {
    expect(toOutputOptions({})).toEqual({ verbose: false, quiet: false, json: false });
  });

  it('passes each flag through', () => {
    expect(toOutputOptions({ verbose: true })).toEqual({ verbose: true, quiet: false, json: false });
    expect(toOutputOptions({ quiet: true, json: true })).toEqual({ verbose: false, quiet: true, json: true });
  });

  it('rejects --verbose with --quiet', () => {
    expect(usageMessage(() => toOutputOptions({ verbose: true, quiet: true }))).toBe('--verbose and --quiet exclude each other');
  });
});

describe('probe durations against --timeout', () => {
  it('rejects a running probe that cannot pass within the timeout, and accepts a shorter one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploybisect-running-'));
    try {
      expect(() => toEvaluatorOptions(rawOptions(dir, { probe: ['running:60s'] }))).toThrow(
        '--probe running:60s can never pass within --timeout 60s: make the timeout longer than the duration',
      );
      expect(toEvaluatorOptions(rawOptions(dir, { probe: ['running:60s'], timeout: '90s' })).timeoutMs).toBe(90_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
