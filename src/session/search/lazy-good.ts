/**
 * The good end, verified only when the result depends on it: when the culprit has a parent no
 * evaluation of this search found good (the good end stands for it), or when the search ends
 * inconclusive. A good end that fails then ends the run as it would have before the search
 * (exit 4, the same message).
 */
import type { ResolvedRange } from '../../git/refs.js';
import type { SearchRegression } from '../classify-outcome.js';
import type { Outcome } from '../outcome.js';
import type { RunLedger } from './run-ledger.js';
import type { SearchEnd } from './search-loop.js';
import type { SearchPlan } from './search-plan.js';

export class LazyGood {
  private owed: boolean;

  constructor(
    pending: boolean,
    private readonly plan: SearchPlan,
    private readonly ledger: RunLedger,
    private readonly range: ResolvedRange,
  ) {
    this.owed = pending;
  }

  /**
   * 1 while the good end may still have to be built, after a "bad" verdict and after a "good" one:
   * on a linear history, once any commit tested good the culprit's parent will have been tested.
   */
  get reserved(): { bad: number; good: number } {
    if (!this.owed) return { bad: 0, good: 0 };
    if (!this.linear) return { bad: 1, good: 1 };
    const sawGood = this.ledger.steps.some((s) => s.role === 'search' && s.verdict === 'good');
    return sawGood ? { bad: 0, good: 0 } : { bad: 1, good: 0 };
  }

  private get linear(): boolean {
    return (this.isLinear ??= this.plan.contracted.graph.commits.every((c) => c.parents.length <= 1));
  }

  private isLinear: boolean | undefined;

  async settle(
    step: { kind: 'found'; culprit: string } | { kind: 'inconclusive' },
    regression: SearchRegression,
    badOutcome: Outcome | undefined,
  ): Promise<SearchEnd | undefined> {
    if (!this.owed || (step.kind === 'found' && !this.dependsOnGood(step.culprit))) return undefined;
    this.owed = false;
    const good = this.ledger.record(
      await this.ledger.evaluate(this.range.good, 'verify', { remaining: 1, stepsLeft: 0 }),
      'verify',
      regression,
    );
    if (good.verdict === 'good' || !badOutcome) return undefined;
    return { partial: { status: 'good-is-unhealthy', regression, verification: { good: good.outcome, bad: badOutcome } } };
  }

  /** Whether a parent of the culprit is good only because the good end is (no evaluation found it good). */
  private dependsOnGood(culprit: string): boolean {
    const node = this.plan.contracted.graph.commits.find((c) => c.sha === culprit);
    if (!node || node.parents.length === 0) return true;
    return node.parents.some((p) => this.ledger.lastVerdict(p) !== 'good');
  }
}
