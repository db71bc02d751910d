/**
 * The informed search's pure parts: splits by a prior's mass within a budget of tests (on linear
 * and merged histories, against a seeded simulation of uniform bisection), and the risk score of
 * a commit from its changes and the bad end's output.
 */
import { describe, expect, it } from 'vitest';

import { BisectSearch, maxSideWithin, type CommitGraph } from '../../src/bisect/index.js';
import type { Finding } from '../../src/explain/finding.js';
import { evidenceTokens, scoreCommit } from '../../src/session/search/prior-score.js';
import { buildBudget } from '../../src/session/search/prior-strategy.js';
import { seededRandom } from '../helpers/dag-repo.js';

/** c1..c(n-1) above the good root c0, newest first. */
function linear(n: number): CommitGraph {
  return {
    commits: Array.from({ length: n - 1 }, (_, k) => ({ sha: `c${n - 1 - k}`, parents: [`c${n - 2 - k}`], date: 1000 - k })),
  };
}

/** Searches with a prior (or git's halving when `mass` is undefined) within the budget; the tests made and the culprit named. */
function search(n: number, culprit: number, mass?: (sha: string) => number): { tests: number; found: string | undefined } {
  const s = new BisectSearch(linear(n), { bad: `c${n - 1}`, goods: ['c0'] });
  const budget = buildBudget(n - 1) - 2; // the search's share: the two ends are verified outside it
  let tests = 0;
  for (;;) {
    const st = s.status();
    if (st.done) return { tests, found: st.kind === 'found' ? st.culprit : undefined };
    const next = (mass && s.nextByPrior(mass, maxSideWithin(budget - tests))) ?? st.next;
    tests++;
    s.record(next, Number(next.slice(1)) >= culprit ? 'bad' : 'good');
  }
}

describe('splitting by the prior, within the budget', () => {
  it('with a flat prior it tests what git tests', () => {
    for (const n of [5, 9, 28, 64]) {
      const s = new BisectSearch(linear(n), { bad: `c${n - 1}`, goods: ['c0'] });
      expect(s.nextByPrior(() => 1, maxSideWithin(10))).toBe(s.status().done ? undefined : (s.status() as { next: string }).next);
    }
  });

  it('a prior that is right finds the culprit in fewer tests; a wrong one never exceeds ⌈log₂ D⌉', () => {
    const n = 29; // 28 candidates, as in the story
    const culprit = 20;
    const right = (sha: string) => (sha === `c${culprit}` ? 50 : 1);
    const wrong = (sha: string) => (sha === 'c5' ? 50 : 1);
    expect(search(n, culprit).found).toBe(`c${culprit}`);
    expect(search(n, culprit, right)).toEqual({ tests: 3, found: `c${culprit}` });
    expect(search(n, culprit).tests).toBe(5);
    const worst = search(n, culprit, wrong);
    expect(worst.found).toBe(`c${culprit}`);
    expect(worst.tests).toBeLessThanOrEqual(Math.ceil(Math.log2(28)));
  });

  it('never leaves the budget, whatever the prior and the culprit (seeded)', () => {
    const random = seededRandom(11);
    for (let trial = 0; trial < 300; trial++) {
      const n = 3 + Math.floor(random() * 200);
      const culprit = 1 + Math.floor(random() * (n - 1));
      const peaks = new Set(Array.from({ length: 3 }, () => `c${1 + Math.floor(random() * (n - 1))}`));
      const result = search(n, culprit, (sha) => (peaks.has(sha) ? 20 : 1));
      expect(result.found).toBe(`c${culprit}`);
      expect(result.tests).toBeLessThanOrEqual(Math.ceil(Math.log2(n - 1)));
    }
  });

  it('maxSideWithin: one test left decides between two candidates at most', () => {
    expect([1, 2, 3, 5].map(maxSideWithin)).toEqual([1, 2, 4, 16]);
  });
});

describe('the risk of a commit', () => {
  const finding = (kind: Finding['kind'], summary: string, extra: Partial<Finding> = {}): Finding => ({
    kind,
    stage: '0',
    instruction: 'X',
    summary,
    ...extra,
  });

  it('weighs the deployment above the application, and docs least', () => {
    const cmd = scoreCommit(
      { paths: ['Dockerfile'], dockerfile: 'Dockerfile', findings: [finding('cmd', 'CMD changed: a → b (stage 0, line 9)')] },
      [],
    );
    const start = scoreCommit({ paths: ['start.sh'], findings: [] }, []);
    const lock = scoreCommit({ paths: ['package-lock.json'], findings: [] }, []);
    const source = scoreCommit({ paths: ['src/app.py'], findings: [] }, []);
    const docs = scoreCommit({ paths: ['docs/intro.md', 'logo.png'], findings: [] }, []);
    expect(cmd.weight).toBeGreaterThan(start.weight);
    expect(start.weight).toBeGreaterThan(lock.weight);
    expect(lock.weight).toBeGreaterThan(source.weight);
    expect(source.weight).toBeGreaterThan(docs.weight);
    expect(cmd.reasons[0]).toBe('CMD changed: a → b');
    expect(start.reasons).toEqual(['start script start.sh']);
  });

  it("weighs three times a commit whose changes name what the bad end's output names", () => {
    const tokens = evidenceTokens([
      "FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/app.log'",
      'start.sh: line 3: supervisord: not found',
      'http://127.0.0.1:8080/health: connection refused',
    ]);
    expect(tokens).toEqual(expect.arrayContaining(['/app/logs/app.log', '/app/logs', 'supervisord', '8080']));
    const dir = finding('directory-no-longer-created', 'directory /app/logs is no longer created', { path: '/app/logs' });
    const plain = scoreCommit({ paths: ['Dockerfile'], dockerfile: 'Dockerfile', findings: [dir] }, []);
    const matched = scoreCommit({ paths: ['Dockerfile'], dockerfile: 'Dockerfile', findings: [dir] }, tokens);
    expect(matched.weight).toBeCloseTo(plain.weight * 3);
    expect(matched.reasons[0]).toBe("matches the bad end's output: /app/logs");
    const port = finding('expose', 'EXPOSE changed: 80 → 8080', { before: '80', after: '8080' });
    expect(scoreCommit({ paths: ['Dockerfile'], dockerfile: 'Dockerfile', findings: [port] }, tokens).reasons[0]).toBe(
      "matches the bad end's output: 8080",
    );
    // A port number inside an unrelated path is no match.
    expect(scoreCommit({ paths: ['static/8080.png'], findings: [] }, tokens).reasons[0]).not.toMatch(/matches/);
  });
});
