import { UsageError } from '../errors.js';
import { explainChange, type Explanation } from '../explain/explain-change.js';
import { getCommitInfos, type CommitInfo } from '../git/commit-info.js';
import { resolveCommit } from '../git/refs.js';
import type { Settings } from '../options/settings.js';
import { deployedBy } from './deploy/explain-sources.js';
import { prepareDeployments } from './deploy/prepare.js';

export type ExplainSettings = Parameters<typeof prepareDeployments>[0] & Pick<Settings, 'target'>;

export interface ExplainRangeResult {
  good: CommitInfo;
  bad: CommitInfo;
  explanation: Explanation;
}

/**
 * `deploybisect explain <good> <bad>`: what changed in the deployment, from git objects only (no Docker):
 * where a platform's manifest says how the repository deploys, from where it builds and with what it
 * changed in the manifest too (a manifest the good commit could not have deployed by is not followed).
 */
export async function explainRange(settings: ExplainSettings, goodRef: string, badRef: string): Promise<ExplainRangeResult> {
  const repoDir = settings.repo;
  const [good, bad] = await Promise.all([resolveCommit(repoDir, goodRef), resolveCommit(repoDir, badRef)]);
  if (good === bad) throw new UsageError(`'${goodRef}' and '${badRef}' are the same commit: nothing to explain`);
  const [goodInfo, badInfo] = await getCommitInfos(repoDir, [good, bad]);
  const { deployments } = await prepareDeployments(settings, { bad, good });
  const [atGood, atBad] = await Promise.all([deployments.at(good), deployments.at(bad)]);
  const explanation = await explainChange({
    repoDir,
    ...atBad.context,
    before: good,
    after: bad,
    ...deployedBy(atGood, atBad),
    ...(settings.target ? { target: settings.target } : {}),
  });
  // What was said of the deployment (a manifest not followed, others found) belongs with the explanation.
  explanation.notes.unshift(...deployments.plan.lines);
  return { good: goodInfo!, bad: badInfo!, explanation };
}
