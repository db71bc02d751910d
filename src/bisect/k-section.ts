/**
 * A k-section of the remaining range, for evaluating k commits at once (`--jobs k`): the commits
 * whose weights (commits in range each can reach, itself included, as git bisect weighs them) lie
 * nearest to N/(k+1), 2N/(k+1), …, kN/(k+1) for a range of N commits. On a linear history that cuts
 * the range into k+1 near-equal parts; on a DAG each chosen commit splits the candidates as evenly
 * as one commit can at its level. Skipped commits and the bad commit are never chosen.
 */
import type { IndexedGraph } from './commit-graph.js';
import { walkRange } from './rev-list-order.js';

export interface SectionPosition {
  bad: number;
  goods: ReadonlySet<number>;
  skipped: ReadonlySet<number>;
  firstParentOnly: boolean;
}

/**
 * The remaining range, with each commit's weight; with `mass`, also the sum of `mass` over the same
 * commits (what a prior puts on "the culprit is this commit or one it reaches").
 */
export function weighedRange(
  graph: IndexedGraph,
  pos: SectionPosition,
  mass?: (c: number) => number,
): { order: number[]; weights: Map<number, number>; masses?: Map<number, number> } {
  const excluded = graph.markAncestors(pos.goods);
  const range = walkRange(graph, pos.bad, excluded, pos.firstParentOnly);
  const weights = weighRange(graph, range.order, range.inRange, pos.firstParentOnly, () => 1);
  if (!mass) return { order: range.order, weights };
  return { order: range.order, weights, masses: weighRange(graph, range.order, range.inRange, pos.firstParentOnly, mass) };
}

/**
 * Up to k distinct commits (indices), in the order of their targets (lowest weight first). With
 * `mass` (a prior over the culprit), the targets are the prior's quantiles instead: the commits
 * whose reach holds nearest to 1/(k+1), 2/(k+1), … of the range's mass.
 */
export function kSection(graph: IndexedGraph, pos: SectionPosition, k: number, mass?: (c: number) => number): number[] {
  const { order, weights: counts, masses } = weighedRange(graph, pos, mass);
  const weights = masses ?? counts;
  const n = masses ? (masses.get(pos.bad) ?? 0) : order.length;
  const eligible = order.filter((c) => c !== pos.bad && !pos.skipped.has(c));
  const chosen: number[] = [];
  for (let i = 1; i <= k && chosen.length < eligible.length; i++) {
    const target = (i * n) / (k + 1);
    let best: number | undefined;
    let bestDistance = Infinity;
    for (const c of eligible) {
      if (chosen.includes(c)) continue;
      const distance = Math.abs((weights.get(c) as number) - target);
      if (distance < bestDistance) {
        best = c;
        bestDistance = distance;
      }
    }
    if (best !== undefined) chosen.push(best);
  }
  return chosen;
}

/**
 * git's choice `next`, or, when `prefer` rejects it, the preferred commit that splits the range
 * best among those splitting it nearly as well: its smaller side at least (1 - tolerance) times
 * next's. Used to favour commits whose images share layers with images already built.
 */
export function preferWithin(
  graph: IndexedGraph,
  pos: SectionPosition,
  next: number,
  prefer: (c: number) => boolean,
  tolerance: number,
): number {
  if (prefer(next)) return next;
  const { order, weights } = weighedRange(graph, pos);
  const n = order.length;
  const split = (c: number): number => Math.min(weights.get(c) as number, n - (weights.get(c) as number));
  const floor = split(next) * (1 - tolerance);
  let best = next;
  let bestSplit = -1;
  for (const c of order) {
    if (c === pos.bad || pos.skipped.has(c) || !prefer(c)) continue;
    const s = split(c);
    if (s >= floor && s > bestSplit) {
      best = c;
      bestSplit = s;
    }
  }
  return best;
}

/**
 * Each commit's weight: the sum of `unit` over the commits in range it reaches through the parents
 * the walk follows, itself included (with a unit of 1, how many they are).
 */
function weighRange(
  graph: IndexedGraph,
  order: readonly number[],
  inRange: Uint8Array,
  firstParentOnly: boolean,
  unit: (c: number) => number,
): Map<number, number> {
  const parentsInRange = (c: number): number[] => graph.walkParents(c, firstParentOnly).filter((p) => inRange[p] === 1);
  const weights = new Map<number, number>();
  const stamp = new Uint32Array(graph.size);
  let round = 0;
  const count = (start: number): number => {
    const mark = ++round;
    const stack = [start];
    stamp[start] = mark;
    let reached = 0;
    while (stack.length > 0) {
      const c = stack.pop() as number;
      reached += unit(c);
      for (const p of parentsInRange(c)) {
        if (stamp[p] !== mark) {
          stamp[p] = mark;
          stack.push(p);
        }
      }
    }
    return reached;
  };
  // Parents before children (an explicit post-order walk: commit dates may not be ordered).
  for (const root of order) {
    if (weights.has(root)) continue;
    const stack: Array<{ c: number; expanded: boolean }> = [{ c: root, expanded: false }];
    while (stack.length > 0) {
      const top = stack.pop() as { c: number; expanded: boolean };
      if (weights.has(top.c)) continue;
      const parents = parentsInRange(top.c);
      if (!top.expanded) {
        stack.push({ c: top.c, expanded: true });
        for (const p of parents) if (!weights.has(p)) stack.push({ c: p, expanded: false });
        continue;
      }
      // One parent: its weight and this commit's unit (its ancestors are all this commit reaches). A merge: counted.
      weights.set(
        top.c,
        parents.length === 0
          ? unit(top.c)
          : parents.length === 1
            ? (weights.get(parents[0] as number) as number) + unit(top.c)
            : count(top.c),
      );
    }
  }
  return weights;
}
