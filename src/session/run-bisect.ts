import { BisectSearch, type Verdict } from '../bisect/index.js';
import { changedFiles, getCommitInfo, getCommitInfos } from '../git/commit-info.js';
import { loadCommitGraph } from '../git/history.js';
import { planContextChanges } from '../git/context-plan.js';
import { dockerfileBlobs } from '../git/dockerfile-blobs.js';
import { contractGraph } from '../bisect/contract-graph.js';
import { resolveRange } from '../git/refs.js';
import { UsageError } from '../errors.js';
import { classifyOutcome, decideRegression, type SearchRegression } from './classify-outcome.js';
import type { EvaluatorOptions } from './evaluator.js';
import { openSession, type EngineOptions } from './open-session.js';
import type { Outcome, Regression } from './outcome.js';
import type { BisectResult, Step } from './result.js';
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
  /** Verdict cache directory; `false` turns the cache off; default under $XDG_CACHE_HOME. */
  cacheDir?: string | false;
  signal?: AbortSignal;
}

/**
 * How much worse than git's choice a split may be for a commit that shares layers with an image
 * already built: its smaller side at least 90% of git's (a 45/55 split costs under 1% more steps on average).
 */
export const LAYER_TOLERANCE = 0.1;

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
  const { sessionId, pool, evaluator } = await openSession(options, events);
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

  const evaluate = async (sha: string, role: Step['role'], progress: { remaining: number; stepsLeft: number }): Promise<Outcome> => {
    events.evaluate?.({ sha, subject: subjects.get(sha)?.subject ?? (await getCommitInfo(options.repoDir, sha)).subject, role, ...progress });
    options.signal?.throwIfAborted();
    return evaluator.evaluate(sha, options.signal);
  };
  const record = (outcome: Outcome, role: Step['role'], verdict: Verdict): void => {
    const blob = blobs.get(outcome.sha);
    if (blob && (outcome.built || outcome.imageReused)) builtBlobs.add(blob);
    steps.push({ sha: outcome.sha, subject: subjects.get(outcome.sha)?.subject ?? '', role, verdict, outcome, durationMs: outcome.durationMs });
    events.verdict?.({ sha: outcome.sha, verdict, outcome, role });
  };
  const finish = (partial: Omit<BisectResult, 'sessionId' | 'good' | 'bad' | 'steps' | 'range' | 'planning' | 'builds' | 'probes' | 'durationMs'>): BisectResult => ({
    ...partial,
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
      const progress = first.done ? { remaining: 1, stepsLeft: 0 } : { remaining: first.remaining, stepsLeft: first.stepsLeft + 2 };
      // With --jobs ≥ 2 both ends are checked at once; the good one's verdict waits for the bad one's (it decides `auto`).
      const goodEarly = jobs >= 2 ? evaluate(range.good, 'verify', { ...progress, stepsLeft: progress.stepsLeft - 1 }) : undefined;
      goodEarly?.catch(() => undefined); // awaited below; an early return must not leave it unhandled
      try {
        badOutcome = await evaluate(range.bad, 'verify', progress);
      } catch (error) {
        await goodEarly?.catch(() => undefined); // nothing may still be running when the session cleans up
        throw error;
      }
      regression = decideRegression(options.regression, badOutcome);
      const badVerdict = classifyOutcome(badOutcome, regression);
      record(badOutcome, 'verify', badVerdict);
      // Nothing may still be running when the session cleans up.
      if (badVerdict !== 'bad') await goodEarly?.catch(() => undefined);
      if (badVerdict === 'skip') {
        throw new UsageError(
          `the bad commit ${range.bad.slice(0, 12)} fails to build (${badOutcome.signature}), but --regression ${options.regression} looks for a runtime failure: use --regression build or auto`,
        );
      }
      if (badVerdict === 'good') {
        return finish({ status: 'bad-is-healthy', regression, verification: { bad: badOutcome } });
      }
      const goodOutcome = await (goodEarly ?? evaluate(range.good, 'verify', { ...progress, stepsLeft: progress.stepsLeft - 1 }));
      const goodVerdict = classifyOutcome(goodOutcome, regression);
      record(goodOutcome, 'verify', goodVerdict);
      if (goodVerdict !== 'good') {
        return finish({ status: 'good-is-unhealthy', regression, verification: { good: goodOutcome, bad: badOutcome } });
      }
    }

    for (;;) {
      const status = search.status();
      if (status.done && status.kind === 'found') {
        const culpritOutcome =
          steps.findLast((s) => s.sha === status.culprit)?.outcome ??
          badOutcome ??
          (await evaluate(status.culprit, 'search', { remaining: 1, stepsLeft: 0 }));
        const info = subjects.get(status.culprit) ?? (await getCommitInfo(options.repoDir, status.culprit));
        const parent = graph.commits.find((c) => c.sha === status.culprit)?.parents[0];
        const files = await changedFiles(options.repoDir, parent, status.culprit, options.contextDir);
        const culprit: NonNullable<BisectResult['culprit']> = { ...info, files, outcome: culpritOutcome };
        if (parent) {
          events.phase?.(status.culprit, 'explain');
          culprit.explanation = await explainChange(
            { repoDir: options.repoDir, before: parent, after: status.culprit, contextDir: options.contextDir, dockerfile: options.dockerfile, ...(options.target ? { target: options.target } : {}) },
            outcomeEvidence(culpritOutcome),
          );
          // For contrast: how the parent behaved (tested itself, or a commit with the same build context).
          const parentOutcome = steps.findLast((s) => s.sha === parent)?.outcome ?? (await evaluator.knownOutcome(parent));
          if (parentOutcome) culprit.parent = { sha: parent, outcome: parentOutcome };
        }
        return finish({ status: 'found', regression, culprit });
      }
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
      const outcomes = await settleAll(batch.map((sha) => evaluate(sha, 'search', progress)));
      for (const outcome of outcomes) {
        const verdict = classifyOutcome(outcome, regression);
        record(outcome, 'search', verdict);
        try {
          search.record(outcome.sha, verdict);
        } catch {
          // A verdict of the same round that contradicts another (a flaky deployment) is kept in the steps, not used.
        }
      }
    }
  } finally {
    const removed = await pool.cleanup({ keepImages: options.keepImages });
    events.cleanup?.(removed);
  }
}
