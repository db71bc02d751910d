/**
 * The informed choice of the next commit: the one whose test best halves what a prior believes
 * about where the culprit is, rather than the count of commits left. A test of commit c says
 * "bad" when the culprit is c or a commit c reaches (its weight: a commits of the n left) and
 * "good" otherwise, so c is worth as much as its reached mass is near half the total. Only commits
 * that leave at most `maxSide` candidates for each verdict are allowed: that is how the search
 * keeps its budget of builds when the prior is wrong.
 */
import type { IndexedGraph } from './commit-graph.js';
import { weighedRange, type SectionPosition } from './k-section.js';

export function priorSplit(
  graph: IndexedGraph,
  pos: SectionPosition,
  mass: (c: number) => number,
  /** How many candidates a "bad" verdict may leave (the commit and those it reaches), and a "good" one (the others). */
  maxSide: { bad: number; good: number },
  /** git's own choice, taken whenever it splits the mass as well as the best (so a flat prior tests what git tests). */
  gitsChoice?: number,
): number | undefined {
  const { order, weights, masses } = weighedRange(graph, pos, mass);
  const n = order.length;
  // The bad commit reaches every commit left: its mass is the total.
  const total = masses?.get(pos.bad) ?? 0;
  let best: number | undefined;
  let bestDistance = Infinity;
  let bestBalance = Infinity;
  const allowed = (c: number) =>
    c !== pos.bad && !pos.skipped.has(c) && (weights.get(c) as number) <= maxSide.bad && n - (weights.get(c) as number) <= maxSide.good;
  const distanceOf = (c: number) => Math.abs((masses?.get(c) as number) - total / 2);
  for (const c of order) {
    if (!allowed(c)) continue;
    const a = weights.get(c) as number;
    const distance = distanceOf(c);
    const balance = Math.abs(2 * a - n);
    // Ties (a flat prior) go to the count-balanced split, as git would choose.
    if (distance < bestDistance - 1e-9 || (Math.abs(distance - bestDistance) <= 1e-9 && balance < bestBalance)) {
      best = c;
      bestDistance = distance;
      bestBalance = balance;
    }
  }
  if (
    gitsChoice !== undefined &&
    best !== undefined &&
    allowed(gitsChoice) &&
    distanceOf(gitsChoice) <= bestDistance + 1e-9 * Math.max(1, total)
  )
    return gitsChoice;
  return best;
}

/**
 * How many candidates a test may leave and still finish within `testsLeft` tests: one for this test,
 * then ⌈log₂ m⌉ for m candidates by halving.
 */
export function maxSideWithin(testsLeft: number): number {
  return testsLeft <= 1 ? 1 : 2 ** (testsLeft - 1);
}
