/** Compose's env file grammar (`.env`, `env_file:`) on real files of test/fixtures/compose and on its edge cases. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

import { EnvFileError, envMap, parseEnvFile } from '../../src/contract/compose/env-file.js';

const fixture = (path: string): string => readFileSync(join(import.meta.dirname, '../fixtures/compose', path), 'utf8');
const none = (): undefined => undefined;

describe('real env files', () => {
  test("netbox's env/netbox.env: every KEY=value line, comments skipped, empty values kept", () => {
    const parsed = parseEnvFile(fixture('netbox/env/netbox.env'), none);
    const values = envMap(parsed);
    expect(values.get('DB_HOST')).toBe('postgres');
    expect(values.get('EMAIL_PASSWORD')).toBe('');
    expect(values.has('# EMAIL_USE_SSL and EMAIL_USE_TLS are mutually exclusive, i.e. they can')).toBe(false);
    expect(parsed.entries.find((entry) => entry.key === 'EMAIL_USE_SSL')?.line).toBe(15);
  });

  test("sentry's .env: durations and images, and the commented-out keys absent", () => {
    const values = envMap(parseEnvFile(fixture('sentry/.env'), none));
    expect(values.get('HEALTHCHECK_TIMEOUT')).toBe('1m30s');
    expect(values.get('SENTRY_IMAGE')).toBe('ghcr.io/getsentry/sentry:nightly');
    expect(values.has('SENTRY_MAIL_HOST')).toBe(false);
  });

  test("jitsi's .env: a 200-line template with many commented keys", () => {
    const parsed = parseEnvFile(fixture('jitsi/.env'), none);
    expect(parsed.entries.length).toBeGreaterThan(3);
    expect(parsed.entries.every((entry) => /^[A-Z0-9_]+$/.test(entry.key))).toBe(true);
  });
});

describe('grammar', () => {
  test('quotes: single verbatim, double with escapes, unquoted cut at " #" and trimmed', () => {
    const text = [
      `SINGLE='a $HOME \\n b'`,
      `DOUBLE="line1\\nline2 \\"quoted\\" \\$literal"`,
      'PLAIN=value with spaces   # a comment',
      'HASH=color#1',
      'export EXPORTED=yes',
      'YAML_STYLE: colon',
      `MULTI='first`,
      `second'`,
    ].join('\n');
    const values = envMap(parseEnvFile(text, none));
    expect(values.get('SINGLE')).toBe('a $HOME \\n b');
    expect(values.get('DOUBLE')).toBe('line1\nline2 "quoted" $literal');
    expect(values.get('PLAIN')).toBe('value with spaces');
    expect(values.get('HASH')).toBe('color#1');
    expect(values.get('EXPORTED')).toBe('yes');
    expect(values.get('YAML_STYLE')).toBe('colon');
    expect(values.get('MULTI')).toBe('first\nsecond');
  });

  test('interpolation: the lookup first, then earlier lines; single quotes never interpolate', () => {
    const parsed = parseEnvFile("BASE=/srv\nDATA=${BASE}/data\nTAG=${IMAGE_TAG:-latest}\nRAW='${BASE}'\nGONE=$NOPE\n", (name) =>
      name === 'BASE' ? '/pinned' : undefined,
    );
    const values = envMap(parsed);
    expect(values.get('DATA')).toBe('/pinned/data');
    expect(values.get('TAG')).toBe('latest');
    expect(values.get('RAW')).toBe('${BASE}');
    expect(values.get('GONE')).toBe('');
    expect(parsed.unset).toEqual(['NOPE']);
  });

  test('a bare key takes its value from the lookup, and is left out when unset', () => {
    const values = envMap(parseEnvFile('FROM_SHELL\nNOT_SET\nA=1\n', (name) => (name === 'FROM_SHELL' ? 'shell' : undefined)));
    expect([...values]).toEqual([
      ['FROM_SHELL', 'shell'],
      ['A', '1'],
    ]);
  });

  test('a later line wins', () => {
    expect(envMap(parseEnvFile('A=1\nA=2\n', none)).get('A')).toBe('2');
  });

  test('format: raw takes every value verbatim', () => {
    const values = envMap(parseEnvFile('Q="quoted"\nV=${NOT_EXPANDED} # kept\n', none, { raw: true }));
    expect(values.get('Q')).toBe('"quoted"');
    expect(values.get('V')).toBe('${NOT_EXPANDED} # kept');
  });

  test('errors carry their line: a bad key, an unterminated quote, a required variable', () => {
    const cases: [string, number, RegExp][] = [
      ['A=1\nBAD KEY=2\n', 2, /key cannot contain a space/],
      ['A=1\n\nB$=2\n', 3, /unexpected character "\$" in variable name/],
      ['A=1\nB="never closed\nC=3\n', 2, /unterminated quoted value/],
      ['A=1\nB=${REQUIRED:?set it}\n', 2, /required variable REQUIRED is missing a value: set it/],
    ];
    for (const [text, line, message] of cases) {
      expect.soft(() => parseEnvFile(text, none), text).toThrow(message);
      try {
        parseEnvFile(text, none);
      } catch (error) {
        expect.soft((error as EnvFileError).line, text).toBe(line);
      }
    }
  });
});
