import { BisectSearch, type Verdict } from '../bisect/index.js';
import { FlakySearch } from '../bisect/flaky-search.js';
import { changedFiles, getCommitInfo, getCommitInfos } from '../git/commit-info.js';
import { loadCommitGraph } from '../git/history.js';
import { planContextChanges } from '../git/context-plan.js';
import { dockerfileBlobs } from '../git/dockerfile-blobs.js';
import { contractGraph } from '../bisect/contract-graph.js';
import { absoluteGitDir, resolveCommit, resolveRange } from '../git/refs.js';
import { UsageError } from '../errors.js';
import { classifyOutcome, decideRegression, type SearchRegression } from './classify-outcome.js';
import type { EvaluatorOptions } from './evaluator.js';
import { cacheConfiguration, openSession, type EngineOptions } from './open-session.js';
import { defaultStatePath, processAlive, RunState } from './run-state.js';
import { hostname } from 'node:os';
import type { EnginePool } from '../docker/engine-pool.js';
import { cleanLabelled, sumRemoved, type Removed } from '../docker/resource-tracker.js';
import { defaultCacheDir } from './verdict-cache.js';
import type { Outcome, Regression } from './outcome.js';
import type { BisectResult, Confidence, Step } from './result.js';
import { combineRuns, consistencyWarnings, type RunTally } from './combine-runs.js';
import { explainChange } from '../explain/explain-change.js';
import { outcomeEvidence } from './outcome-evidence.js';
import type { SessionEvents } from './events.js';

export interface BisectOptions extends Omit<EvaluatorOptions, 'logLines' | 'cache' | 'reuseImages'>, EngineOptions {
  good: string;
  bad: string;
  regression: Regression;
  firstParent: boolean;
  verify: boolean;
  keepImages: boolean;
  /** Commits evaluated at once (`--jobs`); default: one per engine. */
  jobs?: number;
  /** Runs per evaluation (`--runs`): fresh containers from one image, verdict by majority. Default 1. */
  runs?: number;
  /** `--flaky`: the flake-aware search instead of git's. */
  flaky?: { confidence: number; flakeRate?: number; maxRuns: number };
  /**
   * The saved state that makes the run resumable: every run's outcome, written as soon as it is
   * known. Default: <cache dir>/state/<repository and range>.json (the cache dir is `cacheDir`
   * unless that is false, then the default one); `false` = none.
   */
  state?: { path?: string; restart?: boolean } | false;
  /** `--mark <sha>=<verdict>`: verdicts a person knows, used instead of evaluating those commits (not with `flaky`). */
  marks?: Array<{ ref: string; verdict: Verdict }>;
  /** Verdict cache directory; `false` turns the cache off; default under $XDG_CACHE_HOME. */
  cacheDir?: string | false;
  signal?: AbortSignal;
}

/**
 * How much worse than git's choice a split may be for a commit that shares layers with an image
 * already built: its smaller side at least 90% of git's (a 45/55 split costs under 1% more steps on average).
 */
export const LAYER_TOLERANCE = 0.1;

/** With --flaky, an end of the range that contradicts the user is evaluated up to this many times before the run stops. */
export const FLAKY_VERIFY_ATTEMPTS = 5;

/** The saved state of this repository and range (resumes an interrupted run), unless turned off. */
async function openState(options: BisectOptions, range: { good: string; bad: string }, events: SessionEvents): Promise<RunState | undefined> {
  if (options.state === false) return undefined;
  const repo = await absoluteGitDir(options.repoDir);
  const identity = {
    repo,
    good: range.good,
    bad: range.bad,
    configuration: JSON.stringify({
      outcome: JSON.parse(cacheConfiguration(options)),
      regression: options.regression,
      firstParent: options.firstParent,
      runs: options.runs ?? 1,
      flaky: options.flaky ?? null,
    }),
  };
  const cacheBase = typeof options.cacheDir === 'string' ? options.cacheDir : defaultCacheDir();
  const path = options.state?.path ?? defaultStatePath(cacheBase, identity);
  const state = new RunState(path, identity, { restart: options.state?.restart ?? false, onWriteError: (m) => events.notice?.(m) });
  if (state.discarded) events.notice?.(`not resuming from ${path}: ${state.discarded}; starting over`);
  else if (state.loaded > 0) events.notice?.(`resuming: ${state.loaded} run(s) already known from ${path}`);
  return state;
}

/**
 * What earlier runs of this search left (a `kill -9`, a lost engine, a reboot): their containers and
 * images, found by their session label on every engine, once their process is gone.
 */
async function reapEarlierRuns(state: RunState, pool: EnginePool, events: SessionEvents): Promise<void> {
  for (const earlier of state.earlierSessions) {
    if (earlier.host !== hostname() || processAlive(earlier.pid)) continue;
    const removed = await Promise.all(pool.lanes.map((lane) => cleanLabelled(lane.engine.docker, earlier.id).catch(() => undefined)));
    if (removed.some((r) => r === undefined)) continue; // an engine did not answer: try again next time
    const total = sumRemoved(removed as Removed[]);
    if (total.containers + total.images > 0) {
      events.notice?.(`removed ${total.containers} container(s) and ${total.images} image(s) left by an earlier run of this search (session ${earlier.id})`);
    }
    state.forget(earlier.id);
  }
}

/** The whole search: resolve the range, verify its ends, bisect, describe the culprit. Cleans up on every path. */
/** Like Promise.all, but waits for every promise before rejecting: nothing is left running. */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
}

export async function runBisect(options: BisectOptions, events: SessionEvents = {}): Promise<BisectResult> {
  const started = Date.now();
  const range = await resolveRange(options.repoDir, options.good, options.bad);
  const graph = await loadCommitGraph(options.repoDir, range.bad, [range.good], { firstParent: options.firstParent });
  const marks = await Promise.all((options.marks ?? []).map(async (m) => ({ ...m, sha: await resolveCommit(options.repoDir, m.ref) })));
  const state = await openState(options, range, events);
  // Several runs per commit, or a search that weighs runs, must see every run: no verdict cache then.
  const weighsRuns = options.flaky !== undefined || (options.runs ?? 1) > 1;
  const { sessionId, pool, evaluator } = await openSession(weighsRuns ? { ...options, cacheDir: false } : options, events);
  if (state) {
    await reapEarlierRuns(state, pool, events);
    state.claim(sessionId);
  }
  const jobs = Math.max(1, options.jobs ?? pool.lanes.length);
  const subjects = new Map((await getCommitInfos(options.repoDir, [range.good, ...graph.commits.map((c) => c.sha)])).map((i) => [i.sha, i]));
  const steps: Step[] = [];
  // Skip what cannot matter: commits that leave the build context as their parent had it share its image.
  const plan = await planContextChanges({ repoDir: options.repoDir, commits: graph.commits, contextDir: options.contextDir, dockerfile: options.dockerfile });
  const contracted = contractGraph(graph, (sha) => plan.changesContext.get(sha) ?? true, new Set([range.bad]));
  // Order for the layer cache: commits whose Dockerfile is one already built share its layers.
  const blobs = await dockerfileBlobs(
    options.repoDir,
    [range.good, ...contracted.graph.commits.map((c) => c.sha)],
    options.contextDir,
    options.dockerfile,
  ).catch(() => new Map<string, string>());
  const builtBlobs = new Set<string>();
  events.start?.({
    sessionId,
    endpoint: pool.endpoint,
    good: range.good,
    bad: range.bad,
    commits: graph.commits.length,
    changing: plan.changing,
    planningMs: Math.round(plan.durationMs),
  });

  const runsPer = Math.max(1, options.runs ?? 1);
  /** Runs of each commit so far, and how many of them failed the way the search is about. */
  const tallies = new Map<string, RunTally>();
  /** Every run's verdict, in order. */
  const observations: Array<{ sha: string; verdict: Verdict }> = [];
  /**
   * One evaluation: `runsPer` runs of the commit, each a fresh container from its image. Once a
   * commit was run (or with several runs), further runs reuse its image: the flake-aware search
   * needs every run to be a new observation, never an earlier outcome shared by an identical context.
   */
  const evaluate = async (sha: string, role: Step['role'], progress: { remaining: number; stepsLeft: number }): Promise<Outcome[]> => {
    events.evaluate?.({ sha, subject: subjects.get(sha)?.subject ?? (await getCommitInfo(options.repoDir, sha)).subject, role, ...progress });
    const outcomes: Outcome[] = [];
    for (let run = 0; run < runsPer; run++) {
      options.signal?.throwIfAborted();
      // An interrupted run of the same range already knows this run's outcome.
      const saved = state?.take(sha);
      if (saved) {
        outcomes.push({ ...saved, reused: 'state' });
        continue;
      }
      const again = run > 0 || (options.flaky !== undefined && tallies.has(sha));
      const outcome = await (again ? evaluator.evaluateAgain(sha, options.signal) : evaluator.evaluate(sha, options.signal));
      state?.append([outcome]);
      outcomes.push(outcome);
    }
    return outcomes;
  };
  /** Records one evaluation as a step: the combined verdict, the outcome that stands for it, the runs it rests on. */
  const record = (outcomes: Outcome[], role: Step['role'], regression: SearchRegression): { verdict: Verdict; outcome: Outcome; verdicts: Verdict[] } => {
    const combined = combineRuns(outcomes, regression);
    const { outcome, verdict } = combined;
    const blob = blobs.get(outcome.sha);
    if (blob && outcomes.some((o) => o.built || o.imageReused)) builtBlobs.add(blob);
    const tally = tallies.get(outcome.sha) ?? { runs: 0, failures: 0 };
    for (const v of combined.verdicts) {
      observations.push({ sha: outcome.sha, verdict: v });
      if (v === 'skip') continue;
      tally.runs++;
      if (v === 'bad') tally.failures++;
    }
    tallies.set(outcome.sha, tally);
    const durationMs = outcomes.reduce((sum, o) => sum + o.durationMs, 0);
    steps.push({
      sha: outcome.sha,
      subject: subjects.get(outcome.sha)?.subject ?? '',
      role,
      verdict,
      outcome,
      durationMs,
      ...(outcomes.length > 1 ? { runs: { total: combined.verdicts.length, failed: combined.verdicts.filter((v) => v === 'bad').length } } : {}),
    });
    events.verdict?.({ sha: outcome.sha, verdict, outcome, role });
    return combined;
  };
  /** How sure the result is: the runs each verdict rests on (and, in flake-aware mode, probabilities). */
  const confidence = (extra: Omit<Partial<Confidence>, 'commits'> = {}, probabilities?: ReadonlyMap<string, number>): Confidence => ({
    mode: options.flaky ? 'flaky' : runsPer > 1 ? 'runs' : 'plain',
    runsPerEvaluation: runsPer,
    ...extra,
    commits: [...tallies].map(([sha, t]) => ({ sha, ...t, ...(probabilities?.has(sha) ? { probability: probabilities.get(sha) as number } : {}) })),
  });
  const finish = (
    partial: Omit<BisectResult, 'sessionId' | 'good' | 'bad' | 'steps' | 'range' | 'planning' | 'builds' | 'probes' | 'durationMs' | 'confidence' | 'warnings'>,
    sure: Confidence = confidence(),
    warnings: string[] = [],
  ): BisectResult => ({
    ...partial,
    confidence: sure,
    warnings: [...consistencyWarnings(tallies, (sha) => subjects.get(sha)?.subject ?? ''), ...warnings],
    sessionId,
    good: range.good,
    bad: range.bad,
    steps,
    range: graph.commits.map((c) => c.sha).reverse(),
    planning: { commits: graph.commits.length, changingContext: plan.changing, searched: contracted.graph.commits.length, durationMs: Math.round(plan.durationMs) },
    builds: evaluator.builds,
    probes: evaluator.probeRuns,
    durationMs: Date.now() - started,
  });

  try {
    let regression: SearchRegression = decideRegression(options.regression, undefined);
    const search = new BisectSearch(contracted.graph, { bad: range.bad, goods: [range.good], firstParent: options.firstParent });
    let badOutcome: Outcome | undefined;
    if (options.verify) {
      const first = search.status();
      const progress = first.done ? { remaining: 1, stepsLeft: 1 } : { remaining: first.remaining, stepsLeft: first.stepsLeft + 2 };
      // With --jobs ≥ 2 both ends are checked at once; the good one's verdict waits for the bad one's (it decides `auto`).
      const goodEarly = jobs >= 2 ? evaluate(range.good, 'verify', { ...progress, stepsLeft: Math.max(0, progress.stepsLeft - 1) }) : undefined;
      goodEarly?.catch(() => undefined); // awaited below; an early return must not leave it unhandled
      let badRuns: Outcome[];
      try {
        badRuns = await evaluate(range.bad, 'verify', progress);
      } catch (error) {
        await goodEarly?.catch(() => undefined); // nothing may still be running when the session cleans up
        throw error;
      }
      // The bad commit's failure decides what `auto` looks for (its first failing run, if any).
      regression = decideRegression(options.regression, badRuns.find((o) => !o.ok) ?? badRuns[0]);
      let bad = record(badRuns, 'verify', regression);
      // Flake-aware: one passing run does not make the bad commit healthy, nor one failure the good one broken.
      const attempts = options.flaky ? FLAKY_VERIFY_ATTEMPTS : 1;
      for (let attempt = 1; attempt < attempts && bad.verdict === 'good'; attempt++) {
        bad = record(await evaluate(range.bad, 'verify', progress), 'verify', regression);
      }
      badOutcome = bad.outcome;
      // Nothing may still be running when the session cleans up.
      if (bad.verdict !== 'bad') await goodEarly?.catch(() => undefined);
      if (bad.verdict === 'skip') {
        throw new UsageError(
          `the bad commit ${range.bad.slice(0, 12)} fails to build (${badOutcome.signature}), but --regression ${options.regression} looks for a runtime failure: use --regression build or auto`,
        );
      }
      if (bad.verdict === 'good') {
        return finish({ status: 'bad-is-healthy', regression, verification: { bad: badOutcome } });
      }
      const goodProgress = { ...progress, stepsLeft: Math.max(0, progress.stepsLeft - 1) };
      let good = record(await (goodEarly ?? evaluate(range.good, 'verify', goodProgress)), 'verify', regression);
      for (let attempt = 1; attempt < attempts && good.verdict === 'bad'; attempt++) {
        good = record(await evaluate(range.good, 'verify', goodProgress), 'verify', regression);
      }
      if (good.verdict !== 'good') {
        return finish({ status: 'good-is-unhealthy', regression, verification: { good: good.outcome, bad: badOutcome } });
      }
    }

    /** The result for a culprit: its outcome, what changed, its parent for contrast, and whether its image differs at all. */
    const found = async (sha: string, sure: Confidence, warnings: string[] = []): Promise<BisectResult> => {
      const culpritOutcome =
        steps.findLast((s) => s.sha === sha && !s.outcome.ok)?.outcome ??
        steps.findLast((s) => s.sha === sha)?.outcome ??
        (sha === range.bad ? badOutcome : undefined) ??
        (await evaluate(sha, 'search', { remaining: 1, stepsLeft: 0 }))[0]!;
      const info = subjects.get(sha) ?? (await getCommitInfo(options.repoDir, sha));
      const parent = graph.commits.find((c) => c.sha === sha)?.parents[0];
      const files = await changedFiles(options.repoDir, parent, sha, options.contextDir);
      const culprit: NonNullable<BisectResult['culprit']> = { ...info, files, outcome: culpritOutcome };
      if (parent) {
        events.phase?.(sha, 'explain');
        culprit.explanation = await explainChange(
          { repoDir: options.repoDir, before: parent, after: sha, contextDir: options.contextDir, dockerfile: options.dockerfile, ...(options.target ? { target: options.target } : {}) },
          outcomeEvidence(culpritOutcome),
        );
        // For contrast: how the parent behaved (tested itself, or a commit with the same build context).
        const parentOutcome = steps.findLast((s) => s.sha === parent)?.outcome ?? (await evaluator.knownOutcome(parent));
        if (parentOutcome) culprit.parent = { sha: parent, outcome: parentOutcome };
        // An image identical to its parent's cannot be the cause of anything.
        if (culpritOutcome.imageId && parentOutcome?.imageId && (await evaluator.sameImage(culpritOutcome.imageId, parentOutcome.imageId))) {
          warnings.push(
            `unreliable: the image of ${sha.slice(0, 12)} is identical to its parent's (same layers and configuration), so the change cannot have caused the failure; the deployment is probably flaky or depends on something outside the image: try --flaky or --runs`,
          );
        }
      }
      return finish({ status: 'found', regression, culprit }, sure, warnings);
    };

    if (options.flaky) return await flakySearch(options.flaky);

    // Verdicts a person knows (--mark, replay) count as if this run had found them.
    for (const mark of marks) {
      const sha = contracted.representative.get(mark.sha) ?? mark.sha;
      if (!contracted.graph.commits.some((c) => c.sha === sha) && mark.verdict !== 'good') {
        throw new UsageError(`--mark ${mark.ref}=${mark.verdict}: ${mark.sha.slice(0, 12)} is not in the range ${range.good.slice(0, 12)}..${range.bad.slice(0, 12)}`);
      }
      try {
        search.record(sha, mark.verdict);
      } catch (error) {
        throw new UsageError(`--mark ${mark.ref}=${mark.verdict} contradicts what is known: ${(error as Error).message}`);
      }
    }

    for (;;) {
      const status = search.status();
      if (status.done && status.kind === 'found') return await found(status.culprit, confidence());
      if (status.done) {
        const verdicts = search.verdicts;
        // A candidate stands for itself and every commit that shares its image.
        const members = new Set(status.candidates);
        const expanded = graph.commits.map((c) => c.sha).filter((sha) => members.has(contracted.representative.get(sha) ?? sha));
        const infos = await getCommitInfos(options.repoDir, expanded);
        return finish({
          status: 'inconclusive',
          regression,
          candidates: infos.map((i) => ({ ...i, verdict: verdicts.get(i.sha) ?? verdicts.get(contracted.representative.get(i.sha) ?? i.sha) ?? 'untested' })),
        });
      }
      // One round: git's next commit, or (with --jobs k) k commits that cut the range into k+1 near-equal parts.
      // One at a time, a commit splitting the range nearly as well as git's is taken when its Dockerfile was built already.
      const sections = jobs > 1 ? search.sections(jobs) : [];
      const preferred = search.nextPreferring((sha) => builtBlobs.has(blobs.get(sha) ?? ''), LAYER_TOLERANCE) ?? status.next;
      const batch = sections.length > 0 ? sections : [preferred];
      const progress = { remaining: status.remaining, stepsLeft: status.stepsLeft };
      const evaluations = await settleAll(batch.map((sha) => evaluate(sha, 'search', progress)));
      for (const runs of evaluations) {
        const { verdict, outcome } = record(runs, 'search', regression);
        try {
          search.record(outcome.sha, verdict);
        } catch {
          // A verdict of the same round that contradicts another (a flaky deployment) is kept in the steps, not used.
        }
      }
    }

    /**
     * The flake-aware search: every run is an observation; the next commits are those expected to
     * tell most; it ends when one hypothesis reaches the confidence, or after --max-runs runs.
     */
    async function flakySearch(settings: NonNullable<BisectOptions['flaky']>): Promise<BisectResult> {
      const model = new FlakySearch(
        contracted.graph,
        { bad: range.bad, goods: [range.good], firstParent: options.firstParent },
        { confidence: settings.confidence, ...(settings.flakeRate !== undefined ? { flakeRate: settings.flakeRate } : {}) },
      );
      const observe = (sha: string, verdict: Verdict): void => {
        if (verdict === 'skip') model.exclude(sha);
        else model.observe(sha, verdict === 'bad');
      };
      for (const run of observations) observe(run.sha, run.verdict);
      const sure = (st = model.status()): Confidence =>
        confidence(
          {
            target: settings.confidence,
            probability: st.probability,
            noise: st.noise,
            flakeRate: st.flakeRate,
            flakeRateGiven: settings.flakeRate !== undefined,
            maxRuns: settings.maxRuns,
          },
          model.probabilities(),
        );
      for (;;) {
        const st = model.status();
        if (st.done && st.culprit !== null) return found(st.culprit, sure(st));
        if (st.done || st.observations >= settings.maxRuns) {
          // Noise is the likeliest explanation, or no commit reached the confidence within --max-runs.
          const ranked = [...model.probabilities()].sort((a, b) => b[1] - a[1]).slice(0, 5).filter(([, p]) => p >= 0.01);
          const infos = await getCommitInfos(options.repoDir, ranked.map(([sha]) => sha));
          const last = (sha: string) => steps.findLast((s) => s.sha === sha)?.verdict ?? 'untested';
          const why =
            st.culprit === null
              ? `no culprit: the failures look like noise (probability ${st.noise.toFixed(3)}, estimated flake rate ${st.flakeRate.toFixed(2)})`
              : `no commit reached confidence ${settings.confidence} within --max-runs ${settings.maxRuns}: the likeliest is ${st.culprit.slice(0, 12)} at ${st.probability.toFixed(3)}`;
          return finish({ status: 'inconclusive', regression, candidates: infos.map((i) => ({ ...i, verdict: last(i.sha) })) }, sure(st), [why]);
        }
        const batch = model.next(jobs);
        if (batch.length === 0) return finish({ status: 'inconclusive', regression, candidates: [] }, sure(st), ['every candidate is untestable']);
        const progress = { remaining: model.size, stepsLeft: Math.max(0, settings.maxRuns - st.observations) };
        const evaluations = await settleAll(batch.map((sha) => evaluate(sha, 'search', progress)));
        for (const runs of evaluations) {
          const step = record(runs, 'search', regression);
          for (const v of step.verdicts) observe(step.outcome.sha, v);
        }
      }
    }
  } finally {
    const removed = await pool.cleanup({ keepImages: options.keepImages });
    // Everything removed (or kept on purpose, --keep-images): no later run must reap this session.
    if (!removed.unreachable) state?.release(sessionId);
    events.cleanup?.(removed, sessionId);
  }
}
