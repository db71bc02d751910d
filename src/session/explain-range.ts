import { UsageError } from '../errors.js';
import { explainChange, type Explanation } from '../explain/explain-change.js';
import { getCommitInfos, type CommitInfo } from '../git/commit-info.js';
import { resolveCommit } from '../git/refs.js';
import { contextSpec } from '../options/derived.js';
import type { Settings } from '../options/settings.js';

export type ExplainSettings = Pick<Settings, 'repo' | 'context' | 'file' | 'target'>;

export interface ExplainRangeResult {
  good: CommitInfo;
  bad: CommitInfo;
  explanation: Explanation;
}

/** `deploybisect explain <good> <bad>`: what changed in the deployment, from git objects only (no Docker). */
export async function explainRange(settings: ExplainSettings, goodRef: string, badRef: string): Promise<ExplainRangeResult> {
  const repoDir = settings.repo;
  const [good, bad] = await Promise.all([resolveCommit(repoDir, goodRef), resolveCommit(repoDir, badRef)]);
  if (good === bad) throw new UsageError(`'${goodRef}' and '${badRef}' are the same commit: nothing to explain`);
  const [goodInfo, badInfo] = await getCommitInfos(repoDir, [good, bad]);
  const explanation = await explainChange({
    ...contextSpec(settings),
    before: good,
    after: bad,
    ...(settings.target ? { target: settings.target } : {}),
  });
  return { good: goodInfo!, bad: badInfo!, explanation };
}
