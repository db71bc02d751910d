/**
 * The bisection core against the real `git bisect run`, on generated repositories: for the same
 * verdict on every commit, the core must test the same commits in the same order and reach the
 * same conclusion (first bad commit, or the same "could be any of" set).
 */
import { afterAll, describe, expect, it } from 'vitest';

import { BisectSearch, type Verdict } from '../../src/bisect/index.js';
import { loadCommitGraph } from '../../src/git/history.js';
import {
  ancestorsOf,
  createDagRepo,
  crissCrossDag,
  linearDag,
  mergeDag,
  randomDag,
  runGitBisect,
  seededRandom,
  type DagNode,
} from '../helpers/dag-repo.js';

interface Case {
  label: string;
  nodes: DagNode[];
  bad: string;
  goods: string[];
  /** verdict per node name (bad and goods are forced) */
  verdict: (name: string) => Verdict;
  firstParent?: boolean;
}

interface CaseResult {
  label: string;
  mismatch?: string;
  gitTested: number;
  coreTested: number;
  kind: string;
}

const totals = { cases: 0, gitTested: 0, coreTested: 0, inconclusive: 0 };
afterAll(() => {
  console.log(
    `oracle: ${totals.cases} cases, ${totals.inconclusive} inconclusive; commits tested: git ${totals.gitTested}, core ${totals.coreTested}`,
  );
});

async function runCase(c: Case): Promise<CaseResult> {
  const repo = await createDagRepo(c.nodes);
  try {
    const sha = (n: string): string => {
      const s = repo.sha.get(n);
      if (!s) throw new Error(`no node ${n}`);
      return s;
    };
    const bad = sha(c.bad);
    const goods = c.goods.map(sha);
    const verdicts = new Map<string, Verdict>();
    for (const n of c.nodes) {
      const v = n.name === c.bad ? 'bad' : c.goods.includes(n.name) ? 'good' : c.verdict(n.name);
      verdicts.set(sha(n.name), v);
    }
    const opts = { firstParent: c.firstParent === true };
    const oracle = await runGitBisect(repo, bad, goods, verdicts, opts);

    const graph = await loadCommitGraph(repo.dir, bad, goods, opts);
    const search = new BisectSearch(graph, { bad, goods, ...opts });
    const tested: string[] = [];
    let status = search.status();
    while (!status.done) {
      if (tested.length > graph.commits.length) throw new Error('core does not terminate');
      tested.push(status.next);
      search.record(status.next, verdicts.get(status.next) as Verdict);
      status = search.status();
    }

    const names = (shas: string[]): string => shas.map((s) => repo.name.get(s) ?? s.slice(0, 8)).join(',');
    const problems: string[] = [];
    if (names(tested) !== names(oracle.tested)) {
      problems.push(`tested git [${names(oracle.tested)}] core [${names(tested)}]`);
    }
    if (oracle.kind === 'found') {
      if (status.kind !== 'found' || status.culprit !== oracle.culprit) {
        problems.push(`git found ${names([oracle.culprit])}, core ${JSON.stringify(status)}`);
      }
    } else {
      const want = names([...oracle.candidates].sort());
      const got = status.kind === 'inconclusive' ? names([...status.candidates].sort()) : `(${status.kind})`;
      if (want !== got) problems.push(`git could be any of [${want}], core [${got}]`);
    }
    return {
      label: c.label,
      ...(problems.length > 0 ? { mismatch: problems.join('; ') } : {}),
      gitTested: oracle.tested.length,
      coreTested: tested.length,
      kind: oracle.kind,
    };
  } finally {
    await repo.cleanup();
  }
}

/** Runs cases two at a time; returns mismatches (empty when the core agrees with git everywhere). */
async function runCases(cases: Case[]): Promise<string[]> {
  const results: CaseResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const c = cases[next++] as Case;
      results.push(await runCase(c));
    }
  };
  await Promise.all([worker(), worker()]);
  for (const r of results) {
    totals.cases++;
    totals.gitTested += r.gitTested;
    totals.coreTested += r.coreTested;
    if (r.kind === 'inconclusive') totals.inconclusive++;
    expect(r.coreTested, r.label).toBeLessThanOrEqual(r.gitTested);
  }
  return results.filter((r) => r.mismatch).map((r) => `${r.label}: ${r.mismatch}`);
}

/** Monotone verdicts: bad iff the commit descends from (or is) the culprit; some commits skipped. */
function monotone(nodes: DagNode[], culprit: string, skipped: ReadonlySet<string> = new Set()): (n: string) => Verdict {
  const bad = new Set(nodes.filter((n) => ancestorsOf(nodes, n.name).has(culprit)).map((n) => n.name));
  return (n) => (skipped.has(n) ? 'skip' : bad.has(n) ? 'bad' : 'good');
}

function randomSkips(nodes: DagNode[], rnd: () => number, rate: number): Set<string> {
  return new Set(nodes.filter(() => rnd() < rate).map((n) => n.name));
}

/** Commits in bad's range (ancestors of bad, not of any good; first-parent chain if asked). */
function rangeOf(nodes: DagNode[], bad: string, goods: string[], firstParent = false): string[] {
  const excluded = new Set(goods.flatMap((g) => [...ancestorsOf(nodes, g)]));
  return [...ancestorsOf(nodes, bad, firstParent)].filter((n) => !excluded.has(n));
}

describe('core agrees with git bisect run', () => {
  it('linear histories of 2..60 commits, culprit anywhere', async () => {
    const rnd = seededRandom(11);
    const cases: Case[] = [];
    for (let n = 2; n <= 60; n += n < 20 ? 1 : 3) {
      const nodes = linearDag(n);
      const culprit = `c${1 + Math.floor(rnd() * (n - 1))}`;
      cases.push({ label: `linear ${n} culprit ${culprit}`, nodes, bad: `c${n - 1}`, goods: ['c0'], verdict: monotone(nodes, culprit) });
    }
    expect(await runCases(cases)).toEqual([]);
  });

  it('linear histories with skipped commits, including around and on the culprit', async () => {
    const rnd = seededRandom(12);
    const cases: Case[] = [];
    for (let k = 0; k < 30; k++) {
      const n = 8 + Math.floor(rnd() * 50);
      const nodes = linearDag(n);
      const c = 1 + Math.floor(rnd() * (n - 1));
      const skips = randomSkips(nodes, rnd, [0.1, 0.3, 0.6][k % 3] as number);
      if (k % 2 === 0) for (const d of [-1, 0, 1]) skips.add(`c${c + d}`);
      skips.delete(`c${n - 1}`);
      cases.push({
        label: `linear ${n} culprit c${c} skips ${skips.size}`,
        nodes,
        bad: `c${n - 1}`,
        goods: ['c0'],
        verdict: monotone(nodes, `c${c}`, skips),
      });
    }
    // everything but bad and good skipped
    const all = linearDag(12);
    cases.push({ label: 'linear all skipped', nodes: all, bad: 'c11', goods: ['c0'], verdict: () => 'skip' });
    expect(await runCases(cases)).toEqual([]);
  });

  it('merges: culprit on the mainline, on a side branch, or a merge itself', async () => {
    const nodes = mergeDag(14, [
      { from: 1, length: 4, mergeAt: 6 },
      { from: 3, length: 2, mergeAt: 9 },
      { from: 7, length: 5, mergeAt: 12 },
    ]);
    const rnd = seededRandom(13);
    const cases: Case[] = [];
    for (const culprit of ['m2', 'm5', 'm6', 'm10', 'b0_0', 'b0_3', 'b1_1', 'b2_2', 'm12', 'm13']) {
      cases.push({ label: `merges culprit ${culprit}`, nodes, bad: 'm13', goods: ['m0'], verdict: monotone(nodes, culprit) });
      cases.push({
        label: `merges culprit ${culprit} with skips`,
        nodes,
        bad: 'm13',
        goods: ['m0'],
        verdict: monotone(nodes, culprit, randomSkips(nodes, rnd, 0.3)),
      });
      cases.push({
        label: `merges culprit ${culprit} first-parent`,
        nodes,
        bad: 'm13',
        goods: ['m0'],
        verdict: monotone(nodes, culprit),
        firstParent: true,
      });
    }
    // two good commits: the root and the tip of a side branch
    cases.push({ label: 'merges two goods', nodes, bad: 'm13', goods: ['m0', 'b2_1'], verdict: monotone(nodes, 'm8') });
    expect(await runCases(cases)).toEqual([]);
  });

  it('criss-cross merges', async () => {
    const rnd = seededRandom(14);
    const cases: Case[] = [];
    for (const rounds of [2, 3, 5]) {
      const nodes = crissCrossDag(rounds);
      for (const n of nodes.slice(1)) {
        if (rounds >= 3 && rnd() < (rounds === 5 ? 0.7 : 0.3)) continue;
        const skips = rnd() < 0.4 ? randomSkips(nodes, rnd, 0.3) : new Set<string>();
        skips.delete('tip');
        cases.push({
          label: `criss-cross ${rounds} culprit ${n.name} skips ${skips.size}`,
          nodes,
          bad: 'tip',
          goods: ['root'],
          verdict: monotone(nodes, n.name, skips),
        });
      }
    }
    expect(await runCases(cases)).toEqual([]);
  });

  for (const dates of ['increasing', 'ties', 'same', 'skewed'] as const) {
    it(`random DAGs, ${dates} commit dates, monotone verdicts with and without skips, several goods`, async () => {
      const cases: Case[] = [];
      for (let seed = 1; seed <= 20; seed++) {
        const rnd = seededRandom(seed * 7919 + dates.length);
        const size = 15 + Math.floor(rnd() * 60);
        const nodes = randomDag(seed, size, { dates, mergeRate: 0.15 + rnd() * 0.2 });
        const bad = `n${size - 1}`;
        const goods = ['n0'];
        if (seed % 3 === 0) goods.push(`n${1 + Math.floor(rnd() * (size / 2))}`);
        const range = rangeOf(nodes, bad, goods);
        const culprit = range[Math.floor(rnd() * range.length)] as string;
        // goods must not descend from the culprit
        const okGoods = goods.filter((g) => !ancestorsOf(nodes, g).has(culprit));
        const skips = seed % 2 === 0 ? randomSkips(nodes, rnd, 0.25) : new Set<string>();
        cases.push({
          label: `random seed ${seed} size ${size} culprit ${culprit} goods ${okGoods} skips ${skips.size}`,
          nodes,
          bad,
          goods: okGoods,
          verdict: monotone(nodes, culprit, skips),
        });
      }
      expect(await runCases(cases)).toEqual([]);
    });
  }

  it('random DAGs, non-monotone verdicts (flaky history) with skips', async () => {
    const cases: Case[] = [];
    for (let seed = 100; seed < 124; seed++) {
      const rnd = seededRandom(seed);
      const size = 10 + Math.floor(rnd() * 50);
      const nodes = randomDag(seed, size, { dates: (['ties', 'increasing', 'same'] as const)[seed % 3]! });
      const table = new Map(nodes.map((n) => [n.name, (rnd() < 0.15 ? 'skip' : rnd() < 0.5 ? 'good' : 'bad') as Verdict]));
      cases.push({
        label: `non-monotone seed ${seed} size ${size}`,
        nodes,
        bad: `n${size - 1}`,
        goods: ['n0'],
        verdict: (n) => table.get(n) as Verdict,
      });
    }
    expect(await runCases(cases)).toEqual([]);
  });

  it("one timestamp for every commit: the order of git's walk decides between equal choices", async () => {
    // With equal dates rev-list order is a breadth-first walk from the current bad commit, which
    // differs from the order of the first rev-list; these seeds include histories where it matters.
    const cases: Case[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = seededRandom(seed);
      const size = 10 + Math.floor(rnd() * 40);
      const nodes = randomDag(seed, size, { dates: 'same', mergeRate: 0.3 });
      const table = new Map(nodes.map((n) => [n.name, (rnd() < 0.5 ? 'good' : 'bad') as Verdict]));
      cases.push({
        label: `same-date seed ${seed} size ${size}`,
        nodes,
        bad: `n${size - 1}`,
        goods: ['n0'],
        verdict: (n) => table.get(n) as Verdict,
      });
    }
    expect(await runCases(cases)).toEqual([]);
  });

  it('random DAGs with --first-parent', async () => {
    const cases: Case[] = [];
    for (let seed = 200; seed < 220; seed++) {
      const rnd = seededRandom(seed);
      const size = 20 + Math.floor(rnd() * 50);
      const nodes = randomDag(seed, size, { dates: seed % 3 === 0 ? 'ties' : 'increasing', mergeRate: 0.3 });
      const bad = `n${size - 1}`;
      const range = rangeOf(nodes, bad, ['n0']);
      const culprit = range[Math.floor(rnd() * range.length)] as string;
      const skips = seed % 2 === 0 ? randomSkips(nodes, rnd, 0.2) : new Set<string>();
      cases.push({
        label: `first-parent seed ${seed} size ${size} culprit ${culprit} skips ${skips.size}`,
        nodes,
        bad,
        goods: ['n0'],
        verdict: monotone(nodes, culprit, skips),
        firstParent: true,
      });
    }
    expect(await runCases(cases)).toEqual([]);
  });
});
