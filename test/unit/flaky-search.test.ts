/** The flake-aware search core, and how several runs of one commit combine. */
import { describe, expect, it } from 'vitest';

import { FlakySearch } from '../../src/bisect/flaky-search.js';
import type { CommitGraph } from '../../src/bisect/index.js';
import { combineRuns, consistencyWarnings } from '../../src/session/combine-runs.js';
import type { Outcome } from '../../src/session/outcome.js';

/** c0 (good) ← c1 ← … ← c(n-1) (bad), newest first. */
function linear(n: number): CommitGraph {
  return { commits: Array.from({ length: n - 1 }, (_, k) => ({ sha: `c${n - 1 - k}`, parents: [`c${n - 2 - k}`], date: 1000 - k })) };
}

describe('FlakySearch', () => {
  const start = { bad: 'c16', goods: ['c0'] };

  it('starts uncertain and asks first for the middle of the range', () => {
    const search = new FlakySearch(linear(17), start, { confidence: 0.99 });
    const st = search.status();
    expect(st.done).toBe(false);
    expect(st.probability).toBeLessThan(0.1);
    expect(search.size).toBe(16);
    // Near the middle (noise and the flake model tilt it by a commit).
    expect(['c8', 'c9']).toContain(search.next(1)[0]);
  });

  it('starts from a prior over the culprit (--prior risk): the same runs reach the confidence sooner when it is right, and the runs still overrule it when it is wrong', () => {
    const runsToConfidence = (mass?: (sha: string) => number): { runs: number; culprit: string | null } => {
      const search = new FlakySearch(linear(17), start, { confidence: 0.99, flakeRate: 0.1, ...(mass ? { mass } : {}) });
      for (let runs = 1; runs <= 40; runs++) {
        search.observe(runs % 2 === 0 ? 'c10' : 'c9', runs % 2 === 0);
        if (search.status().done) return { runs, culprit: search.status().culprit };
      }
      return { runs: Infinity, culprit: search.status().culprit };
    };
    const uniform = runsToConfidence();
    const right = runsToConfidence((sha) => (sha === 'c10' ? 8 : 1));
    const wrong = runsToConfidence((sha) => (sha === 'c3' ? 8 : 1));
    expect(uniform.culprit).toBe('c10');
    expect(right.culprit).toBe('c10');
    expect(wrong.culprit).toBe('c10');
    expect(right.runs).toBeLessThan(uniform.runs);
    expect(wrong.runs).toBeGreaterThanOrEqual(uniform.runs);
    // Before any run, the prior alone: c10 carries 8 shares of 23.
    expect(
      new FlakySearch(linear(17), start, { confidence: 0.99, mass: (sha) => (sha === 'c10' ? 8 : 1) }).status().probability,
    ).toBeGreaterThan(0.3);
  });

  it('with a known flake rate, repeated consistent runs around the culprit reach the confidence', () => {
    const search = new FlakySearch(linear(17), start, { confidence: 0.99, flakeRate: 0.2 });
    for (let i = 0; i < 6; i++) {
      search.observe('c10', true);
      search.observe('c9', false);
    }
    const st = search.status();
    expect(st.culprit).toBe('c10');
    expect(st.done).toBe(true);
    expect(st.flakeRate).toBeCloseTo(0.2, 9);
  });

  it('one false failure does not settle anything, and the search asks to look again', () => {
    const search = new FlakySearch(linear(17), start, { confidence: 0.99 });
    search.observe('c9', true);
    search.observe('c8', false);
    expect(search.status().done).toBe(false);
    // Every run so far is consistent with c9, but one run each is weak evidence: keep testing near it.
    const next = search.next(1)[0]!;
    expect(['c8', 'c9', 'c4', 'c5', 'c6', 'c7']).toContain(next);
  });

  it('learns the flake rate from the known-good commit and the runs that contradict each other', () => {
    const search = new FlakySearch(linear(17), start, { confidence: 0.99 });
    for (let i = 0; i < 20; i++) search.observe('c0', i % 4 === 0); // the good end fails 1 run in 4
    expect(search.status().flakeRate).toBeGreaterThan(0.15);
    expect(search.status().flakeRate).toBeLessThan(0.4);
  });

  it('says "noise" when the bad commit passes as often as the good one fails', () => {
    const search = new FlakySearch(linear(5), { bad: 'c4', goods: ['c0'] }, { confidence: 0.95 });
    for (let i = 0; i < 30; i++) {
      search.observe('c4', i % 5 === 0);
      search.observe('c0', i % 5 === 1);
    }
    const st = search.status();
    expect(st.culprit).toBeNull();
    expect(st.noise).toBeGreaterThan(0.95);
    expect(st.done).toBe(true);
  });

  it('several at once: distinct commits spread over the range; untestable commits are never asked for', () => {
    const search = new FlakySearch(linear(17), start, { confidence: 0.99 });
    expect(search.next(3)).toEqual(['c4', 'c8', 'c12']);
    search.exclude('c8');
    expect(search.next(3)).not.toContain('c8');
    expect(search.next(1)).not.toContain('c8');
  });

  it('probabilities sum to one with noise', () => {
    const search = new FlakySearch(linear(9), { bad: 'c8', goods: ['c0'] }, { confidence: 0.99 });
    search.observe('c4', true);
    const total = [...search.probabilities().values()].reduce((a, b) => a + b, 0) + search.status().noise;
    expect(total).toBeCloseTo(1, 9);
  });
});

const run = (ok: boolean, phase: Outcome['phase'] = 'probe'): Outcome => ({
  sha: 'a'.repeat(40),
  ok,
  phase: ok ? 'probe' : phase,
  signature: ok ? 'healthy' : phase === 'build' ? 'build failed' : 'unhealthy',
  probes: [],
  logTail: [],
  built: true,
  durationMs: 1,
});

describe('combineRuns', () => {
  it('takes the majority; a tie is bad; the outcome shown agrees with the verdict', () => {
    expect(combineRuns([run(true), run(false), run(true)], 'runtime')).toMatchObject({
      verdict: 'good',
      verdicts: ['good', 'bad', 'good'],
    });
    const bad = combineRuns([run(true), run(false)], 'runtime');
    expect(bad.verdict).toBe('bad');
    expect(bad.outcome.ok).toBe(false);
  });

  it('untestable runs are no evidence; all untestable is a skip', () => {
    expect(combineRuns([run(false, 'build'), run(true)], 'runtime').verdict).toBe('good');
    expect(combineRuns([run(false, 'build'), run(false, 'build')], 'runtime').verdict).toBe('skip');
  });

  it('warns about every commit whose runs disagree', () => {
    const tallies = new Map([
      ['1'.repeat(40), { runs: 5, failures: 1 }],
      ['2'.repeat(40), { runs: 3, failures: 3 }],
      ['3'.repeat(40), { runs: 1, failures: 0 }],
    ]);
    expect(consistencyWarnings(tallies, () => 'Start the app')).toEqual(['inconsistent: 111111111111 (Start the app) failed 1 of 5 runs']);
  });
});
