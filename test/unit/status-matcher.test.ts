import { describe, expect, it } from 'vitest';

import { UsageError } from '../../src/errors.js';
import { parseStatusMatcher } from '../../src/probes/status-matcher.js';

const ALL_STATUSES = Array.from({ length: 500 }, (_, i) => 100 + i);

function accepted(text: string): number[] {
  const matcher = parseStatusMatcher(text);
  return ALL_STATUSES.filter((s) => matcher.matches(s));
}

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

describe('parseStatusMatcher', () => {
  it('matches one exact code', () => {
    expect(accepted('200')).toEqual([200]);
    expect(accepted('404')).toEqual([404]);
  });

  it.each([
    ['1xx', 100],
    ['2xx', 200],
    ['3xx', 300],
    ['4xx', 400],
    ['5xx', 500],
  ])('matches the class %s as %d-%d', (text, base) => {
    expect(accepted(text)).toEqual(range(base, base + 99));
  });

  it('accepts an upper-case class', () => {
    expect(accepted('2XX')).toEqual(range(200, 299));
  });

  it('matches an inclusive range', () => {
    expect(accepted('200-399')).toEqual(range(200, 399));
    expect(accepted('204-204')).toEqual([204]);
  });

  it('matches a comma list of codes, classes and ranges, with spaces', () => {
    expect(accepted('200, 3xx ,404-405')).toEqual([200, ...range(300, 399), 404, 405]);
  });

  it('keeps the text it was given', () => {
    expect(parseStatusMatcher('2xx,404').text).toBe('2xx,404');
  });

  it.each(['', 'ok', '20', '2000', '6xx', '0xx', 'x2xx', '2x', '399-200', '200-', '-200', '200-3xx', '200,,300', '200;300', '2xx,abc'])(
    'rejects %j with a usage error naming the whole option',
    (text) => {
      let caught: unknown;
      try {
        parseStatusMatcher(text);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UsageError);
      expect((caught as UsageError).exitCode).toBe(2);
      expect((caught as UsageError).message).toBe(
        `invalid --expect-status '${text}': use a code (200), a class (2xx) or a range (200-399)`,
      );
    },
  );
});
