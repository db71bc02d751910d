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

/**
 * Runs dd over the changes `ids` (the passing end has none applied, the failing end all of them).
 * The caller is expected to have checked both ends (pass them in `known`); they are not tested here.
 */
export async function dd(
  ids: readonly number[],
  test: (ids: readonly number[]) => Promise<DdVerdict>,
  options: DdOptions = {},
): Promise<DdResult> {
  const memo = new Map<string, DdVerdict>(options.known ?? []);
  const parallel = Math.max(1, options.parallel ?? 1);
  const maxTests = options.maxTests ?? Number.POSITIVE_INFINITY;
  let tests = 0;
  let passing: number[] = [];
  let failing = [...ids].sort((a, b) => a - b);
  let n = 2;
  const result = (complete: boolean): DdResult => ({ passing, failing, difference: minus(failing, passing), complete });

  for (;;) {
    const delta = minus(failing, passing);
    if (delta.length <= 1) return result(true);
    n = Math.min(n, delta.length);
    const parts = splitInto(delta, n);
    const candidates: Candidate[] = parts.flatMap((part) => [
      { kind: 'add' as const, ids: union(passing, part) },
      { kind: 'remove' as const, ids: minus(failing, part) },
    ]);
    const verdicts = new Map<Candidate, DdVerdict>();
    let step: { passing: number[]; failing: number[]; n: number } | undefined;
    let exhausted = false;
    let index = 0;
    while (index < candidates.length && !step && !exhausted) {
      const batch: Candidate[] = [];
      while (index < candidates.length && batch.length < parallel) {
        const c = candidates[index]!;
        const key = ddKey(c.ids);
        if (!memo.has(key) && !batch.some((b) => ddKey(b.ids) === key)) {
          if (tests >= maxTests) {
            exhausted = true;
            break;
          }
          batch.push(c);
          tests++;
        }
        index++;
      }
      const tested = await Promise.all(batch.map((c) => test(c.ids)));
      batch.forEach((c, i) => memo.set(ddKey(c.ids), tested[i]!));
      for (const c of candidates.slice(0, index)) verdicts.set(c, memo.get(ddKey(c.ids))!);
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
