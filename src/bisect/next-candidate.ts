/**
 * One step of `git bisect next` (bisect.c, bisect_next_all) on plain data: from the current bad
 * commit, the good commits and the skipped commits, either the next commit to test or the end of
 * the search.
 */
import type { IndexedGraph } from './commit-graph.js';
import { findBisection } from './find-bisection.js';
import { walkRange } from './rev-list-order.js';
import { chooseAvoidingSkipped } from './skip-away.js';

export interface BisectPosition {
  bad: number;
  /** Good commits inside the graph (goods outside it exclude nothing the graph holds). */
  goods: ReadonlySet<number>;
  skipped: ReadonlySet<number>;
  firstParentOnly: boolean;
}

export type NextStep =
  | { kind: 'test'; commit: number; remaining: number; stepsLeft: number; reaches: number }
  | { kind: 'found'; commit: number }
  | { kind: 'inconclusive'; candidates: number[] };

export function nextCandidate(graph: IndexedGraph, pos: BisectPosition): NextStep {
  const excluded = graph.markAncestors(pos.goods);
  if (excluded[pos.bad]) throw new Error(`${graph.shas[pos.bad]} was both good and bad`);
  const range = walkRange(graph, pos.bad, excluded, pos.firstParentOnly);

  // git weighs every commit and ranks them as soon as any commit was ever skipped.
  const anySkipped = pos.skipped.size > 0;
  const bisection = findBisection(graph, range, {
    firstParentOnly: pos.firstParentOnly,
    sortAll: anySkipped,
  });
  const choice = chooseAvoidingSkipped(
    bisection.ranked,
    (c) => pos.skipped.has(c),
    (c) => c === pos.bad,
  );
  // The bad commit is never skipped, so some commit is always left to pick.
  if (choice.kind === 'none') throw new Error('no untested commit left in range');

  if (choice.item === pos.bad) {
    if (choice.triedSkipped.length > 0) {
      return { kind: 'inconclusive', candidates: [...choice.triedSkipped, pos.bad] };
    }
    return { kind: 'found', commit: pos.bad };
  }
  return {
    kind: 'test',
    commit: choice.item,
    remaining: bisection.all,
    stepsLeft: estimateBisectSteps(bisection.all),
    reaches: bisection.reaches,
  };
}

/**
 * git's estimate of the steps left after the current one ("roughly N steps"): n - 1 or n for
 * 2^n <= all < 2^(n+1), whichever is more likely.
 */
export function estimateBisectSteps(all: number): number {
  if (all < 3) return 0;
  const n = 31 - Math.clz32(all);
  const e = 2 ** n;
  const x = all - e;
  return e < 3 * x ? n : n - 1;
}
