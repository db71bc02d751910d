import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { MIN_MEMORY_BYTES, parseMemory } from '../../src/docker/memory-size.js';
import { containerEnvironment, resourceLimits, secretValues } from '../../src/options/derived.js';
import { parseHeaders, parseSecretEnv, readEnvFile } from '../../src/options/parse-values.js';
import type { Settings } from '../../src/options/settings.js';
import { redactor } from '../../src/session/redact.js';
import { expectUsageError, usageMessage } from '../helpers/expect-usage-error.js';
import { settingsFor } from '../helpers/settings.js';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

let scratch: string;
let repo: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'deploybisect-container-settings-'));
  repo = join(scratch, 'repo');
  mkdirSync(repo, { recursive: true });
  writeFileSync(join(repo, 'Dockerfile'), 'FROM busybox\n');
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Writes a file in the scratch directory; returns its path. */
function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

const settings = (given: Record<string, unknown> = {}): Settings => settingsFor(repo, given);

describe('redactor', () => {
  it('masks every occurrence of every secret', () => {
    const redact = redactor(['hunter2', 'tok-123']);
    expect(redact('pw=hunter2 again hunter2, token tok-123')).toBe('pw=*** again ***, token ***');
  });

  it('masks the longest secret first, so a secret containing another is masked whole', () => {
    expect(redactor(['abc', 'abcdef'])('x abcdef y abc')).toBe('x *** y ***');
    expect(redactor(['abcdef', 'abc'])('abcdefabc')).toBe('******');
  });

  it('takes secrets literally, not as patterns', () => {
    const redact = redactor(['a.b*c$', '(x)']);
    expect(redact('a.b*c$ aXbbc (x) x')).toBe('*** aXbbc *** x');
  });

  it('ignores empty secrets and leaves text alone without secrets', () => {
    expect(redactor([''])('nothing to hide')).toBe('nothing to hide');
    expect(redactor([])('nothing to hide')).toBe('nothing to hide');
    expect(redactor(['', 's'])('ss')).toBe('******');
  });

  it('handles text without any secret and empty text', () => {
    const redact = redactor(['hunter2']);
    expect(redact('plain')).toBe('plain');
    expect(redact('')).toBe('');
  });
});

describe('readEnvFile', () => {
  it('reads KEY=VALUE lines, skipping comments and blank lines', () => {
    const path = file('basic.env', '# a comment\n\nA=1\n   \n  # indented comment\nB=two words\n\tC=tab-indented\n');
    expect(readEnvFile(path)).toEqual({ A: '1', B: 'two words', C: 'tab-indented' });
  });

  it('takes values literally: everything after the first =, quotes and spaces kept, no expansion', () => {
    vi.stubEnv('HOME_DIR_TEST', '/home/x');
    const path = file(
      'literal.env',
      ['URL=postgres://u:p@db/x?a=b', 'Q="quoted"', "S='single'", 'E=', 'T=trailing  ', 'X=$HOME_DIR_TEST', 'H=#not a comment'].join('\n'),
    );
    expect(readEnvFile(path)).toEqual({
      URL: 'postgres://u:p@db/x?a=b',
      Q: '"quoted"',
      S: "'single'",
      E: '',
      T: 'trailing  ',
      X: '$HOME_DIR_TEST',
      H: '#not a comment',
    });
  });

  it('takes a KEY alone from the environment, and drops it when unset there', () => {
    vi.stubEnv('DEPLOYBISECT_ENVFILE_SET', 'from-env');
    vi.stubEnv('DEPLOYBISECT_ENVFILE_EMPTY', '');
    vi.stubEnv('DEPLOYBISECT_ENVFILE_UNSET', undefined);
    const path = file('alone.env', 'DEPLOYBISECT_ENVFILE_SET\nDEPLOYBISECT_ENVFILE_EMPTY  \nDEPLOYBISECT_ENVFILE_UNSET\nA=1\n');
    const env = readEnvFile(path);
    expect(env).toEqual({ DEPLOYBISECT_ENVFILE_SET: 'from-env', DEPLOYBISECT_ENVFILE_EMPTY: '', A: '1' });
    expect(env).not.toHaveProperty('DEPLOYBISECT_ENVFILE_UNSET');
  });

  it('handles CRLF line endings', () => {
    vi.stubEnv('DEPLOYBISECT_ENVFILE_CRLF', 'yes');
    const path = file('crlf.env', '# windows\r\nA=1\r\n\r\nB=x=y\r\nDEPLOYBISECT_ENVFILE_CRLF\r\n');
    expect(readEnvFile(path)).toEqual({ A: '1', B: 'x=y', DEPLOYBISECT_ENVFILE_CRLF: 'yes' });
  });

  it('lets a later line for the same key win', () => {
    expect(readEnvFile(file('twice.env', 'A=1\nA=2\n'))).toEqual({ A: '2' });
  });

  it('accepts names with dots, dashes and underscores', () => {
    expect(readEnvFile(file('names.env', '_A=1\nlower.case-name=2\nA9=3'))).toEqual({ _A: '1', 'lower.case-name': '2', A9: '3' });
  });

  it('rejects an invalid variable name with file and line number', () => {
    const path = file('invalid.env', '# ok\nA=1\n\n9LIVES=cat\n');
    expect(usageMessage(() => readEnvFile(path))).toBe(`--env-file ${path}:4: invalid variable name '9LIVES'`);
    const spaced = file('spaced.env', 'KEY =value\n');
    expect(usageMessage(() => readEnvFile(spaced))).toBe(`--env-file ${spaced}:1: invalid variable name 'KEY '`);
    const empty = file('empty-name.env', 'A=1\r\n=value\r\n');
    expect(usageMessage(() => readEnvFile(empty))).toBe(`--env-file ${empty}:2: invalid variable name ''`);
  });

  it('rejects a file that cannot be read, with the error code', () => {
    const missing = join(scratch, 'no-such.env');
    expect(usageMessage(() => readEnvFile(missing))).toBe(`cannot read --env-file ${missing}: ENOENT`);
    expect(usageMessage(() => readEnvFile(scratch))).toBe(`cannot read --env-file ${scratch}: EISDIR`);
  });

  it('reads an empty file as no variables', () => {
    expect(readEnvFile(file('empty.env', ''))).toEqual({});
  });
});

describe('parseMemory', () => {
  it('reads plain bytes and binary units, case-insensitively', () => {
    expect(parseMemory('6291456')).toBe(6 * MiB);
    expect(parseMemory('8388608b')).toBe(8 * MiB);
    expect(parseMemory('10240k')).toBe(10 * MiB);
    expect(parseMemory('512m')).toBe(512 * MiB);
    expect(parseMemory('512M')).toBe(512 * MiB);
    expect(parseMemory('1g')).toBe(GiB);
    expect(parseMemory('2G')).toBe(2 * GiB);
    expect(parseMemory('1t')).toBe(1024 * GiB);
  });

  it('accepts the b, ib and iB suffix forms and surrounding spaces', () => {
    expect(parseMemory('512mb')).toBe(512 * MiB);
    expect(parseMemory('512MiB')).toBe(512 * MiB);
    expect(parseMemory('1GB')).toBe(GiB);
    expect(parseMemory(' 64m ')).toBe(64 * MiB);
    expect(parseMemory('64 m')).toBe(64 * MiB);
  });

  it('accepts decimals, rounding down to whole bytes', () => {
    expect(parseMemory('1.5g')).toBe(1.5 * GiB);
    expect(parseMemory('0.5g')).toBe(512 * MiB);
    expect(parseMemory('6.5m')).toBe(6.5 * MiB);
    expect(parseMemory('7000.7k')).toBe(Math.floor(7000.7 * KiB));
  });

  it('accepts exactly 6m and rejects anything below', () => {
    expect(MIN_MEMORY_BYTES).toBe(6 * MiB);
    expect(parseMemory('6m')).toBe(MIN_MEMORY_BYTES);
    expect(usageMessage(() => parseMemory('5m'))).toBe("--memory 5m is below the engine's minimum of 6m");
    expect(usageMessage(() => parseMemory('6291455'))).toBe("--memory 6291455 is below the engine's minimum of 6m");
    expect(usageMessage(() => parseMemory('0'))).toBe("--memory 0 is below the engine's minimum of 6m");
    expect(usageMessage(() => parseMemory('0.005g'))).toBe("--memory 0.005g is below the engine's minimum of 6m");
  });

  it('rejects what is not a size', () => {
    for (const text of ['', 'abc', '-1g', '1x', '1.g', '.5g', '1,5g', '1e9', '512 mm', 'm']) {
      expect(usageMessage(() => parseMemory(text))).toBe(`invalid --memory '${text}': use bytes or a size like 512m, 1g`);
    }
  });
});

describe('parseHeaders', () => {
  it('is empty without headers', () => {
    expect(parseHeaders(undefined)).toEqual({});
    expect(parseHeaders([])).toEqual({});
  });

  it('splits NAME:VALUE at the first colon, trims, and lower-cases the name', () => {
    expect(parseHeaders(['Authorization: Bearer abc', 'X-Forwarded-Host:example.com:8443', 'Accept :  text/html  '])).toEqual({
      authorization: 'Bearer abc',
      'x-forwarded-host': 'example.com:8443',
      accept: 'text/html',
    });
  });

  it('keeps an empty value and lets a later header of the same name win, whatever its case', () => {
    expect(parseHeaders(['X-Empty:', 'X-Token: one', 'x-token: two'])).toEqual({ 'x-empty': '', 'x-token': 'two' });
  });

  it('rejects a header without a colon or with an invalid name', () => {
    for (const item of ['NoColon', ': value', 'Bad Name: v', 'Bad(name): v', '']) {
      expect(usageMessage(() => parseHeaders([item]))).toBe(`invalid --header '${item}': expected NAME:VALUE`);
    }
  });
});

describe('parseSecretEnv', () => {
  it('is empty without keys', () => {
    expect(parseSecretEnv(undefined)).toEqual({});
    expect(parseSecretEnv([])).toEqual({});
  });

  it('takes each value from the environment, an empty value included', () => {
    vi.stubEnv('DEPLOYBISECT_SECRET_A', 'p@ss=word');
    vi.stubEnv('DEPLOYBISECT_SECRET_EMPTY', '');
    expect(parseSecretEnv(['DEPLOYBISECT_SECRET_A', 'DEPLOYBISECT_SECRET_EMPTY'])).toEqual({
      DEPLOYBISECT_SECRET_A: 'p@ss=word',
      DEPLOYBISECT_SECRET_EMPTY: '',
    });
  });

  it('rejects a key that is not set in the environment', () => {
    vi.stubEnv('DEPLOYBISECT_SECRET_UNSET', undefined);
    expect(usageMessage(() => parseSecretEnv(['DEPLOYBISECT_SECRET_UNSET']))).toBe(
      '--secret-env DEPLOYBISECT_SECRET_UNSET is not set in the environment',
    );
  });

  it('rejects anything but a plain variable name (no KEY=VALUE: the value must not be on the command line)', () => {
    vi.stubEnv('A', 'set');
    for (const key of ['A=inline', 'my.key', 'my-key', '1ABC', '']) {
      expect(usageMessage(() => parseSecretEnv([key]))).toBe(`invalid --secret-env '${key}': expected a variable name`);
    }
  });
});

describe('settings: environment', () => {
  it('merges env files, then --env, then --secret-env, later sources winning', () => {
    vi.stubEnv('DEPLOYBISECT_TEST_SECRET_C', 'secret-c');
    vi.stubEnv('DEPLOYBISECT_TEST_SECRET_D', 'secret-d');
    const first = file('first.env', 'A=file1\nB=file1\nC=file1\nF=file1\n');
    const second = file('second.env', 'F=file2\n');
    const options = settings({
      envFile: [first, second],
      env: ['B=cli', 'DEPLOYBISECT_TEST_SECRET_C=cli', 'G=cli'],
      secretEnv: ['DEPLOYBISECT_TEST_SECRET_C', 'DEPLOYBISECT_TEST_SECRET_D'],
    });
    expect(containerEnvironment(options)).toEqual([
      'A=file1',
      'B=cli',
      'C=file1',
      'F=file2',
      'DEPLOYBISECT_TEST_SECRET_C=secret-c',
      'G=cli',
      'DEPLOYBISECT_TEST_SECRET_D=secret-d',
    ]);
    expect(secretValues(options)).toEqual(['secret-c', 'secret-d']);
  });

  it('lists only --secret-env values as secrets, not --env or env-file values', () => {
    vi.stubEnv('DEPLOYBISECT_TEST_TOKEN', 't0ken');
    const env = file('plain.env', 'PASSWORD=not-marked-secret\n');
    const options = settings({ envFile: [env], env: ['API_KEY=also-not'], secretEnv: ['DEPLOYBISECT_TEST_TOKEN'] });
    expect(secretValues(options)).toEqual(['t0ken']);
    expect(containerEnvironment(options)).toContain('DEPLOYBISECT_TEST_TOKEN=t0ken');
  });

  it('has no env and no secrets by default', () => {
    const options = settings();
    expect(containerEnvironment(options)).toEqual([]);
    expect(secretValues(options)).toEqual([]);
  });

  it('passes env-file errors through', () => {
    const missing = join(scratch, 'missing.env');
    expect(usageMessage(() => settings({ envFile: [missing] }))).toBe(`cannot read --env-file ${missing}: ENOENT`);
  });

  it('rejects an unset --secret-env', () => {
    vi.stubEnv('DEPLOYBISECT_TEST_NOPE', undefined);
    expect(usageMessage(() => settings({ secretEnv: ['DEPLOYBISECT_TEST_NOPE'] }))).toBe(
      '--secret-env DEPLOYBISECT_TEST_NOPE is not set in the environment',
    );
  });
});

describe('settings: resource limits and probe settings', () => {
  it('turns --memory and --pids-limit into limits, without cpus unless given', () => {
    expect(resourceLimits(settings())).toEqual({ memoryBytes: GiB, pidsLimit: 512 });
    expect(resourceLimits(settings({ memory: '256m', pidsLimit: '64', cpus: '0.5' }))).toEqual({
      memoryBytes: 256 * MiB,
      cpus: 0.5,
      pidsLimit: 64,
    });
    expect(resourceLimits(settings({ cpus: '2' })).cpus).toBe(2);
  });

  it('treats --pids-limit 0 as no limit', () => {
    const limits = resourceLimits(settings({ pidsLimit: '0' }));
    expect(limits).toEqual({ memoryBytes: GiB });
    expect(limits).not.toHaveProperty('pidsLimit');
  });

  it('rejects an invalid --pids-limit', () => {
    for (const pidsLimit of ['-1', '1.5', 'many', '']) {
      expect(usageMessage(() => settings({ pidsLimit }))).toBe(`invalid --pids-limit '${pidsLimit}': use a whole number (0 = no limit)`);
    }
  });

  it('rejects an invalid --cpus', () => {
    for (const cpus of ['0', '-1', 'abc', '', 'Infinity', 'NaN']) {
      expect(usageMessage(() => settings({ cpus }))).toBe(`invalid --cpus '${cpus}': use a number above 0, e.g. 0.5`);
    }
  });

  it('rejects an invalid or too small --memory', () => {
    expect(usageMessage(() => settings({ memory: 'lots' }))).toBe("invalid --memory 'lots': use bytes or a size like 512m, 1g");
    expect(usageMessage(() => settings({ memory: '4m' }))).toBe("--memory 4m is below the engine's minimum of 6m");
  });

  it('passes --header and --insecure to the probe settings only when given', () => {
    const plain = settings();
    expect(plain.header).toEqual({});
    expect(plain.insecure).toBe(false);
    const options = settings({ header: ['Authorization: Bearer x', 'Host: app.local'], insecure: true });
    expect(options.header).toEqual({ authorization: 'Bearer x', host: 'app.local' });
    expect(options.insecure).toBe(true);
  });

  it('rejects an invalid --header', () => {
    expectUsageError(() => settings({ header: ['nocolon'] }));
    expect(usageMessage(() => settings({ header: ['nocolon'] }))).toBe("invalid --header 'nocolon': expected NAME:VALUE");
  });

  it('passes --image-platform through and omits it when not given; --platform with an os/arch says where it went', () => {
    expect(settings({ imagePlatform: 'linux/arm64' }).imagePlatform).toBe('linux/arm64');
    expect(settings().imagePlatform).toBeUndefined();
    expect(usageMessage(() => settings({ platform: 'linux/arm64' }))).toBe(
      "--platform linux/arm64: --platform names the deployment platform (auto, render, fly, kubernetes, railway, heroku, digitalocean, cloudrun, compose, none); the image's os/arch is --image-platform linux/arm64",
    );
    expect(settings().platform).toBe('auto');
  });

  it('rejects a tcp probe with --network none, and an invalid --fail-on-log', () => {
    expect(usageMessage(() => settings({ network: 'none', probe: ['tcp://127.0.0.1:5432'] }))).toBe(
      '--network none: an http or tcp probe cannot reach the container; use --probe healthcheck, exec:, log:, or --network host',
    );
    expect(usageMessage(() => settings({ failOnLog: ['('] }))).toMatch(/^invalid regular expression in --fail-on-log: /);
    expect(settings({ failOnLog: ['FATAL', 'panic:'] }).failOnLog.map((f) => f.pattern.source)).toEqual(['FATAL', 'panic:']);
  });
});
