/**
 * Before the search: the bad end must fail (its failure decides what `auto` looks for) and the good
 * end must pass. With --jobs ≥ 2 both are evaluated at once; flake-aware, an end that contradicts
 * the user is run again a few times before the run stops.
 */
import { UsageError } from '../../errors.js';
import type { ResolvedRange } from '../../git/refs.js';
import type { Regression } from '../../options/rows-search.js';
import { shortSha } from '../../text/short-sha.js';
import { decideRegression, type SearchRegression } from '../classify-outcome.js';
import type { Outcome } from '../outcome.js';
import type { Progress, Recorded, RunLedger } from './run-ledger.js';

/** With --flaky, an end of the range that contradicts the user is evaluated up to this many times before the run stops. */
export const FLAKY_VERIFY_ATTEMPTS = 5;

export type Verification =
  /** `goodPending`: the good end is left to verify once the result depends on it (see VerifyOptions.lazyGood). */
  | { kind: 'verified'; regression: SearchRegression; badOutcome: Outcome; goodPending?: boolean }
  | { kind: 'bad-is-healthy'; regression: SearchRegression; verification: { bad: Outcome } }
  | { kind: 'good-is-unhealthy'; regression: SearchRegression; verification: { good: Outcome; bad: Outcome } };

export interface VerifyOptions {
  regression: Regression;
  flaky: boolean;
  jobs: number;
  /** The search as it stands before any evaluation (for the progress shown). */
  initial: { done: boolean; remaining: number; stepsLeft: number };
  /**
   * Leave the good end unverified (one build fewer): the search verifies it when its result depends
   * on it (the culprit's parent is the good end, or the search is inconclusive). One job, not flaky.
   */
  lazyGood?: boolean;
}

export async function verifyEnds(ledger: RunLedger, range: ResolvedRange, options: VerifyOptions): Promise<Verification> {
  const { initial } = options;
  const progress: Progress = initial.done
    ? { remaining: 1, stepsLeft: 1 }
    : { remaining: initial.remaining, stepsLeft: initial.stepsLeft + 2 };
  const goodProgress = { ...progress, stepsLeft: Math.max(0, progress.stepsLeft - 1) };
  // With --jobs ≥ 2 both ends are checked at once; the good one's verdict waits for the bad one's (it decides `auto`).
  const goodEarly = options.jobs >= 2 ? ledger.evaluate(range.good, 'verify', goodProgress) : undefined;
  goodEarly?.catch(() => undefined); // awaited below; an early return must not leave it unhandled
  let badRuns: Outcome[];
  try {
    badRuns = await ledger.evaluate(range.bad, 'verify', progress);
  } catch (error) {
    await goodEarly?.catch(() => undefined); // nothing may still be running when the session cleans up
    throw error;
  }
  // The bad commit's failure decides what `auto` looks for (its first failing run, if any).
  const regression = decideRegression(options.regression, badRuns.find((o) => !o.ok) ?? badRuns[0]);
  const attempts = options.flaky ? FLAKY_VERIFY_ATTEMPTS : 1;
  let bad = ledger.record(badRuns, 'verify', regression);
  // Flake-aware: one passing run does not make the bad commit healthy, nor one failure the good one broken.
  for (let attempt = 1; attempt < attempts && bad.verdict === 'good'; attempt++) {
    bad = ledger.record(await ledger.evaluate(range.bad, 'verify', progress), 'verify', regression);
  }
  // Nothing may still be running when the session cleans up.
  if (bad.verdict !== 'bad') await goodEarly?.catch(() => undefined);
  if (bad.verdict === 'skip') {
    throw new UsageError(
      `the bad commit ${shortSha(range.bad)} fails to build (${bad.outcome.signature}), but --regression ${options.regression} looks for a runtime failure: use --regression build or auto`,
    );
  }
  if (bad.verdict === 'good') return { kind: 'bad-is-healthy', regression, verification: { bad: bad.outcome } };
  if (options.lazyGood && !goodEarly) return { kind: 'verified', regression, badOutcome: bad.outcome, goodPending: true };
  let good: Recorded = ledger.record(await (goodEarly ?? ledger.evaluate(range.good, 'verify', goodProgress)), 'verify', regression);
  for (let attempt = 1; attempt < attempts && good.verdict === 'bad'; attempt++) {
    good = ledger.record(await ledger.evaluate(range.good, 'verify', goodProgress), 'verify', regression);
  }
  if (good.verdict !== 'good') return { kind: 'good-is-unhealthy', regression, verification: { good: good.outcome, bad: bad.outcome } };
  return { kind: 'verified', regression, badOutcome: bad.outcome };
}
