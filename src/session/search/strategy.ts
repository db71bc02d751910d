/**
 * How a search chooses what to evaluate next, and when it is over. The search loop drives any
 * strategy the same way: ask for the next commits, evaluate them, record each one's verdicts.
 */
import type { Verdict } from '../../bisect/index.js';
import type { Confidence } from '../result.js';
import type { Progress } from './run-ledger.js';

export type StrategyStep =
  /** Evaluate these commits (at once), then record each. */
  | { kind: 'next'; commits: string[]; progress: Progress }
  /** The first bad commit. */
  | { kind: 'found'; culprit: string }
  /** No commit can be named: the commits it could be (with what is known of each), and why. */
  | { kind: 'inconclusive'; candidates: Array<{ sha: string; verdict: Verdict | 'untested' }>; warnings: string[] };

/** What every strategy is told, in one object (each takes `(plan, options)`). */
export interface StrategyOptions {
  /** Follow only the first parent of merges. */
  firstParent: boolean;
  /** Whether a commit's Dockerfile was built already in this run (its layers are cached). */
  builtAlready(sha: string): boolean;
  /** Evaluations at once (≥ 2: k-sections). */
  jobs: number;
  /** The prior's mass of each commit (`--prior risk`; never zero), when the search has one. */
  mass?: (sha: string) => number;
}

export interface SearchStrategy {
  next(): Promise<StrategyStep> | StrategyStep;
  /** One evaluation's combined verdict, and the verdict of each of its runs. */
  record(sha: string, verdict: Verdict, runVerdicts: readonly Verdict[]): void;
  /** The commits the round after `sha`'s would evaluate, whichever its verdict (to build them ahead). */
  ahead?(sha: string): string[];
  /** What the result says about how sure it is, beyond the runs (flake-aware: the probabilities). */
  confidence?(): { extra: Omit<Partial<Confidence>, 'commits'>; probabilities: ReadonlyMap<string, number> };
}
