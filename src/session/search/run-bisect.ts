/**
 * The whole search: resolve → plan → verify → search → describe. Cleans up on every path.
 */
import type { Mark } from '../../options/rows-search.js';
import type { Settings } from '../../options/settings.js';
import type { SearchRegression } from '../classify-outcome.js';
import { consistencyWarnings } from '../combine-runs.js';
import type { SessionEvents } from '../events.js';
import { openSession, type OpenSession } from '../open-session.js';
import type { Outcome } from '../outcome.js';
import type { BisectResult } from '../result.js';
import type { RunState } from '../run-state.js';
import { describeCulprit } from './describe-culprit.js';
import { warnIfShortOfSpace } from './disk-check.js';
import { FlakyStrategy } from './flaky-strategy.js';
import { GitBisectStrategy } from './git-bisect-strategy.js';
import { KSectionStrategy } from './k-section-strategy.js';
import { RunLedger } from './run-ledger.js';
import { runSearchLoop, type SearchEnd } from './search-loop.js';
import { planSearch, type SearchPlan } from './search-plan.js';
import { openState, reapEarlierRuns } from './search-state.js';
import { verifyEnds } from './verify-ends.js';

export interface BisectRequest {
  good: string;
  bad: string;
  /** Verdicts a person knows besides --mark (replay's log). */
  marks?: readonly Mark[];
}

export interface CallControl {
  events?: SessionEvents;
  signal?: AbortSignal;
}

export async function runBisect(settings: Settings, request: BisectRequest, call: CallControl = {}): Promise<BisectResult> {
  const started = Date.now();
  const events = call.events ?? {};
  const plan = await planSearch(settings, { good: request.good, bad: request.bad, marks: [...(request.marks ?? []), ...settings.mark] });
  const state = await openState(settings, plan.range, events);
  // Several runs per commit, or a search that weighs runs, must see every run: no verdict cache then.
  const weighsRuns = settings.flaky || settings.runs > 1;
  const session = await openSession(settings, events, { useCache: !weighsRuns });
  try {
    if (state) {
      await reapEarlierRuns(state, session.pool, events);
      state.claim(session.sessionId);
    }
    const jobs = Math.max(1, settings.jobs ?? session.pool.lanes.length);
    const ledger = new RunLedger(plan, session.evaluator, state, events, {
      runsPer: settings.runs,
      flaky: settings.flaky,
      ...(call.signal ? { signal: call.signal } : {}),
    });
    events.start?.({
      sessionId: session.sessionId,
      endpoint: session.pool.endpoint,
      good: plan.range.good,
      bad: plan.range.bad,
      commits: plan.graph.commits.length,
      changing: plan.changing,
      planningMs: plan.planningMs,
    });
    const end = await searchAndDescribe(settings, { plan, ledger, session, jobs, events });
    return result(end, { plan, ledger, session, started });
  } finally {
    await cleanUp(session, state, settings.keepImages, events);
  }
}

interface SearchContext {
  plan: SearchPlan;
  ledger: RunLedger;
  session: OpenSession;
  jobs: number;
  events: SessionEvents;
}

/** verify → search → describe. */
async function searchAndDescribe(settings: Settings, ctx: SearchContext): Promise<SearchEnd> {
  const { plan, ledger, session } = ctx;
  const plain = chooseStrategy(settings, ctx);
  let regression: SearchRegression = settings.regression === 'auto' ? 'runtime' : settings.regression;
  let badOutcome: Outcome | undefined;
  if (settings.verify) {
    const verified = await verifyEnds(ledger, plan.range, {
      regression: settings.regression,
      flaky: settings.flaky,
      jobs: ctx.jobs,
      initial: plain.initial,
    });
    regression = verified.regression;
    if (verified.kind !== 'verified') return { partial: { status: verified.kind, regression, verification: verified.verification } };
    badOutcome = verified.badOutcome;
  }
  await warnIfShortOfSpace(session.pool, session.evaluator.firstBuildBytes, plain.initial.stepsLeft, ctx.events, settings.keepImages);
  // The flake-aware search starts from every run so far (the verification's included).
  const strategy = settings.flaky
    ? new FlakyStrategy(plan, settings, ctx.jobs, ledger.observations, (sha) => ledger.lastVerdict(sha))
    : plain;
  if (strategy instanceof GitBisectStrategy) strategy.applyMarks();
  const describe = { settings, plan, ledger, evaluator: session.evaluator, events: ctx.events, badOutcome };
  return runSearchLoop(strategy, ledger, regression, {
    repoDir: plan.repoDir,
    describe: (sha, warnings) => describeCulprit(describe, sha, warnings),
  });
}

/** Git's bisection, or k-sections with --jobs k (the flake-aware search takes over after the verification). */
function chooseStrategy(settings: Settings, ctx: SearchContext): GitBisectStrategy {
  const options = {
    firstParent: settings.firstParent,
    builtAlready: (sha: string) => ctx.ledger.builtBlobs.has(ctx.plan.blobs.get(sha) ?? ''),
  };
  return ctx.jobs > 1 ? new KSectionStrategy(ctx.plan, ctx.jobs, options) : new GitBisectStrategy(ctx.plan, options);
}

function result(end: SearchEnd, ctx: { plan: SearchPlan; ledger: RunLedger; session: OpenSession; started: number }): BisectResult {
  const { plan, ledger, session } = ctx;
  return {
    ...end.partial,
    confidence: end.confidence ?? ledger.confidence(),
    warnings: [...consistencyWarnings(ledger.tallies, (sha) => ledger.subjectOf(sha)), ...(end.warnings ?? [])],
    sessionId: session.sessionId,
    good: plan.range.good,
    bad: plan.range.bad,
    steps: ledger.steps,
    range: plan.graph.commits.map((c) => c.sha).reverse(),
    planning: {
      commits: plan.graph.commits.length,
      changingContext: plan.changing,
      searched: plan.contracted.graph.commits.length,
      durationMs: plan.planningMs,
    },
    builders: session.builders,
    ...cost(ledger, session, Date.now() - ctx.started),
  };
}

/** The whole search's cost: this run's, plus what the runs it replayed from the saved state cost. */
function cost(
  ledger: RunLedger,
  session: OpenSession,
  durationMs: number,
): Pick<BisectResult, 'builds' | 'probes' | 'durationMs' | 'resume'> {
  const own = { builds: session.evaluator.builds, probes: session.evaluator.probeRuns, durationMs };
  const { replayed } = ledger;
  if (replayed.runs === 0) return own;
  return {
    builds: own.builds + replayed.builds,
    probes: own.probes + replayed.probes,
    durationMs: own.durationMs + replayed.durationMs,
    resume: { replayedRuns: replayed.runs, ...own },
  };
}

async function cleanUp(session: OpenSession, state: RunState | undefined, keepImages: boolean, events: SessionEvents): Promise<void> {
  const removed = await session.pool.cleanup({ keepImages });
  // Everything removed (or kept on purpose, --keep-images): no later run must reap this session.
  if (!removed.unreachable) state?.release(session.sessionId);
  events.cleanup?.(removed, session.sessionId);
}
