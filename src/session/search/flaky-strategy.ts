/**
 * `--flaky`: every run is an observation; the next commits are those expected to tell most; the
 * search ends when one hypothesis (a commit, or "it was noise") reaches the confidence, or after
 * --max-runs runs.
 */
import { FlakySearch, type FlakyStatus } from '../../bisect/flaky-search.js';
import type { Verdict } from '../../bisect/index.js';
import type { Settings } from '../../options/settings.js';
import { shortSha } from '../../text/short-sha.js';
import type { SearchPlan } from './search-plan.js';
import type { SearchStrategy, StrategyOptions, StrategyStep } from './strategy.js';

export type FlakySettings = Pick<Settings, 'confidence' | 'flakeRate' | 'maxRuns' | 'firstParent'>;

export class FlakyStrategy implements SearchStrategy {
  private readonly model: FlakySearch;

  private readonly settings: FlakySettings;
  private readonly jobs: number;
  private readonly lastVerdict: (sha: string) => Verdict | 'untested';

  /** With the informed search's prior (`options.mass`), the posterior starts from it. */
  constructor(
    plan: SearchPlan,
    options: StrategyOptions & {
      settings: FlakySettings;
      /** Every run so far (the verification's included). */
      earlier: ReadonlyArray<{ sha: string; verdict: Verdict }>;
      lastVerdict: (sha: string) => Verdict | 'untested';
    },
  ) {
    const { settings, mass } = options;
    this.settings = settings;
    this.jobs = options.jobs;
    this.lastVerdict = options.lastVerdict;
    this.model = new FlakySearch(
      plan.contracted.graph,
      { bad: plan.range.bad, goods: [plan.range.good], firstParent: options.firstParent },
      {
        confidence: settings.confidence,
        ...(settings.flakeRate !== undefined ? { flakeRate: settings.flakeRate } : {}),
        ...(mass ? { mass } : {}),
      },
    );
    for (const run of options.earlier) this.observe(run.sha, run.verdict);
  }

  next(): StrategyStep {
    const st = this.model.status();
    if (st.done && st.culprit !== null) return { kind: 'found', culprit: st.culprit };
    if (st.done || st.observations >= this.settings.maxRuns) return this.giveUp(st);
    const commits = this.model.next(this.jobs);
    if (commits.length === 0) return { kind: 'inconclusive', candidates: [], warnings: ['every candidate is untestable'] };
    return {
      kind: 'next',
      commits,
      progress: { remaining: this.model.size, stepsLeft: Math.max(0, this.settings.maxRuns - st.observations) },
    };
  }

  record(sha: string, _verdict: Verdict, runVerdicts: readonly Verdict[]): void {
    for (const v of runVerdicts) this.observe(sha, v);
  }

  confidence(): { extra: Record<string, unknown>; probabilities: ReadonlyMap<string, number> } {
    const st = this.model.status();
    return {
      extra: {
        target: this.settings.confidence,
        probability: st.probability,
        noise: st.noise,
        flakeRate: st.flakeRate,
        flakeRateGiven: this.settings.flakeRate !== undefined,
        maxRuns: this.settings.maxRuns,
      },
      probabilities: this.model.probabilities(),
    };
  }

  private observe(sha: string, verdict: Verdict): void {
    if (verdict === 'skip') this.model.exclude(sha);
    else this.model.observe(sha, verdict === 'bad');
  }

  /** Noise is the likeliest explanation, or no commit reached the confidence within --max-runs. */
  private giveUp(st: FlakyStatus): StrategyStep {
    const ranked = [...this.model.probabilities()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .filter(([, p]) => p >= 0.01);
    const why =
      st.culprit === null
        ? `no culprit: the failures look like noise (probability ${st.noise.toFixed(3)}, estimated flake rate ${st.flakeRate.toFixed(2)})`
        : `no commit reached confidence ${this.settings.confidence} within --max-runs ${this.settings.maxRuns}: the likeliest is ${shortSha(st.culprit)} at ${st.probability.toFixed(3)}`;
    return { kind: 'inconclusive', candidates: ranked.map(([sha]) => ({ sha, verdict: this.lastVerdict(sha) })), warnings: [why] };
  }
}
