/**
 * `deploybisect narrow <commit>`: which of a commit's changes breaks the deployment, proven by two
 * builds. The commit must fail and its parent pass; then general delta debugging (src/bisect/dd.ts)
 * tests the parent's context with subsets of the commit's changes applied (in memory, from git
 * objects), each built and probed by the same evaluator as a search (layer cache, engines, --jobs,
 * labels, cleanup). A configuration that fails to build or fails otherwise than the commit is
 * unresolved, never a verdict.
 */
import { dd, ddKey, type DdVerdict } from '../../bisect/dd.js';
import { UsageError } from '../../errors.js';
import { explainChange, type ExplainSpec } from '../../explain/explain-change.js';
import type { Finding } from '../../explain/finding.js';
import { contractFindings } from '../../explain/manifest/contract-findings.js';
import { overlayOf, patchOf, type Change, type ChangeSet } from '../../explain/narrow/change-set.js';
import { getCommitInfo } from '../../git/commit-info.js';
import { overlayContext, overlayPlan } from '../../git/overlay-context.js';
import { resolveCommit } from '../../git/refs.js';
import type { Settings } from '../../options/settings.js';
import { shortSha } from '../../text/short-sha.js';
import { checkBuildInputs } from '../check-build-inputs.js';
import type { Deployment } from '../deploy/deployment.js';
import { prepareDeployments } from '../deploy/prepare.js';
import type { Evaluator } from '../evaluate/evaluator.js';
import type { SessionEvents } from '../events.js';
import { outcomeEvidence } from '../outcome-evidence.js';
import type { Outcome } from '../outcome.js';
import type { CallControl } from '../search/run-bisect.js';
import { withSession, type RunSession } from '../with-session.js';
import { configurationDeployments, narrowEnds, type NarrowEnds } from './narrow-deployments.js';
import { explanationOf, type NarrowChange, type NarrowResult, type NarrowTest } from './narrow-result.js';
import { splitChanges, type SplitChanges } from './split-changes.js';

export type { NarrowResult } from './narrow-result.js';

/** Narrows `commit` (against `settings.parent`, default its first parent). */
export async function runNarrow(settings: Settings, commit: string, call: CallControl = {}): Promise<NarrowResult> {
  const started = Date.now();
  const events: SessionEvents = call.events ?? {};
  const sha = await resolveCommit(settings.repo, commit);
  const parentSha = await resolveParent(settings, sha);
  const [commitInfo, parentInfo] = await Promise.all([getCommitInfo(settings.repo, sha), getCommitInfo(settings.repo, parentSha)]);
  const { deployments } = await prepareDeployments(settings, { bad: sha, good: parentSha });
  if (deployments.plan.kind === 'none') {
    await checkBuildInputs(settings, [
      { role: 'the commit', sha },
      { role: 'its parent', sha: parentSha },
    ]);
  }
  const start = {
    good: parentSha,
    bad: sha,
    commits: 1,
    title: `narrowing ${shortSha(sha)} against its parent ${shortSha(parentSha)}`,
  };
  return withSession(settings, events, { start, deployments }, async (session) => {
    const { evaluator } = session;
    const ends = { commit: { sha, subject: commitInfo.subject }, parent: { sha: parentSha, subject: parentInfo.subject } };
    const { commitOutcome, parentOutcome } = await verifyEnds(session, ends, call, events);
    const base = { sessionId: session.sessionId, commit: commitInfo, parent: parentInfo, signature: commitOutcome.signature };
    const finish = (result: Omit<NarrowResult, keyof typeof base | 'builders' | 'builds' | 'durationMs'>): NarrowResult => ({
      ...base,
      ...result,
      builders: session.builders,
      builds: evaluator.builds,
      durationMs: Date.now() - started,
    });
    if (commitOutcome.ok || !parentOutcome?.ok) {
      const reason = commitOutcome.ok ? 'commit-is-healthy' : 'parent-is-unhealthy';
      const verification = { ...(parentOutcome ? { parent: parentOutcome } : {}), commit: commitOutcome };
      return finish({ status: 'not-reproduced', reason, changes: [], difference: [], tests: [], verification, notes: [] });
    }
    const verification = { parent: parentOutcome, commit: commitOutcome };
    const pair = { parent: parentSha, commit: sha };
    const at = await narrowEnds(evaluator.deployments, settings.repo, pair);
    if (at.apart)
      return finish({ status: 'inconclusive', reason: at.apart, changes: [], difference: [], tests: [], verification, notes: [] });
    const split = await splitChanges({
      repoDir: settings.repo,
      ...at.context,
      ...pair,
      ...(at.planned ? { planner: evaluator.planner } : {}),
      ...(at.manifests ? { manifests: at.manifests } : {}),
    });
    const deploymentOf = configurationDeployments(evaluator.deployments, split.set, pair);
    const inputs = { evaluator, sha, commitOutcome, parentOutcome, parallel: session.jobs, deploymentOf };
    const search = await narrowChanges(settings, split, inputs, call, events);
    const explanation = await explainCommit(settings, { ...at, ...pair }, evaluator, commitOutcome);
    const difference = split.set.changes.filter((c) => search.difference.includes(c.id));
    return finish({
      ...search,
      changes: split.set.changes.map((c) => narrowChange(split.set, c)),
      explanation: explanationOf(explanation, difference, await contractDifference(search, deploymentOf)),
      verification,
      notes: split.notes,
    });
  });
}

type End = { sha: string; subject: string };

/**
 * The commit (which must fail) and its parent (which must pass): with --jobs ≥ 2 (or several engines)
 * both at once; else the parent only when the commit fails.
 */
async function verifyEnds(
  session: RunSession,
  ends: { commit: End; parent: End },
  call: CallControl,
  events: SessionEvents,
): Promise<{ commitOutcome: Outcome; parentOutcome: Outcome | undefined }> {
  const verify = async (end: End) => {
    events.evaluate?.({ sha: end.sha, subject: end.subject, role: 'verify', remaining: 1, stepsLeft: 1 });
    const outcome = await session.evaluator.evaluate(end.sha, call.signal);
    events.verdict?.({ sha: end.sha, verdict: outcome.ok ? 'good' : 'bad', outcome, role: 'verify' });
    return outcome;
  };
  const parentEarly = session.jobs >= 2 ? verify(ends.parent) : undefined;
  parentEarly?.catch(() => undefined); // awaited below
  const commitOutcome = await verify(ends.commit).catch(async (error: unknown) => {
    await parentEarly?.catch(() => undefined); // nothing may still be running when the session cleans up
    throw error;
  });
  const parentOutcome = await (parentEarly ?? (commitOutcome.ok ? undefined : verify(ends.parent)));
  return { commitOutcome, parentOutcome };
}

/**
 * The explanation of the whole commit where its deployment builds, with the contracts both ends were
 * deployed by and the commit's own output as evidence.
 */
async function explainCommit(
  settings: Settings,
  at: NarrowEnds & { parent: string; commit: string },
  evaluator: Evaluator,
  outcome: Outcome,
) {
  const [before, after] = await Promise.all([evaluator.deployments.at(at.parent), evaluator.deployments.at(at.commit)]);
  const spec: ExplainSpec = {
    repoDir: settings.repo,
    ...at.context,
    before: at.parent,
    after: at.commit,
    ...(at.planned ? { planner: evaluator.planner } : {}),
    contracts: { ...(before.source ? { before: before.source } : {}), ...(after.source ? { after: after.source } : {}) },
    ...(settings.target ? { target: settings.target } : {}),
  };
  return explainChange(spec, outcomeEvidence(outcome));
}

/** What the difference changes in the deployment contract: the passing configuration's against the failing one's (none where one is refused). */
async function contractDifference(search: Search, deploymentOf: NarrowInputs['deploymentOf']): Promise<Finding[]> {
  if (!search.passing || !search.failing) return [];
  const [passing, failing] = await Promise.all([deploymentOf(search.passing.changes), deploymentOf(search.failing.changes)]);
  return passing.refused || failing.refused ? [] : contractFindings(passing.source, failing.source);
}

/** A change as the JSON shows it: with its patch alone, and a manifest key's path in its file. */
function narrowChange(set: ChangeSet, change: Change): NarrowChange {
  const key = change.parts[0]?.kind === 'key' ? change.parts[0].change?.key : undefined;
  return {
    id: change.id,
    path: change.path,
    kind: change.kind,
    ...(key !== undefined ? { key } : {}),
    summary: change.summary,
    patch: patchOf(set, [change.id]),
  };
}

/** The first parent, or `--parent` (which must differ from the commit). */
async function resolveParent(settings: Settings, sha: string): Promise<string> {
  if (settings.parent !== undefined) {
    const parent = await resolveCommit(settings.repo, settings.parent);
    if (parent === sha) throw new UsageError(`--parent ${settings.parent} is the commit itself: nothing to narrow`);
    return parent;
  }
  try {
    return await resolveCommit(settings.repo, `${sha}^`);
  } catch {
    throw new UsageError(`${shortSha(sha)} has no parent: give the passing side with --parent <rev>`);
  }
}

interface NarrowInputs {
  evaluator: Evaluator;
  sha: string;
  commitOutcome: Outcome;
  parentOutcome: Outcome;
  parallel: number;
  /** A configuration's deployment, by the ids of the changes applied. */
  deploymentOf: (ids: readonly number[]) => Promise<Deployment>;
}

const NOTHING_CHANGED = "the commit changes nothing the builder receives, nor the deployment's manifest";

type Search = Pick<NarrowResult, 'status' | 'reason' | 'passing' | 'failing' | 'difference' | 'tests'>;

/** dd over the changes: every configuration built from the parent's context in memory. */
async function narrowChanges(
  settings: Settings,
  split: SplitChanges,
  inputs: NarrowInputs,
  call: CallControl,
  events: SessionEvents,
): Promise<Search> {
  const { set, parentPlan } = split;
  const { evaluator, sha, commitOutcome, parentOutcome, deploymentOf } = inputs;
  const ids = set.changes.map((c) => c.id);
  const outcomes = new Map<string, Outcome>([
    [ddKey([]), parentOutcome],
    [ddKey(ids), commitOutcome],
  ]);
  const tests: NarrowTest[] = [];
  if (ids.length === 0) return { status: 'inconclusive', reason: NOTHING_CHANGED, difference: [], tests };
  const verdictOf = (outcome: Outcome): DdVerdict =>
    outcome.ok ? 'pass' : outcome.phase === commitOutcome.phase && outcome.signature === commitOutcome.signature ? 'fail' : 'unresolved';
  let label = 0;
  let inFlight = 0;
  const test = async (applied: readonly number[]): Promise<DdVerdict> => {
    const name = `n${++label}-${sha.slice(0, 9)}`;
    const left = Math.max(0, settings.maxBuilds - evaluator.builds);
    const subject = applied.length === 0 ? 'no change' : `changes ${applied.map((id) => `#${id}`).join(', ')} of ${ids.length}`;
    events.evaluate?.({ sha: name, subject, role: 'narrow', remaining: ids.length, stepsLeft: left });
    inFlight++;
    const deployment = await deploymentOf(applied);
    const context = overlayContext(settings.repo, parentPlan, overlayOf(set, applied));
    const outcome = await evaluator.evaluateContext(name, context, deployment, {
      shareImage: true,
      ...(call.signal ? { signal: call.signal } : {}),
    });
    // Its image is not needed again (an identical context reuses the outcome, or its image when only the deployment differs):
    // removed now, unless another test is in flight (two contexts can make one image); the rest go at the session's cleanup.
    if (--inFlight === 0 && outcome.imageId && outcome.built) await evaluator.releaseImage(outcome.imageId);
    const verdict = verdictOf(outcome);
    events.verdict?.({ sha: name, verdict: verdict === 'pass' ? 'good' : verdict === 'fail' ? 'bad' : 'skip', outcome, role: 'narrow' });
    outcomes.set(ddKey(applied), outcome);
    const reason = verdict === 'unresolved' ? `${outcome.signature} (not the commit's failure: unresolved)` : outcome.signature;
    tests.push({ changes: [...applied], verdict, reason, built: outcome.built, durationMs: outcome.durationMs });
    return verdict;
  };
  const known = new Map<string, DdVerdict>([[ddKey([]), 'pass']]);
  // All changes applied give the commit's own context and deployment, unless something was left out (then it is tested first).
  if (await allIsCommit(split, inputs)) known.set(ddKey(ids), 'fail');
  else if ((await test(ids)) !== 'fail') {
    return {
      status: 'inconclusive',
      reason: "the commit's changes applied to its parent do not fail as the commit does",
      difference: [],
      tests,
    };
  }
  const result = await dd(ids, test, {
    known,
    parallel: inputs.parallel,
    maxTests: Math.max(0, settings.maxBuilds - evaluator.builds),
  });
  const side = (applied: number[]) => ({ changes: applied, patch: patchOf(set, applied), outcome: outcomes.get(ddKey(applied))! });
  const nothingNarrowed = result.difference.length === ids.length && ids.length > 1;
  const status = result.complete && !nothingNarrowed ? 'narrowed' : 'inconclusive';
  const reason = !result.complete
    ? `--max-builds ${settings.maxBuilds} reached: the best pair found so far`
    : nothingNarrowed
      ? 'no subset of the changes could be resolved (every mixed configuration failed to build or failed otherwise)'
      : undefined;
  return {
    status,
    ...(reason ? { reason } : {}),
    passing: side(result.passing),
    failing: side(result.failing),
    difference: result.difference,
    tests,
  };
}

/** Whether the parent with every change applied is the commit: the same context, deployed the same way. */
async function allIsCommit(split: SplitChanges, inputs: NarrowInputs): Promise<boolean> {
  const ids = split.set.changes.map((c) => c.id);
  if (overlayPlan(split.parentPlan, overlayOf(split.set, ids)).fingerprint !== split.commitPlan.fingerprint) return false;
  return (await inputs.deploymentOf(ids)).key === (await inputs.evaluator.deployments.at(inputs.sha)).key;
}
