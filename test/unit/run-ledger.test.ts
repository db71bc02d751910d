import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import type { Evaluator } from '../../src/session/evaluate/evaluator.js';
import type { Outcome } from '../../src/session/outcome.js';
import { RunState } from '../../src/session/run-state.js';
import { RunLedger } from '../../src/session/search/run-ledger.js';
import type { SearchPlan } from '../../src/session/search/search-plan.js';

const dir = mkdtempSync(join(tmpdir(), 'deploybisect-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (n: number) => String(n).repeat(40).slice(0, 40);
const outcome = (n: number, extra: Partial<Outcome> = {}): Outcome => ({
  sha: sha(n),
  ok: true,
  phase: 'probe',
  signature: 'running after 2.0s',
  probes: [],
  logTail: [],
  built: true,
  fingerprint: `context-${n}`,
  durationMs: 1000,
  ...extra,
});
const identity = { repo: '/repo/.git', good: sha(0), bad: sha(9), configuration: '{}' };
const plan = { subjects: new Map([1, 2, 3, 4, 5].map((n) => [sha(n), { subject: `commit ${n}` }])), blobs: new Map(), repoDir: dir };

function ledgerWith(saved: Outcome[]): { ledger: RunLedger; evaluated: string[] } {
  const path = join(dir, `${saved.length}-${Math.random()}.json`);
  new RunState(path, identity).append(saved);
  const evaluated: string[] = [];
  const evaluator = {
    evaluate: async (s: string) => {
      evaluated.push(s);
      return outcome(Number(s[0]), { durationMs: 3000 });
    },
    release: async () => {},
  };
  const ledger = new RunLedger(
    plan as unknown as SearchPlan,
    evaluator as unknown as Evaluator,
    new RunState(path, identity),
    {},
    {
      runsPer: 1,
      flaky: false,
    },
  );
  return { ledger, evaluated };
}

describe('RunLedger on a resumed search', () => {
  it('counts what the replayed runs cost when they were made: builds, probed containers and time', async () => {
    const { ledger, evaluated } = ledgerWith([
      outcome(1),
      outcome(2, { ok: false, phase: 'build', signature: 'build failed: x' }), // built, never probed
      outcome(3, { built: false, reused: 'same-context' }), // neither built nor probed
      outcome(4, { built: false, rerun: true }), // probed again, same image
    ]);
    for (const n of [1, 2, 3, 4, 5])
      ledger.record(await ledger.evaluate(sha(n), 'search', { remaining: 1, stepsLeft: 1 }), 'search', 'runtime');
    expect(evaluated).toEqual([sha(5)]);
    expect(ledger.replayed).toEqual({ runs: 4, builds: 2, probes: 2, durationMs: 4000 });
    expect(ledger.steps.map((s) => s.outcome.reused)).toEqual(['state', 'state', 'state', 'state', undefined]);
  });

  it('finds the outcome of a build context whichever commit it was recorded for', async () => {
    const { ledger } = ledgerWith([outcome(1), outcome(2, { ok: false, signature: 'container exited with code 3' })]);
    for (const n of [1, 2]) ledger.record(await ledger.evaluate(sha(n), 'search', { remaining: 1, stepsLeft: 1 }), 'search', 'runtime');
    expect(ledger.outcomeOfContext('context-1')).toMatchObject({ sha: sha(1), ok: true, reused: 'state' });
    expect(ledger.outcomeOfContext('context-2')).toMatchObject({ sha: sha(2), ok: false });
    expect(ledger.outcomeOfContext('context-7')).toBeUndefined();
    expect(ledger.replayed.runs).toBe(2);
  });
});
