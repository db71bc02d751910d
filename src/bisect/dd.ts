/**
 * Zeller and Hildebrandt's general delta debugging (`dd`, "Simplifying and Isolating
 * Failure-Inducing Input", TSE 2002), which narrows both sides: from a passing configuration
 * (no changes) and a failing one (all changes), it finds a passing set and a failing superset whose
 * difference is 1-minimal: adding any one change of the difference to the passing set, or removing
 * any one from the failing set, does not give the same pair of outcomes.
 *
 * Pure: the tests are the caller's (an async function of the ids applied); an outcome other than
 * pass or fail (a build failure, another failure) is "unresolved" and narrows nothing. A memo keeps
 * each configuration tested once; `maxTests` bounds the tests, and the best pair so far is returned
 * when they run out.
 */

export type DdVerdict = 'pass' | 'fail' | 'unresolved';

export interface DdOptions {
  /** At most this many configurations are tested (the memo's and `known` are free); default: no bound. */
  maxTests?: number;
  /** Configurations tested at once (each round's candidates in batches of this size); default 1. */
  parallel?: number;
  /** Verdicts known before the search (e.g. the empty set and the full set), keyed by ddKey. */
  known?: ReadonlyMap<string, DdVerdict>;
}

export interface DdResult {
  /** The passing configuration: ids applied, sorted. */
  passing: number[];
  /** The failing configuration, a superset of passing. */
  failing: number[];
  /** failing minus passing. */
  difference: number[];
  /** True when the difference is 1-minimal; false when the tests ran out first. */
  complete: boolean;
}

/** The memo's key of a configuration. */
export function ddKey(ids: readonly number[]): string {
  return [...ids].sort((a, b) => a - b).join(',');
}

/** Splits `items` into `n` near-equal consecutive parts (n ≤ items.length). */
export function splitInto<T>(items: readonly T[], n: number): T[][] {
  const parts: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((items.length - start) / (n - i));
    parts.push(items.slice(start, end));
    start = end;
  }
  return parts;
}

interface Candidate {
  /** add: passing ∪ part; remove: failing − part. */
  kind: 'add' | 'remove';
  ids: number[];
}

/** The tests as dd sees them: memoised, bounded, and (for the second stage) on top of fixed changes. */
interface Tester {
  /** Whether the configuration's verdict is known (free). */
  known(ids: readonly number[]): boolean;
  /** How many new tests may still start. */
  left(): number;
  run(ids: readonly number[]): Promise<DdVerdict>;
}

/**
 * Runs dd over the changes `ids` (the passing end has none applied, the failing end all of them).
 * The caller is expected to have checked both ends (pass them in `known`); they are not tested here.
 *
 * When the difference found does not break the parent on its own (it needs changes of the passing
 * side: an interaction), a second dd over the passing side, each configuration tested with the
 * difference applied, finds the changes it needs; the answer is then the pair whose difference holds
 * all of them (removing any one from the failing side, or adding any one to the passing side, passes).
 */
export async function dd(
  ids: readonly number[],
  test: (ids: readonly number[]) => Promise<DdVerdict>,
  options: DdOptions = {},
): Promise<DdResult> {
  const memo = new Map<string, DdVerdict>(options.known ?? []);
  let left = options.maxTests ?? Number.POSITIVE_INFINITY;
  const parallel = Math.max(1, options.parallel ?? 1);
  const tester = (fixed: readonly number[]): Tester => ({
    known: (c) => memo.has(ddKey(union(c, fixed))),
    left: () => left,
    run: async (c) => {
      const key = ddKey(union(c, fixed));
      const seen = memo.get(key);
      if (seen !== undefined) return seen;
      left--;
      const verdict = await test(union(c, fixed));
      memo.set(key, verdict);
      return verdict;
    },
  });
  const first = await ddCore(
    [...ids].sort((a, b) => a - b),
    [],
    tester([]),
    parallel,
  );
  if (!first.complete || first.passing.length === 0) return first;
  const alone = tester([]);
  if (!alone.known(first.difference) && alone.left() <= 0) return first;
  if ((await alone.run(first.difference)) !== 'pass') return first;
  // The difference needs some of the passing side's changes: which ones, with the difference applied.
  const needed = tester(first.difference);
  const second = await ddCore(first.passing, [], needed, parallel);
  if (second.passing.length > 0) {
    if (!alone.known(second.passing) && alone.left() <= 0) return first;
    if ((await alone.run(second.passing)) !== 'pass') return first;
  }
  const failing = union(second.failing, first.difference);
  return { passing: second.passing, failing, difference: minus(failing, second.passing), complete: second.complete };
}

/** dd proper, from `passing` (none of `ids` applied but these) and all of `ids`, whose verdicts are known. */
async function ddCore(ids: number[], start: number[], tester: Tester, parallel: number): Promise<DdResult> {
  let passing = start;
  let failing = ids;
  let n = 2;
  const result = (complete: boolean): DdResult => ({ passing, failing, difference: minus(failing, passing), complete });
  for (;;) {
    const delta = minus(failing, passing);
    if (delta.length <= 1) return result(true);
    n = Math.min(n, delta.length);
    const candidates: Candidate[] = splitInto(delta, n).flatMap((part) => [
      { kind: 'add' as const, ids: union(passing, part) },
      { kind: 'remove' as const, ids: minus(failing, part) },
    ]);
    const verdicts = new Map<Candidate, DdVerdict>();
    let step: { passing: number[]; failing: number[]; n: number } | undefined;
    let exhausted = false;
    let index = 0;
    while (index < candidates.length && !step && !exhausted) {
      const batch: Candidate[] = [];
      const done: Candidate[] = [];
      while (index < candidates.length && batch.length < parallel) {
        const c = candidates[index]!;
        if (tester.known(c.ids)) done.push(c);
        else if (!batch.some((b) => ddKey(b.ids) === ddKey(c.ids))) {
          if (batch.length >= tester.left()) {
            exhausted = true;
            break;
          }
          batch.push(c);
        }
        index++;
      }
      const tested = await Promise.all([...done, ...batch].map((c) => tester.run(c.ids)));
      [...done, ...batch].forEach((c, i) => verdicts.set(c, tested[i]!));
      step = reduction(verdicts, passing, failing, n);
    }
    if (step) {
      ({ passing, failing, n } = step);
      continue;
    }
    if (exhausted) return result(false);
    if (n < delta.length) n = Math.min(2 * n, delta.length);
    else return result(true);
  }
}

/** dd's four cases, in the paper's order of priority, over the candidates with a verdict. */
function reduction(
  verdicts: ReadonlyMap<Candidate, DdVerdict>,
  passing: number[],
  failing: number[],
  n: number,
): { passing: number[]; failing: number[]; n: number } | undefined {
  const find = (kind: Candidate['kind'], verdict: DdVerdict) => [...verdicts].find(([c, v]) => c.kind === kind && v === verdict)?.[0];
  const addFails = find('add', 'fail');
  if (addFails) return { passing, failing: addFails.ids, n: 2 };
  const removePasses = find('remove', 'pass');
  if (removePasses) return { passing: removePasses.ids, failing, n: 2 };
  const addPasses = find('add', 'pass');
  if (addPasses) return { passing: addPasses.ids, failing, n: Math.max(n - 1, 2) };
  const removeFails = find('remove', 'fail');
  if (removeFails) return { passing, failing: removeFails.ids, n: Math.max(n - 1, 2) };
  return undefined;
}

function union(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

function minus(a: readonly number[], b: readonly number[]): number[] {
  const drop = new Set(b);
  return a.filter((x) => !drop.has(x));
}
