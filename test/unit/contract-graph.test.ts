import { describe, expect, it } from 'vitest';

import { BisectSearch } from '../../src/bisect/bisect-search.js';
import type { CommitGraph, CommitNode } from '../../src/bisect/commit-graph.js';
import { contractGraph } from '../../src/bisect/contract-graph.js';
import { ancestorsOf, linearDag, randomDag, seededRandom, type DagNode } from '../helpers/dag-repo.js';

const node = (sha: string, parents: string[], date?: number): CommitNode =>
  date === undefined ? { sha, parents } : { sha, parents, date };

describe('contractGraph', () => {
  it('merges non-changing single-parent commits into their parents and rewires kept commits', () => {
    // good ← a ← b(x) ← c ← d(x) ← e      (x = changes the context), e is bad
    const graph: CommitGraph = {
      commits: [node('e', ['d'], 5), node('d', ['c'], 4), node('c', ['b'], 3), node('b', ['a'], 2), node('a', ['good'], 1)],
    };
    const changing = new Set(['b', 'd']);
    const { graph: out, representative } = contractGraph(graph, (s) => changing.has(s), new Set(['e']));
    expect(out.commits).toEqual([node('e', ['d'], 5), node('d', ['b'], 4), node('b', ['good'], 2)]);
    expect(Object.fromEntries(representative)).toEqual({ e: 'e', d: 'd', c: 'b', b: 'b', a: 'good' });
  });

  it('keeps merges, roots and the keep set; dedupes parents that contract to one commit; keeps order', () => {
    //        s1 ── s2
    //       /        \
    // r ── m1 ── m2 ── M ── t        nothing changes the context
    const graph: CommitGraph = {
      commits: [
        node('t', ['M']),
        node('M', ['m2', 's2']),
        node('s2', ['s1']),
        node('m2', ['m1']),
        node('s1', ['m1']),
        node('m1', ['r']),
        node('r', []),
      ],
    };
    const { graph: out, representative } = contractGraph(graph, () => false, new Set(['t']));
    expect(out.commits).toEqual([node('t', ['M']), node('M', ['r']), node('r', [])]);
    expect(representative.get('s2')).toBe('r');
    expect(representative.get('m2')).toBe('r');
    expect(representative.get('M')).toBe('M');
    expect(representative.size).toBe(7);
  });

  it('leaves everything in place when every commit changes the context', () => {
    const graph: CommitGraph = { commits: [node('b', ['a'], 2), node('a', ['g'], 1)] };
    const { graph: out } = contractGraph(graph, () => true, new Set());
    expect(out).toEqual(graph);
  });
});

/** The range bad --not goods of a DagNode history, as rev-list would list it (newest first by date). */
function rangeOf(nodes: DagNode[], bad: string, goods: string[]): CommitGraph {
  const excluded = new Set<string>();
  for (const good of goods) for (const a of ancestorsOf(nodes, good)) excluded.add(a);
  const inRange = ancestorsOf(nodes, bad);
  const order = nodes.map((n, i) => ({ n, i })).filter(({ n }) => inRange.has(n.name) && !excluded.has(n.name));
  order.sort((x, y) => (y.n.date ?? y.i) - (x.n.date ?? x.i) || y.i - x.i);
  return { commits: order.map(({ n, i }) => node(n.name, n.parents, n.date ?? 1_700_000_000 + 60 * i)) };
}

/** Runs a search to the end with verdicts from `isBad`; returns the conclusion and the number of tests. */
function bisect(graph: CommitGraph, bad: string, goods: string[], isBad: (sha: string) => boolean): { culprit: string; steps: number } {
  const search = new BisectSearch(graph, { bad, goods });
  let steps = 0;
  for (;;) {
    const status = search.status();
    if (status.done) {
      if (status.kind !== 'found') throw new Error(`inconclusive: ${status.candidates.join(' ')}`);
      return { culprit: status.culprit, steps };
    }
    steps++;
    search.record(status.next, isBad(status.next) ? 'bad' : 'good');
  }
}

function descendantsOf(nodes: DagNode[], culprit: string): Set<string> {
  const out = new Set<string>([culprit]);
  for (const n of nodes) if (n.parents.some((p) => out.has(p))) out.add(n.name);
  return out;
}

describe('bisection on the contracted graph', () => {
  // Pointwise "no more steps" does NOT hold on DAGs: git's midpoint choice (maximise
  // min(ancestors, rest)) is a greedy heuristic whose step count is not monotone in the graph,
  // e.g. seed 19 below takes 9 steps contracted vs 7 in full. It holds on linear histories (next
  // test) and on average; this test pins the culprit pointwise and the steps in aggregate,
  // and counts the exceptions so a regression in the contraction shows up.
  it('names the same culprit as on the full graph; fewer steps overall (random DAGs)', () => {
    let cases = 0;
    let worse = 0;
    let fullSteps = 0;
    let contractedSteps = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = seededRandom(seed * 101);
      const size = 10 + Math.floor(rnd() * 150);
      const nodes = randomDag(seed, size, { mergeRate: rnd() * 0.3, forkRate: rnd() * 0.3 });
      const rate = 0.05 + rnd() * 0.6;
      const changes = new Set(nodes.filter(() => rnd() < rate).map((n) => n.name));
      const bad = (nodes[nodes.length - 1] as DagNode).name;
      const goods = ['n0'];
      if (rnd() < 0.5) goods.push((nodes[Math.floor(rnd() * size * 0.5)] as DagNode).name);
      const full = rangeOf(nodes, bad, goods);
      // The culprit: a commit of the range that changes the context (merges only when they do).
      const candidates = full.commits.filter((c) => changes.has(c.sha));
      if (candidates.length === 0) continue;
      const culprit = (candidates[Math.floor(rnd() * candidates.length)] as CommitNode).sha;
      const bads = descendantsOf(nodes, culprit);
      cases++;

      const expected = bisect(full, bad, goods, (s) => bads.has(s));
      expect(expected.culprit, `seed ${seed}`).toBe(culprit);

      const { graph, representative } = contractGraph(full, (s) => changes.has(s), new Set([bad]));
      for (const c of full.commits) {
        // A commit shares the verdict of its representative: what the contraction rests on.
        const rep = representative.get(c.sha) as string;
        expect(bads.has(rep), `seed ${seed}: ${c.sha} → ${rep}`).toBe(bads.has(c.sha));
      }
      const got = bisect(graph, bad, goods, (s) => bads.has(representative.get(s) ?? s));
      expect(got.culprit, `seed ${seed}`).toBe(culprit);
      if (got.steps > expected.steps) worse++;
      fullSteps += expected.steps;
      contractedSteps += got.steps;
    }
    expect(cases).toBeGreaterThan(250);
    expect(contractedSteps).toBeLessThan(fullSteps * 0.85);
    expect(worse).toBeLessThanOrEqual(cases * 0.05);
  });

  it('on linear histories needs no more steps than the full graph and at most ⌈log₂(D+1)⌉+1 steps, D = commits that change the context', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = seededRandom(seed);
      const size = 3 + Math.floor(rnd() * 2000);
      const nodes = linearDag(size);
      const rate = rnd() * 0.2;
      const bad = `c${size - 1}`;
      const full = rangeOf(nodes, bad, ['c0']);
      const changes = new Set(full.commits.filter(() => rnd() < rate).map((c) => c.sha));
      const pool = full.commits.filter((c) => changes.has(c.sha));
      if (pool.length === 0) changes.add(bad);
      const culprit = pool.length === 0 ? bad : (pool[Math.floor(rnd() * pool.length)] as CommitNode).sha;
      const bads = descendantsOf(nodes, culprit);
      const { graph, representative } = contractGraph(full, (s) => changes.has(s), new Set([bad]));
      const got = bisect(graph, bad, ['c0'], (s) => bads.has(representative.get(s) ?? s));
      expect(got.culprit, `seed ${seed}`).toBe(culprit);
      const d = full.commits.filter((c) => changes.has(c.sha)).length;
      expect(got.steps, `seed ${seed}: D=${d}`).toBeLessThanOrEqual(Math.ceil(Math.log2(d + 1)) + 1);
      const whole = bisect(full, bad, ['c0'], (s) => bads.has(s));
      expect(whole.culprit).toBe(culprit);
      expect(got.steps, `seed ${seed}`).toBeLessThanOrEqual(whole.steps);
    }
  });
});
