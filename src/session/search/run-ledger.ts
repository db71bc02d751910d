/**
 * The record of one search: each evaluation (its runs, each saved to the state as soon as it is
 * known), the steps taken, the runs and failures of every commit, and what the result can say
 * about how sure it is.
 */
import type { Verdict } from '../../bisect/index.js';
import { getCommitInfo } from '../../git/commit-info.js';
import type { SearchRegression } from '../classify-outcome.js';
import { combineRuns, type RunTally } from '../combine-runs.js';
import type { Evaluator } from '../evaluate/evaluator.js';
import type { SessionEvents } from '../events.js';
import type { Outcome } from '../outcome.js';
import type { Confidence, Step } from '../result.js';
import type { RunState } from '../run-state.js';
import type { SearchPlan } from './search-plan.js';

export interface Progress {
  remaining: number;
  stepsLeft: number;
}

export interface Recorded {
  verdict: Verdict;
  outcome: Outcome;
  /** One verdict per run. */
  verdicts: Verdict[];
}

export class RunLedger {
  readonly steps: Step[] = [];
  /** Runs of each commit so far, and how many of them failed the way the search is about. */
  readonly tallies = new Map<string, RunTally>();
  /** Every run's verdict, in order. */
  readonly observations: Array<{ sha: string; verdict: Verdict }> = [];
  /** Dockerfile blobs an image of this run was built from (their layers are in the engine's cache). */
  readonly builtBlobs = new Set<string>();
  /** What the runs replayed from the saved state cost when they were made (an earlier run of this search). */
  readonly replayed = { runs: 0, builds: 0, probes: 0, durationMs: 0 };

  constructor(
    private readonly plan: SearchPlan,
    private readonly evaluator: Evaluator,
    private readonly state: RunState | undefined,
    private readonly events: SessionEvents,
    private readonly options: { runsPer: number; flaky: boolean; signal?: AbortSignal },
  ) {}

  get runsPer(): number {
    return this.options.runsPer;
  }

  subjectOf(sha: string): string {
    return this.plan.subjects.get(sha)?.subject ?? '';
  }

  /**
   * One evaluation: `runsPer` runs of the commit, each a fresh container from its image. Once a
   * commit was run (or with several runs), further runs reuse its image: the flake-aware search
   * needs every run to be a new observation, never an earlier outcome shared by an identical context.
   */
  async evaluate(sha: string, role: Step['role'], progress: Progress): Promise<Outcome[]> {
    const subject = this.plan.subjects.get(sha)?.subject ?? (await getCommitInfo(this.plan.repoDir, sha)).subject;
    this.events.evaluate?.({ sha, subject, role, ...progress });
    const outcomes: Outcome[] = [];
    for (let run = 0; run < this.options.runsPer; run++) {
      this.options.signal?.throwIfAborted();
      // An interrupted run of the same range already knows this run's outcome.
      const saved = this.state?.take(sha);
      if (saved) {
        this.countReplayed(saved);
        outcomes.push({ ...saved, reused: 'state' });
        continue;
      }
      const again = run > 0 || (this.options.flaky && this.tallies.has(sha));
      const outcome = await (again
        ? this.evaluator.evaluateAgain(sha, this.options.signal)
        : this.evaluator.evaluate(sha, this.options.signal));
      this.state?.append([outcome]);
      outcomes.push(outcome);
    }
    // Its runs are done: the image goes (the flake-aware search may run the commit again later).
    if (!this.options.flaky) await this.evaluator.release(outcomes);
    return outcomes;
  }

  /** Records one evaluation as a step: the combined verdict, the outcome that stands for it, the runs it rests on. */
  record(outcomes: Outcome[], role: Step['role'], regression: SearchRegression): Recorded {
    const combined = combineRuns(outcomes, regression);
    const { outcome, verdict } = combined;
    const blob = this.plan.blobs.get(outcome.sha);
    if (blob && outcomes.some((o) => o.built || o.imageReused)) this.builtBlobs.add(blob);
    const tally = this.tallies.get(outcome.sha) ?? { runs: 0, failures: 0 };
    for (const v of combined.verdicts) {
      this.observations.push({ sha: outcome.sha, verdict: v });
      if (v === 'skip') continue;
      tally.runs++;
      if (v === 'bad') tally.failures++;
    }
    this.tallies.set(outcome.sha, tally);
    const failed = combined.verdicts.filter((v) => v === 'bad').length;
    this.steps.push({
      sha: outcome.sha,
      subject: this.subjectOf(outcome.sha),
      role,
      verdict,
      outcome,
      durationMs: outcomes.reduce((sum, o) => sum + o.durationMs, 0),
      ...(outcomes.length > 1 ? { runs: { total: combined.verdicts.length, failed } } : {}),
    });
    this.events.verdict?.({ sha: outcome.sha, verdict, outcome, role });
    return combined;
  }

  private countReplayed(saved: Outcome): void {
    this.replayed.runs++;
    if (saved.built) this.replayed.builds++;
    // A container was probed unless the outcome came from elsewhere, or the build or start failed.
    if (saved.reused === undefined && saved.phase === 'probe') this.replayed.probes++;
    this.replayed.durationMs += saved.durationMs;
  }

  /** The last outcome recorded for a build context (its fingerprint), whichever commit it was of. */
  outcomeOfContext(fingerprint: string): Outcome | undefined {
    return this.steps.findLast((s) => s.outcome.fingerprint === fingerprint)?.outcome;
  }

  /** The last outcome recorded for a commit (a failing one first, when asked). */
  lastOutcome(sha: string, { failing = false } = {}): Outcome | undefined {
    return (
      (failing ? this.steps.findLast((s) => s.sha === sha && !s.outcome.ok)?.outcome : undefined) ??
      this.steps.findLast((s) => s.sha === sha)?.outcome
    );
  }

  /** The verdict last recorded for a commit, or 'untested'. */
  lastVerdict(sha: string): Verdict | 'untested' {
    return this.steps.findLast((s) => s.sha === sha)?.verdict ?? 'untested';
  }

  /** How sure the result is: the runs each verdict rests on (and, in flake-aware mode, probabilities). */
  confidence(extra: Omit<Partial<Confidence>, 'commits'> = {}, probabilities?: ReadonlyMap<string, number>): Confidence {
    return {
      mode: this.options.flaky ? 'flaky' : this.options.runsPer > 1 ? 'runs' : 'plain',
      runsPerEvaluation: this.options.runsPer,
      ...extra,
      commits: [...this.tallies].map(([sha, t]) => ({
        sha,
        ...t,
        ...(probabilities?.has(sha) ? { probability: probabilities.get(sha) as number } : {}),
      })),
    };
  }
}
