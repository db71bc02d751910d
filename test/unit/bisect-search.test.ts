/**
 * The bisection core on hand-built histories. Expected steps are worked out from git's rules
 * (weights, "halfway", skip-away); the oracle test checks the same rules against git itself.
 */
import { describe, expect, it } from 'vitest';

import { isApproxHalfway } from '../../src/bisect/find-bisection.js';
import { BisectSearch, estimateBisectSteps, type CommitGraph, type SearchStatus, type Verdict } from '../../src/bisect/index.js';
import { chooseAvoidingSkipped, integerSqrt, pseudoRandom, skipAwayIndex } from '../../src/bisect/skip-away.js';

/** rev-list order (newest first) from a list of "child: parent parent" specs; dates strictly decreasing. */
function graphOf(spec: string[]): CommitGraph {
  return {
    commits: spec.map((line, i) => {
      const [sha, parents = ''] = line.split(':') as [string, string?];
      return { sha: sha.trim(), parents: parents.trim().split(/\s+/).filter(Boolean), date: 1000 - i };
    }),
  };
}

/** c1..c(n-1) above the good root c0, newest first. */
function linear(n: number): CommitGraph {
  return graphOf(Array.from({ length: n - 1 }, (_, k) => `c${n - 1 - k}: c${n - 2 - k}`));
}

/** Runs the search to the end answering from `verdict`; returns tested commits and the end status. */
function drive(search: BisectSearch, verdict: (sha: string) => Verdict): { tested: string[]; end: SearchStatus } {
  const tested: string[] = [];
  for (let st = search.status(); ; st = search.status()) {
    if (st.done) return { tested, end: st };
    if (tested.length > 1000) throw new Error('no end');
    tested.push(st.next);
    search.record(st.next, verdict(st.next));
  }
}

const num = (sha: string): number => Number(sha.replace(/\D/g, ''));

describe('BisectSearch on a linear history', () => {
  it('halves the range the way git does and names the culprit', () => {
    const search = new BisectSearch(linear(8), { bad: 'c7', goods: ['c0'] });
    // 7 candidates c1..c7 with weights 1..7: c3 is the first "halfway" commit (2·3 − 7 = −1)
    expect(search.status()).toEqual({ done: false, next: 'c3', remaining: 7, stepsLeft: 2 });
    const { tested, end } = drive(search, (s) => (num(s) >= 5 ? 'bad' : 'good'));
    expect(tested).toEqual(['c3', 'c5', 'c4']);
    expect(end).toEqual({ done: true, kind: 'found', culprit: 'c5' });
    expect(search.verdicts.get('c0')).toBe('good');
    expect(search.verdicts.get('c7')).toBe('bad');
    expect(search.verdicts.get('c4')).toBe('good');
  });

  it('finds the bad commit itself when everything below it is good', () => {
    const { tested, end } = drive(new BisectSearch(linear(6), { bad: 'c5', goods: ['c0'] }), (s) => (s === 'c5' ? 'bad' : 'good'));
    expect(end).toEqual({ done: true, kind: 'found', culprit: 'c5' });
    expect(tested).not.toContain('c5');
  });

  it('is done at once when the bad commit is the only candidate', () => {
    const search = new BisectSearch(graphOf(['c1: c0']), { bad: 'c1', goods: ['c0'] });
    expect(search.status()).toEqual({ done: true, kind: 'found', culprit: 'c1' });
  });

  it('tests about log2(n) commits', () => {
    const n = 1025;
    for (const culprit of [1, 2, 500, 1023, 1024]) {
      const { tested, end } = drive(new BisectSearch(linear(n), { bad: `c${n - 1}`, goods: ['c0'] }), (s) =>
        num(s) >= culprit ? 'bad' : 'good',
      );
      expect(end).toEqual({ done: true, kind: 'found', culprit: `c${culprit}` });
      expect(tested.length).toBeLessThanOrEqual(11);
    }
  });

  it('accepts a graph without dates, taking its order as rev-list order', () => {
    const g = linear(8);
    const undated: CommitGraph = { commits: g.commits.map(({ sha, parents }) => ({ sha, parents })) };
    const { tested, end } = drive(new BisectSearch(undated, { bad: 'c7', goods: ['c0'] }), (s) => (num(s) >= 5 ? 'bad' : 'good'));
    expect(tested).toEqual(['c3', 'c5', 'c4']);
    expect(end).toEqual({ done: true, kind: 'found', culprit: 'c5' });
  });
});

describe('BisectSearch with skipped commits', () => {
  it('reports every candidate when all were skipped ("could be any of")', () => {
    const { tested, end } = drive(new BisectSearch(linear(8), { bad: 'c7', goods: ['c0'] }), () => 'skip');
    expect(end.done && end.kind).toBe('inconclusive');
    if (end.done && end.kind === 'inconclusive') {
      expect([...end.candidates].sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    }
    expect([...tested].sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
  });

  it('skips around the culprit: the culprit, its skipped neighbours and the first bad one remain', () => {
    const skipped = new Set(['c4', 'c5']);
    const { end } = drive(new BisectSearch(linear(10), { bad: 'c9', goods: ['c0'] }), (s) =>
      skipped.has(s) ? 'skip' : num(s) >= 5 ? 'bad' : 'good',
    );
    expect(end.done && end.kind).toBe('inconclusive');
    if (end.done && end.kind === 'inconclusive') expect([...end.candidates].sort()).toEqual(['c4', 'c5', 'c6']);
  });

  it('still finds the culprit when only unrelated commits were skipped', () => {
    const { tested, end } = drive(new BisectSearch(linear(20), { bad: 'c19', goods: ['c0'] }), (s) =>
      s === 'c9' || s === 'c2' ? 'skip' : num(s) >= 13 ? 'bad' : 'good',
    );
    expect(end).toEqual({ done: true, kind: 'found', culprit: 'c13' });
    expect(tested[0]).toBe('c9'); // the first choice among 19 candidates (2·9 − 19 = −1), skipped
    // then all commits are ranked by distance from the middle, ties by object name: c10 ('c10' < 'c9')
    expect(tested[1]).toBe('c10');
  });

  it('never proposes a skipped commit again', () => {
    const search = new BisectSearch(linear(30), { bad: 'c29', goods: ['c0'] });
    const seen = new Set<string>();
    drive(search, (s) => {
      expect(seen.has(s)).toBe(false);
      seen.add(s);
      return num(s) % 3 === 0 ? 'skip' : num(s) >= 17 ? 'bad' : 'good';
    });
  });
});

describe('BisectSearch on merges', () => {
  // r ─ a1 ─ a2 ───────── m ─ t      (main)
  //      └── s1 ─ s2 ─ s3 ┘          (side branch, second parent of m)
  const merged = graphOf(['t: m', 'm: a2 s3', 's3: s2', 's2: s1', 's1: a1', 'a2: a1', 'a1: r']);
  const descendants: Record<string, string[]> = {
    a1: ['a1', 'a2', 's1', 's2', 's3', 'm', 't'],
    a2: ['a2', 'm', 't'],
    s1: ['s1', 's2', 's3', 'm', 't'],
    s2: ['s2', 's3', 'm', 't'],
    s3: ['s3', 'm', 't'],
    m: ['m', 't'],
    t: ['t'],
  };
  const culpritIs =
    (c: string) =>
    (s: string): Verdict =>
      (descendants[c] ?? []).includes(s) ? 'bad' : 'good';

  it.each(Object.keys(descendants))('finds culprit %s, on the main line or the side branch', (culprit) => {
    const { end } = drive(new BisectSearch(merged, { bad: 't', goods: ['r'] }), culpritIs(culprit));
    expect(end).toEqual({ done: true, kind: 'found', culprit });
  });

  it('starts at the first commit, oldest first, whose weight is about half the range', () => {
    // weights: a1 1, a2 2, s1 2, s2 3, s3 4, m 6, t 7; git visits oldest first and
    // stops at the first weight w with |2w − 7| ≤ 1, i.e. w = 3 or 4: s2 (3).
    expect(new BisectSearch(merged, { bad: 't', goods: ['r'] }).status()).toMatchObject({ next: 's2', remaining: 7 });
  });

  it('with --first-parent only main-line commits are tested; a side-branch culprit yields its merge', () => {
    const search = new BisectSearch(merged, { bad: 't', goods: ['r'], firstParent: true });
    const { tested, end } = drive(search, culpritIs('s2'));
    expect(end).toEqual({ done: true, kind: 'found', culprit: 'm' });
    for (const s of tested) expect(['a1', 'a2', 'm']).toContain(s);
  });

  it('accepts several good commits', () => {
    const search = new BisectSearch(merged, { bad: 't', goods: ['r', 's2'] });
    // s2 and its ancestors s1, a1 are good: a2, s3, m, t remain
    expect(search.status()).toMatchObject({ done: false, remaining: 4 });
    const { tested, end } = drive(search, culpritIs('s3'));
    expect(end).toEqual({ done: true, kind: 'found', culprit: 's3' });
    for (const s of tested) expect(['a2', 's3', 'm']).toContain(s);
  });

  it('criss-cross merges: finds a culprit below both merge bases', () => {
    // r ─ a ─ ax ─ t
    //  \    ╳    /
    //   ─ b ─ bx ─
    const criss = graphOf(['t: ax bx', 'ax: a b', 'bx: b a', 'a: r', 'b: r']);
    for (const [culprit, bad] of [
      ['a', ['a', 'ax', 'bx', 't']],
      ['b', ['b', 'ax', 'bx', 't']],
      ['bx', ['bx', 't']],
    ] as const) {
      const { end } = drive(new BisectSearch(criss, { bad: 't', goods: ['r'] }), (s) =>
        (bad as readonly string[]).includes(s) ? 'bad' : 'good',
      );
      expect(end).toEqual({ done: true, kind: 'found', culprit });
    }
  });
});

describe('BisectSearch.record', () => {
  it('rejects a verdict that contradicts an earlier one', () => {
    const search = new BisectSearch(linear(8), { bad: 'c7', goods: ['c0'] });
    search.record('c3', 'good');
    search.record('c3', 'good'); // same verdict again: fine
    expect(() => search.record('c3', 'bad')).toThrow(/already marked good/);
    expect(() => search.record('c7', 'skip')).toThrow(/already marked bad/);
  });

  it('rejects a good commit that descends from the bad one', () => {
    const search = new BisectSearch(linear(8), { bad: 'c7', goods: ['c0'] });
    search.record('c4', 'bad');
    expect(() => search.record('c6', 'good')).toThrow(/descends from the bad commit c4/);
  });

  it('rejects bad and skip verdicts on commits outside the graph, and an unknown bad commit', () => {
    const search = new BisectSearch(linear(8), { bad: 'c7', goods: ['c0'] });
    expect(() => search.record('zz', 'bad')).toThrow(/not in the bisection range/);
    expect(() => search.record('zz', 'skip')).toThrow(/not in the bisection range/);
    expect(() => new BisectSearch(linear(8), { bad: 'nope', goods: ['c0'] })).toThrow(/not in the bisection range/);
  });

  it('a stale bad verdict on a commit already outside the range narrows nothing', () => {
    const search = new BisectSearch(linear(8), { bad: 'c7', goods: ['c0'] });
    search.record('c3', 'bad');
    const before = search.status();
    search.record('c5', 'bad'); // a descendant of the current bad commit
    expect(search.status()).toEqual(before);
    expect(search.verdicts.get('c5')).toBe('bad');
  });
});

describe('BisectSearch.nextCandidates', () => {
  it('lists the next commit, then those git would test after bad and after good', () => {
    const search = new BisectSearch(linear(8), { bad: 'c7', goods: ['c0'] });
    // c3 first; after bad → range c1..c3 → c2; after good → range c4..c7 → c5
    expect(search.nextCandidates(3)).toEqual(['c3', 'c2', 'c5']);
    expect(search.nextCandidates(1)).toEqual(['c3']);
    expect(search.status()).toMatchObject({ next: 'c3' }); // speculation leaves the search untouched
    expect(search.verdicts.size).toBe(2);
  });
});

describe("git's arithmetic", () => {
  it('pseudoRandom is one step of the man-3-rand generator', () => {
    expect(pseudoRandom(1)).toBe(16838); // the classic first rand() value
    expect(pseudoRandom(0)).toBe(0);
    for (let i = 0; i < 1000; i++) {
      const v = pseudoRandom(i);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(32768);
    }
  });

  it('integerSqrt truncates', () => {
    expect([0, 1, 2, 4, 15, 16, 17, 32768, 32767, 1_000_000].map(integerSqrt)).toEqual([0, 1, 1, 2, 3, 4, 4, 181, 181, 1000]);
  });

  it('skipAwayIndex stays inside the list and grows with it', () => {
    for (let count = 1; count < 5000; count++) {
      const i = skipAwayIndex(count);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(i).toBeLessThan(count);
    }
    expect(skipAwayIndex(1)).toBe(0);
  });

  it('chooseAvoidingSkipped steps back from the bad commit', () => {
    // find a count whose skip-away index is 1: the item there is bad, so the one before it is taken
    const count = [...Array(200).keys()].find((c) => c > 1 && skipAwayIndex(c) === 1) as number;
    const ranked = ['s', ...Array.from({ length: count }, (_, i) => `u${i}`)];
    const out = chooseAvoidingSkipped(
      ranked,
      (x) => x === 's',
      (x) => x === 'u1',
    );
    expect(out).toEqual({ kind: 'pick', item: 'u0', triedSkipped: ['s'] });
  });

  it('estimateBisectSteps matches git', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 1024, 1500].map(estimateBisectSteps)).toEqual([0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 9, 10]);
  });

  it('isApproxHalfway is exact for small ranges and within 0.1% for large ones', () => {
    expect([2, 3, 4, 5].map((w) => isApproxHalfway(w, 7))).toEqual([false, true, true, false]);
    expect(isApproxHalfway(5004, 10000)).toBe(true);
    expect(isApproxHalfway(4996, 10000)).toBe(true);
    expect(isApproxHalfway(4995, 10000)).toBe(false);
  });
});
