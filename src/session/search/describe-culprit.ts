/**
 * Describe: the culprit's outcome, its commit and the files it changed in the build context, what
 * changed from its parent and what its failure points at, the parent's outcome for contrast, and a
 * warning when its image is identical to its parent's (then the change cannot be the cause).
 */
import { explainChange } from '../../explain/explain-change.js';
import { changedFiles, getCommitInfo } from '../../git/commit-info.js';
import type { Settings } from '../../options/settings.js';
import { shortSha } from '../../text/short-sha.js';
import { deployedBy } from '../deploy/explain-sources.js';
import type { Evaluator } from '../evaluate/evaluator.js';
import type { SessionEvents } from '../events.js';
import { outcomeEvidence } from '../outcome-evidence.js';
import type { Outcome } from '../outcome.js';
import type { BisectResult } from '../result.js';
import type { RunLedger } from './run-ledger.js';
import type { SearchPlan } from './search-plan.js';

export type Culprit = NonNullable<BisectResult['culprit']>;

export interface DescribeContext {
  settings: Pick<Settings, 'target' | 'context' | 'file'>;
  plan: SearchPlan;
  ledger: RunLedger;
  evaluator: Evaluator;
  events: SessionEvents;
  /** The bad end's outcome from the verification, if it was verified. */
  badOutcome: Outcome | undefined;
}

export async function describeCulprit(ctx: DescribeContext, sha: string, warnings: string[]): Promise<Culprit> {
  const { plan, ledger } = ctx;
  const outcome =
    ledger.lastOutcome(sha, { failing: true }) ??
    (sha === plan.range.bad ? ctx.badOutcome : undefined) ??
    (await ledger.evaluate(sha, 'search', { remaining: 1, stepsLeft: 0 }))[0]!;
  const info = plan.subjects.get(sha) ?? (await getCommitInfo(plan.repoDir, sha));
  const parent = plan.graph.commits.find((c) => c.sha === sha)?.parents[0];
  // Explained where the culprit's deployment builds from (its platform's manifest may say another place than the options).
  const [atCulprit, atParent] = await Promise.all([
    ctx.evaluator.deployments.at(sha),
    parent ? ctx.evaluator.deployments.at(parent) : undefined,
  ]);
  const spec = { repoDir: plan.repoDir, ...atCulprit.context };
  const culprit: Culprit = { ...info, files: await changedFiles(plan.repoDir, parent, sha, spec.contextDir), outcome };
  if (!parent) return culprit;
  ctx.events.phase?.(sha, 'explain');
  culprit.explanation = await explainChange(
    {
      ...spec,
      before: parent,
      after: sha,
      planner: ctx.evaluator.planner,
      ...deployedBy(atParent, atCulprit),
      ...(ctx.settings.target ? { target: ctx.settings.target } : {}),
    },
    outcomeEvidence(outcome),
  );
  // For contrast: how the parent behaved (tested itself, or a commit with the same build context).
  // A resumed run replayed the outcomes of the saved state: the parent's context may be among them.
  const parentOutcome =
    ledger.lastOutcome(parent) ?? (await ctx.evaluator.knownOutcome(parent, (fingerprint) => ledger.outcomeOfContext(fingerprint)));
  if (parentOutcome) culprit.parent = { sha: parent, outcome: parentOutcome };
  // An image identical to its parent's cannot be the cause of anything.
  const sameDeployment = atCulprit.key === atParent?.key;
  if (sameDeployment && outcome.imageId && parentOutcome?.imageId && ctx.evaluator.sameImage(outcome.imageId, parentOutcome.imageId)) {
    warnings.push(
      `unreliable: the image of ${shortSha(sha)} is identical to its parent's (same layers and configuration), so the change cannot have caused the failure; the deployment is probably flaky or depends on something outside the image: try --flaky or --runs`,
    );
  }
  return culprit;
}
