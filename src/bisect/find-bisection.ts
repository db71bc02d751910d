/**
 * git's choice of a bisection point (bisect.c, find_bisection), restated.
 *
 * The weight of a commit is the number of commits in range it can reach, itself included. The
 * best point has weight nearest to half of the range. Commits are visited oldest-first (the
 * reverse of rev-list order): merges get their weight by an explicit count, the others one more
 * than their (first, in parent order) weighed parent, in repeated passes. Without skipped commits
 * git stops at the first commit it finds "halfway"; otherwise it weighs everything and, with
 * skipped commits around, sorts all commits by distance from the middle (ties: smaller object name).
 */
import type { IndexedGraph } from './commit-graph.js';
import type { RangeWalk } from './rev-list-order.js';

export interface Bisection {
  /** Number of commits in range ("all" in git). */
  all: number;
  /** Commits in git's order of preference: one commit, or all of them when `sortAll` was asked. */
  ranked: number[];
  /** Weight of the first ranked commit ("reaches" in git). */
  reaches: number;
}

/** git's "approximately halfway": exact for small ranges, within ~0.1% for large ones. */
export function isApproxHalfway(weight: number, all: number): boolean {
  const diff = 2 * weight - all;
  if (diff >= -1 && diff <= 1) return true;
  return Math.abs(diff) < Math.trunc(all / 1024);
}

export function findBisection(graph: IndexedGraph, range: RangeWalk, opts: { firstParentOnly: boolean; sortAll: boolean }): Bisection {
  const { firstParentOnly, sortAll } = opts;
  const list = range.order.slice().reverse();
  const all = list.length;
  const inRange = range.inRange;
  // Parents git treats as interesting: in range; with --first-parent only the first parent counts.
  const rangeParents = (c: number): number[] => graph.walkParents(c, firstParentOnly).filter((p) => inRange[p] === 1);

  const UNKNOWN_SINGLE = -1;
  const UNKNOWN_MERGE = -2;
  const weight = new Int32Array(graph.size);
  let counted = 0;
  for (const c of list) {
    const n = rangeParents(c).length;
    if (n === 0) {
      weight[c] = 1;
      counted++;
    } else {
      weight[c] = n === 1 ? UNKNOWN_SINGLE : UNKNOWN_MERGE;
    }
  }

  const single = (c: number): Bisection => ({ all, ranked: [c], reaches: weight[c] as number });

  const counter = new ReachCounter(graph, inRange);
  for (const c of list) {
    if (weight[c] !== UNKNOWN_MERGE) continue;
    weight[c] = counter.count(c);
    if (!sortAll && isApproxHalfway(weight[c] as number, all)) return single(c);
    counted++;
  }

  while (counted < all) {
    let progressed = false;
    for (const c of list) {
      if ((weight[c] as number) >= 0) continue;
      const known = rangeParents(c).find((p) => (weight[p] as number) >= 0);
      if (known === undefined) continue;
      weight[c] = (weight[known] as number) + 1;
      counted++;
      progressed = true;
      if (!sortAll && isApproxHalfway(weight[c] as number, all)) return single(c);
    }
    if (!progressed) throw new Error('bisection weights do not converge: the graph has a cycle');
  }

  const distance = (c: number): number => Math.min(weight[c] as number, all - (weight[c] as number));
  if (!sortAll) {
    let best = list[0] as number;
    let bestDistance = -1;
    for (const c of list) {
      const d = distance(c);
      if (d > bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return single(best);
  }

  const ranked = list.slice().sort((a, b) => {
    const byDistance = distance(b) - distance(a);
    if (byDistance !== 0) return byDistance;
    const sa = graph.shas[a] as string;
    const sb = graph.shas[b] as string;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
  return { all, ranked, reaches: weight[ranked[0] as number] as number };
}

/** Counts the commits in range reachable from a commit through all parents, itself included. */
class ReachCounter {
  private readonly stamp: Uint32Array;
  private round = 0;

  constructor(
    private readonly graph: IndexedGraph,
    private readonly inRange: Uint8Array,
  ) {
    this.stamp = new Uint32Array(graph.size);
  }

  count(start: number): number {
    const round = ++this.round;
    const stack = [start];
    this.stamp[start] = round;
    let n = 0;
    while (stack.length > 0) {
      const c = stack.pop() as number;
      n++;
      for (const p of this.graph.parents[c] ?? []) {
        if (this.inRange[p] === 1 && this.stamp[p] !== round) {
          this.stamp[p] = round;
          stack.push(p);
        }
      }
    }
    return n;
  }
}
