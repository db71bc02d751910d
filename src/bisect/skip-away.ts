/**
 * What git does when its preferred bisection point was skipped (bisect.c: managed_skipped,
 * filter_skipped, skip_away): it moves a pseudo-random but deterministic distance down the list of
 * untested candidates ranked by closeness to the middle, a distance that grows with the number of
 * candidates, so that it leaves the neighbourhood of the skipped commit.
 */

const PRN_MODULO = 32768;

/** git's get_prn: one step of the "man 3 rand" generator in unsigned 32-bit arithmetic. */
export function pseudoRandom(count: number): number {
  const next = (Math.imul(count, 1103515245) + 12345) >>> 0;
  return Math.floor(next / 65536) % PRN_MODULO;
}

/** git's sqrti: Newton's iteration in single-precision floats, truncated. */
export function integerSqrt(value: number): number {
  if (value === 0) return 0;
  const f = Math.fround;
  const v = f(value);
  let x = v;
  let d: number;
  do {
    const y = f(f(x + f(v / x)) / 2);
    d = y > x ? f(y - x) : f(x - y);
    x = y;
  } while (d >= 0.5);
  return Math.trunc(x);
}

/** Index of the candidate git moves to among `count` untested candidates (C int arithmetic). */
export function skipAwayIndex(count: number): number {
  const prn = pseudoRandom(count);
  const scaled = Math.trunc(Math.imul(count, prn) / PRN_MODULO);
  return Math.trunc(Math.imul(scaled, integerSqrt(prn)) / integerSqrt(PRN_MODULO));
}

export type SkipOutcome<T> =
  | { kind: 'pick'; item: T; triedSkipped: T[] }
  /** Every candidate was skipped. */
  | { kind: 'none'; triedSkipped: T[] };

/**
 * Chooses among `ranked` (git's preference order) avoiding skipped items.
 * `triedSkipped` is non-empty only when the preferred item was skipped: then it lists every skipped
 * item of `ranked`, in order (git prints these as "the first bad commit could be any of").
 */
export function chooseAvoidingSkipped<T>(
  ranked: readonly T[],
  isSkipped: (item: T) => boolean,
  isBad: (item: T) => boolean,
): SkipOutcome<T> {
  const first = ranked[0];
  if (first === undefined) return { kind: 'none', triedSkipped: [] };
  if (!isSkipped(first)) return { kind: 'pick', item: first, triedSkipped: [] };

  const untested = ranked.filter((c) => !isSkipped(c));
  const triedSkipped = ranked.filter((c) => isSkipped(c));
  const head = untested[0];
  if (head === undefined) return { kind: 'none', triedSkipped };

  const index = skipAwayIndex(untested.length);
  let item: T = head;
  if (index < untested.length) {
    const atIndex = untested[index] as T;
    if (!isBad(atIndex)) item = atIndex;
    else if (index > 0) item = untested[index - 1] as T;
  }
  return { kind: 'pick', item, triedSkipped };
}
