import { describe, expect, it } from 'vitest';

import { formatAge, formatDuration, parseDuration } from '../../src/duration.js';
import { expectUsageError } from '../helpers/expect-usage-error.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1.5m', 90_000],
    ['0.5s', 500],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    ['0s', 0],
    ['250ms', 250],
    ['7d', 604_800_000],
    ['1d12h', 129_600_000],
  ])('parses %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('treats a bare number as seconds', () => {
    expect(parseDuration('10')).toBe(10_000);
    expect(parseDuration('2.5')).toBe(2500);
    expect(parseDuration('0')).toBe(0);
  });

  it('ignores surrounding whitespace', () => {
    expect(parseDuration('  15s \n')).toBe(15_000);
    expect(parseDuration(' 3 ')).toBe(3000);
  });

  it('rounds fractional milliseconds', () => {
    expect(parseDuration('1.4ms')).toBe(1);
    expect(parseDuration('1.6ms')).toBe(2);
    expect(parseDuration('0.0016')).toBe(2);
  });

  it('reads ms as milliseconds, not minutes then seconds', () => {
    expect(parseDuration('5ms')).toBe(5);
    expect(parseDuration('5m5s')).toBe(305_000);
  });

  it.each(['', '   ', 'abc', '10x', '-5s', '-5', '10 s', '1m 30s', '10S', 's', '1.s', '.5s', '1e3', '10s!', 'ms'])(
    'rejects %j with a usage error',
    (text) => {
      const error = expectUsageError(() => parseDuration(text));
      expect(error.message).toBe(`invalid duration '${text}': use a number with a unit, e.g. 500ms, 10s, 2m, 1h`);
    },
  );

  it('names what was being parsed in the error', () => {
    const error = expectUsageError(() => parseDuration('soon', '--timeout'));
    expect(error.message).toBe("invalid --timeout 'soon': use a number with a unit, e.g. 500ms, 10s, 2m, 1h");
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [1, '1ms'],
    [12.4, '12ms'],
    [999, '999ms'],
    [1000, '1.0s'],
    [1500, '1.5s'],
    [9940, '9.9s'],
    [10_000, '10s'],
    [12_345, '12s'],
    [59_000, '59s'],
    [60_000, '1m00s'],
    [90_000, '1m30s'],
    [125_000, '2m05s'],
    [3_600_000, '60m00s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('carries rounding into the next unit instead of showing 60 of a unit', () => {
    expect(formatDuration(999.6)).toBe('1.0s');
    expect(formatDuration(9960)).toBe('10s');
    expect(formatDuration(59_600)).toBe('1m00s');
    expect(formatDuration(119_600)).toBe('2m00s');
    expect(formatDuration(119_400)).toBe('1m59s');
  });

  it('round-trips what parseDuration reads', () => {
    for (const text of ['500ms', '10s', '1m30s', '2m05s']) {
      const ms = parseDuration(text);
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [-5000, '0s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [3_599_999, '59m'],
    [3_600_000, '1h00m'],
    [5 * 3_600_000 + 3 * 60_000 + 59_000, '5h03m'],
    [86_400_000, '1d00h'],
    [3 * 86_400_000 + 4 * 3_600_000 + 59 * 60_000, '3d04h'],
    [2190 * 86_400_000, '2190d00h'],
  ])('gives %d ms as %s (two units at most, rounded down)', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});
