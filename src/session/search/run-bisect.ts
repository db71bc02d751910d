/**
 * The whole search: resolve → plan → verify → search → describe. Cleans up on every path.
 */
import type { CleanupReport } from '../../docker/engine-pool.js';
import { resolveRange } from '../../git/refs.js';
import type { Mark } from '../../options/rows-search.js';
import type { Settings } from '../../options/settings.js';
import { checkBuildInputs } from '../check-build-inputs.js';
import type { SearchRegression } from '../classify-outcome.js';
import { consistencyWarnings } from '../combine-runs.js';
import { prepareDeployments } from '../deploy/prepare.js';
import type { SessionEvents } from '../events.js';
import type { OpenSession } from '../open-session.js';
import type { Outcome } from '../outcome.js';
import type { BisectResult } from '../result.js';
import { withSession, type RunSession } from '../with-session.js';
import { describeCulprit } from './describe-culprit.js';
import { warnIfShortOfSpace } from './disk-check.js';
import { FlakyStrategy } from './flaky-strategy.js';
import { GitBisectStrategy } from './git-bisect-strategy.js';
import { KSectionStrategy } from './k-section-strategy.js';
import { LazyGood } from './lazy-good.js';
import { buildBudget, PriorStrategy } from './prior-strategy.js';
import { buildPrior, type Prior } from './prior.js';
import { RunLedger } from './run-ledger.js';
import { runSearchLoop, type SearchEnd } from './search-loop.js';
import { planSearch, type SearchPlan } from './search-plan.js';
import { openState, reapEarlierRuns } from './search-state.js';
import type { SearchStrategy, StrategyOptions } from './strategy.js';
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
  const ends = await resolveRange(settings.repo, request.good, request.bad);
  // How commits are deployed (a platform's manifest, or the options), decided before anything is built.
  const { deployments, search } = await prepareDeployments(settings, ends);
  const marks = [...(request.marks ?? []), ...settings.mark];
  const plan = await planSearch(settings, { good: ends.good, bad: ends.bad, marks }, search);
  // Without a manifest, the options name the Dockerfile and the context: both ends must have them (a manifest's are the platform's).
  if (deployments.plan.kind === 'none') {
    await checkBuildInputs(settings, [
      { role: 'the good commit', sha: plan.range.good },
      { role: 'the bad commit', sha: plan.range.bad },
    ]);
  }
  const state = await openState(settings, plan.range, events);
  const start = {
    good: plan.range.good,
    bad: plan.range.bad,
    commits: plan.graph.commits.length,
    changing: plan.changing,
    planningMs: plan.planningMs,
  };
  // Several runs per commit, or a search that weighs runs, must see every run: no verdict cache then.
  const useCache = !(settings.flaky || settings.runs > 1);
  // Everything removed (or kept on purpose, --keep-images): no later run must reap this session.
  const cleaned = (removed: CleanupReport, sessionId: string) => (removed.unreachable ? undefined : state?.release(sessionId));
  return withSession(settings, events, { start, useCache, cleaned, deployments }, async (session) => {
    if (state) {
      await reapEarlierRuns(state, session.pool, events);
      state.claim(session.sessionId);
    }
    const ledger = new RunLedger(plan, session.evaluator, state, events, {
      runsPer: settings.runs,
      flaky: settings.flaky,
      ...(call.signal ? { signal: call.signal } : {}),
    });
    const ctx: SearchContext = { plan, ledger, session, jobs: session.jobs, events, ...(call.signal ? { signal: call.signal } : {}) };
    const { end, prior } = await searchAndDescribe(settings, ctx);
    const found = result(end, { plan, ledger, session, started, ...(prior ? { prior } : {}) });
    state?.finish(found.status);
    return found;
  });
}

interface SearchContext {
  plan: SearchPlan;
  ledger: RunLedger;
  session: RunSession;
  jobs: number;
  events: SessionEvents;
  signal?: AbortSignal;
}

/** verify → search → describe; with the prior the search started from (made once the bad end is known). */
async function searchAndDescribe(settings: Settings, ctx: SearchContext): Promise<{ end: SearchEnd; prior?: Prior }> {
  const { plan, ledger, session } = ctx;
  const plain = chooseStrategy(settings, ctx);
  let regression: SearchRegression = settings.regression === 'auto' ? 'runtime' : settings.regression;
  let badOutcome: Outcome | undefined;
  let goodPending = false;
  if (settings.verify) {
    const verified = await verifyEnds(ledger, plan.range, {
      regression: settings.regression,
      flaky: settings.flaky,
      jobs: ctx.jobs,
      initial: plain.initial,
      // The informed search's: git's halving (--prior uniform) checks both ends first, as git bisect users expect.
      lazyGood: ctx.jobs === 1 && !settings.flaky && settings.prior === 'risk',
    });
    regression = verified.regression;
    if (verified.kind !== 'verified')
      return { end: { partial: { status: verified.kind, regression, verification: verified.verification } } };
    badOutcome = verified.badOutcome;
    goodPending = verified.goodPending === true;
  }
  // Said once, as soon as a build has shown what one takes (with the good end left to verify, the bad end may not have built).
  let spaceChecked = false;
  const checkSpace = async (stepsLeft: number): Promise<void> => {
    if (spaceChecked || session.evaluator.firstBuildBytes === undefined) return;
    spaceChecked = true;
    await warnIfShortOfSpace(session.pool, session.evaluator.firstBuildBytes, stepsLeft, ctx.events, settings.keepImages);
  };
  await checkSpace(plain.initial.stepsLeft);
  const lazy = new LazyGood(goodPending, plan, ledger, plan.range);
  const prior = await buildPrior(plan, settings, badOutcome);
  const strategy = searchStrategy(settings, ctx, { plain, lazy, prior });
  if (strategy instanceof GitBisectStrategy) strategy.applyMarks();
  const describe = { settings, plan, ledger, evaluator: session.evaluator, events: ctx.events, badOutcome };
  try {
    const end = await runSearchLoop(strategy, ledger, regression, {
      repoDir: plan.repoDir,
      describe: (sha, warnings) => describeCulprit(describe, sha, warnings),
      settle: async (step) => {
        await session.evaluator.stopBuildingAhead();
        return lazy.settle(step, regression, badOutcome);
      },
      beforeRound: (progress) => checkSpace(progress.stepsLeft),
      // One candidate at a time, one run each: build the next candidates while it is probed.
      ...(settings.buildAhead && ctx.jobs === 1 && settings.runs === 1 && !settings.flaky
        ? { buildAhead: (upcoming, current) => session.evaluator.buildAhead(upcoming, current, ctx.signal) }
        : {}),
    });
    return { end, prior };
  } finally {
    await session.evaluator.stopBuildingAhead();
  }
}

/**
 * After the verification: the flake-aware search (from every run so far, the verification's
 * included), the informed search (`--prior risk`: one job, or k-sections at the prior's quantiles with
 * --jobs k), or git's bisection / k-sections.
 */
function searchStrategy(
  settings: Settings,
  ctx: SearchContext,
  start: { plain: GitBisectStrategy; lazy: LazyGood; prior: Prior | undefined },
): SearchStrategy {
  const { plan, ledger } = ctx;
  const { plain, lazy, prior } = start;
  const mass = prior && prior.kind === 'risk' ? priorMass(prior) : undefined;
  const options = { ...strategyOptions(settings, ctx), ...(mass ? { mass } : {}) };
  if (settings.flaky) {
    const earlier = ledger.observations;
    return new FlakyStrategy(plan, { ...options, settings, earlier, lastVerdict: (sha) => ledger.lastVerdict(sha) });
  }
  if (!mass) return plain;
  if (ctx.jobs > 1) return new KSectionStrategy(plan, options);
  const budget = {
    total: buildBudget(plan.contracted.graph.commits.length),
    used: () => ledger.steps.length,
    reserved: () => lazy.reserved,
  };
  return new PriorStrategy(plan, { ...options, mass, budget });
}

/** The prior's mass of each commit (a floor for those it does not name, so none is impossible). */
function priorMass(prior: Prior): (sha: string) => number {
  const floor = 1e-6 / Math.max(1, prior.mass.size);
  return (sha) => prior.mass.get(sha) ?? floor;
}

/** Git's bisection, or k-sections with --jobs k (the flake-aware or informed search takes over after the verification). */
function chooseStrategy(settings: Settings, ctx: SearchContext): GitBisectStrategy {
  const options = strategyOptions(settings, ctx);
  return ctx.jobs > 1 ? new KSectionStrategy(ctx.plan, options) : new GitBisectStrategy(ctx.plan, options);
}

function strategyOptions(settings: Settings, ctx: SearchContext): StrategyOptions {
  return {
    firstParent: settings.firstParent,
    builtAlready: (sha: string) => ctx.ledger.builtBlobs.has(ctx.plan.blobs.get(sha) ?? ''),
    jobs: ctx.jobs,
  };
}

function result(
  end: SearchEnd,
  ctx: { plan: SearchPlan; ledger: RunLedger; session: RunSession; started: number; prior?: Prior },
): BisectResult {
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
    ...(session.deployment ? { deployment: session.deployment } : {}),
    ...(ctx.prior ? { prior: describePrior(ctx.prior, plan) } : {}),
    ...(session.evaluator.builtAhead ? { builtAhead: session.evaluator.builtAhead } : {}),
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

/** The prior in the result: its kind and the commits that carried the most of it, with why. */
function describePrior(prior: Prior, plan: SearchPlan): NonNullable<BisectResult['prior']> {
  return {
    kind: prior.kind,
    top: prior.top.map((t) => ({
      sha: t.sha,
      subject: plan.subjects.get(t.sha)?.subject ?? '',
      probability: Math.round(t.probability * 1000) / 1000,
      reasons: t.reasons,
    })),
  };
}
