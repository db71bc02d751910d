/** --jobs k: k commits per round that cut the remaining range into k+1 near-equal parts. */
import { describe, expect, it } from 'vitest';

import { BisectSearch, type CommitGraph } from '../../src/bisect/index.js';
import { ancestorsOf, randomDag, seededRandom, type DagNode } from '../helpers/dag-repo.js';

/** c0 (good) ← c1 ← … ← c(n-1) (bad), newest first. */
function linear(n: number): CommitGraph {
  return { commits: Array.from({ length: n - 1 }, (_, k) => ({ sha: `c${n - 1 - k}`, parents: [`c${n - 2 - k}`], date: 1000 - k })) };
}

/** A CommitGraph (rev-list order is not needed by the search beyond dates) from generated DAG nodes, without the root. */
function graphOf(nodes: DagNode[]): CommitGraph {
  return {
    commits: nodes
      .slice(1)
      .reverse()
      .map((n, i) => ({ sha: n.name, parents: n.parents, date: 100_000 - i })),
  };
}

/** Runs rounds of `sections(k)` until the search ends; verdicts: bad iff the culprit is an ancestor (or itself). */
function driveRounds(
  search: BisectSearch,
  isBad: (sha: string) => boolean,
  k: number,
): { rounds: number; evaluations: number; culprit?: string } {
  let rounds = 0;
  let evaluations = 0;
  for (let st = search.status(); !st.done; st = search.status()) {
    const batch = search.sections(k);
    expect(batch.length).toBeGreaterThan(0);
    expect(new Set(batch).size).toBe(batch.length);
    rounds++;
    evaluations += batch.length;
    for (const sha of batch) {
      expect(search.verdicts.has(sha)).toBe(false);
      try {
        search.record(sha, isBad(sha) ? 'bad' : 'good');
      } catch {
        // a commit outside the range narrowed by an earlier verdict of the same round: no news
      }
    }
    if (rounds > 500) throw new Error('no end');
  }
  const end = search.status();
  return { rounds, evaluations, ...(end.done && end.kind === 'found' ? { culprit: end.culprit } : {}) };
}

describe('BisectSearch.sections', () => {
  it('cuts a linear range into k+1 near-equal parts', () => {
    const search = new BisectSearch(linear(31), { bad: 'c30', goods: ['c0'] });
    // 30 commits in range (c1..c30): thirds at weights 10 and 20, quarters at 7.5, 15, 22.5.
    expect(search.sections(2)).toEqual(['c10', 'c20']);
    expect(search.sections(3)).toEqual(['c8', 'c15', 'c23']);
    expect(search.sections(1)).toEqual([search.status().done ? '' : (search.status() as { next: string }).next]);
  });

  it("with a prior (--prior risk --jobs k), cuts the range at the prior's quantiles instead of its count", () => {
    const search = new BisectSearch(linear(31), { bad: 'c30', goods: ['c0'] });
    // c1..c30; c20 carries as much mass as the other 29 together. A commit's reach is itself and its
    // ancestors in range: c19 reaches 19 of 58, c20 reaches 39 of 58; thirds of the mass fall at 19.3 and 38.7.
    const mass = (sha: string) => (sha === 'c20' ? 29 : 1);
    expect(search.sections(2, mass)).toEqual(['c19', 'c20']);
    // A flat prior is the count's k-section.
    expect(search.sections(2, () => 1)).toEqual(search.sections(2));
  });

  it('never offers the bad commit, a skipped commit or more commits than are left', () => {
    const search = new BisectSearch(linear(5), { bad: 'c4', goods: ['c0'] });
    search.record('c2', 'skip');
    expect(search.sections(8).sort()).toEqual(['c1', 'c3']);
  });

  it('on linear histories, log_(k+1) rounds instead of log_2 steps, same culprit', () => {
    for (const culprit of [1, 17, 250, 998, 999]) {
      const isBad = (sha: string) => Number(sha.slice(1)) >= culprit;
      for (const k of [2, 3]) {
        const result = driveRounds(new BisectSearch(linear(1000), { bad: 'c999', goods: ['c0'] }), isBad, k);
        expect(result.culprit).toBe(`c${culprit}`);
        expect(result.rounds).toBeLessThanOrEqual(Math.ceil(Math.log(999) / Math.log(k + 1)) + 1);
      }
    }
  });

  it('on random DAGs with merges, every round of 2 or 3 finds the culprit plain bisection finds', () => {
    const rnd = seededRandom(11);
    let plainSteps = 0;
    let rounds2 = 0;
    for (let trial = 0; trial < 60; trial++) {
      const nodes = randomDag(100 + trial, 40 + Math.floor(rnd() * 160));
      const graph = graphOf(nodes);
      const tip = nodes.at(-1)!.name;
      const culprit = graph.commits[Math.floor(rnd() * graph.commits.length)]!.sha;
      const isBad = (sha: string) => ancestorsOf(nodes, sha).has(culprit);
      const start = { bad: tip, goods: ['n0'] };
      const plain = driveRounds(new BisectSearch(graph, start), isBad, 1);
      expect(plain.culprit).toBe(culprit);
      plainSteps += plain.rounds;
      for (const k of [2, 3]) {
        const result = driveRounds(new BisectSearch(graph, start), isBad, k);
        expect(result.culprit, `trial ${trial}, k=${k}`).toBe(culprit);
        if (k === 2) rounds2 += result.rounds;
      }
    }
    // Two at a time: fewer rounds (each round is one wall-clock step) than one at a time.
    expect(rounds2).toBeLessThan(plainSteps * 0.8);
  });
});

describe('BisectSearch.nextPreferring (order for the layer cache)', () => {
  const search = () => new BisectSearch(linear(31), { bad: 'c30', goods: ['c0'] });
  const only =
    (...shas: string[]) =>
    (sha: string) =>
      shas.includes(sha);

  it("keeps git's choice when it is preferred or nothing preferred splits nearly as well", () => {
    expect(search().status()).toMatchObject({ next: 'c15' });
    expect(search().nextPreferring(only('c15', 'c14'), 0.1)).toBe('c15');
    expect(search().nextPreferring(only('c12', 'c18'), 0.1)).toBe('c15'); // 12/18 splits: below 90% of 15
    expect(search().nextPreferring(() => false, 0.1)).toBe('c15');
  });

  it('takes the best-splitting preferred commit within the tolerance', () => {
    expect(search().nextPreferring(only('c14'), 0.1)).toBe('c14');
    expect(search().nextPreferring(only('c16'), 0.1)).toBe('c16');
    expect(search().nextPreferring(only('c13', 'c14', 'c29'), 0.1)).toBe('c14');
    expect(search().nextPreferring(only('c12'), 0.25)).toBe('c12');
  });

  it('never proposes a skipped commit and ends with the search', () => {
    const s = search();
    s.record('c14', 'skip');
    expect(s.nextPreferring(only('c14'), 0.1)).not.toBe('c14');
    const done = new BisectSearch(linear(3), { bad: 'c2', goods: ['c0'] });
    done.record('c1', 'good');
    expect(done.nextPreferring(() => true, 0.1)).toBeUndefined();
  });

  it('with a preference, the search still names the culprit on random DAGs', () => {
    const rnd = seededRandom(5);
    for (let trial = 0; trial < 40; trial++) {
      const nodes = randomDag(500 + trial, 30 + Math.floor(rnd() * 120));
      const graph = graphOf(nodes);
      const culprit = graph.commits[Math.floor(rnd() * graph.commits.length)]!.sha;
      const isBad = (sha: string) => ancestorsOf(nodes, sha).has(culprit);
      const preferred = new Set(graph.commits.filter(() => rnd() < 0.3).map((c) => c.sha));
      const s = new BisectSearch(graph, { bad: nodes.at(-1)!.name, goods: ['n0'] });
      for (let st = s.status(), steps = 0; !st.done; st = s.status(), steps++) {
        if (steps > 300) throw new Error('no end');
        const next = s.nextPreferring((sha) => preferred.has(sha), 0.1)!;
        s.record(next, isBad(next) ? 'bad' : 'good');
      }
      expect(s.status()).toEqual({ done: true, kind: 'found', culprit });
    }
  });
});
