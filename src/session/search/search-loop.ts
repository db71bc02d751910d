/**
 * The search loop: asks the strategy for the next commits, evaluates them at once, records each
 * one's runs, until the strategy names the first bad commit or says it cannot.
 */
import { getCommitInfos } from '../../git/commit-info.js';
import type { SearchRegression } from '../classify-outcome.js';
import type { BisectResult, Confidence } from '../result.js';
import type { Culprit } from './describe-culprit.js';
import type { RunLedger } from './run-ledger.js';
import type { SearchStrategy } from './strategy.js';

/** How a search ended: the result's status and what goes with it. */
export interface SearchEnd {
  partial: Pick<BisectResult, 'status' | 'regression'> & Partial<Pick<BisectResult, 'culprit' | 'candidates' | 'verification'>>;
  confidence?: Confidence;
  warnings?: string[];
}

export async function runSearchLoop(
  strategy: SearchStrategy,
  ledger: RunLedger,
  regression: SearchRegression,
  context: {
    repoDir: string;
    describe(sha: string, warnings: string[]): Promise<Culprit>;
    /** Before each round of evaluations, with the progress it is at. */
    beforeRound?(progress: { remaining: number; stepsLeft: number }): Promise<void>;
    /** While `current` is evaluated: build the images of `upcoming`, the commits that may come next. */
    buildAhead?(upcoming: readonly string[], current: readonly string[]): Promise<void>;
    /** Before the search ends (found or inconclusive): what is still owed (the good end's verification), and the end it makes, if any. */
    settle?(step: { kind: 'found'; culprit: string } | { kind: 'inconclusive' }): Promise<SearchEnd | undefined>;
  },
): Promise<SearchEnd> {
  const sure = (): Confidence => {
    const extra = strategy.confidence?.();
    return extra ? ledger.confidence(extra.extra, extra.probabilities) : ledger.confidence();
  };
  for (;;) {
    const step = await strategy.next();
    if (step.kind !== 'next') {
      const settled = await context.settle?.(step.kind === 'found' ? step : { kind: 'inconclusive' });
      if (settled) return { ...settled, confidence: settled.confidence ?? sure() };
    }
    if (step.kind === 'found') {
      const confidence = sure();
      const warnings: string[] = [];
      const culprit = await context.describe(step.culprit, warnings);
      return { partial: { status: 'found', regression, culprit }, confidence, warnings };
    }
    if (step.kind === 'inconclusive') {
      const verdicts = new Map(step.candidates.map((c) => [c.sha, c.verdict]));
      const infos = await getCommitInfos(
        context.repoDir,
        step.candidates.map((c) => c.sha),
      );
      const candidates = infos.map((i) => ({ ...i, verdict: verdicts.get(i.sha) ?? 'untested' }));
      return { partial: { status: 'inconclusive', regression, candidates }, confidence: sure(), warnings: step.warnings };
    }
    await context.beforeRound?.(step.progress);
    const evaluating = settleAll(step.commits.map((sha) => ledger.evaluate(sha, 'search', step.progress)));
    const [only, ...others] = step.commits;
    if (only && others.length === 0 && strategy.ahead && context.buildAhead) void context.buildAhead(strategy.ahead(only), step.commits);
    const evaluations = await evaluating;
    for (const runs of evaluations) {
      const recorded = ledger.record(runs, 'search', regression);
      strategy.record(recorded.outcome.sha, recorded.verdict, recorded.verdicts);
    }
  }
}

/** Like Promise.all, but waits for every promise before rejecting: nothing is left running. */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
}
