import { getCommitInfos, type CommitInfo } from '../git/commit-info.js';
import { resolveCommit } from '../git/refs.js';
import { UsageError } from '../errors.js';
import { explainChange, type Explanation } from '../explain/explain-change.js';

export interface ExplainRangeOptions {
  repoDir: string;
  contextDir: string;
  dockerfile: string;
  target?: string;
  good: string;
  bad: string;
}

export interface ExplainRangeResult {
  good: CommitInfo;
  bad: CommitInfo;
  explanation: Explanation;
}

/** `deploybisect explain <good> <bad>`: what changed in the deployment, from git objects only (no Docker). */
export async function explainRange(options: ExplainRangeOptions): Promise<ExplainRangeResult> {
  const [good, bad] = await Promise.all([resolveCommit(options.repoDir, options.good), resolveCommit(options.repoDir, options.bad)]);
  if (good === bad) throw new UsageError(`'${options.good}' and '${options.bad}' are the same commit: nothing to explain`);
  const [goodInfo, badInfo] = await getCommitInfos(options.repoDir, [good, bad]);
  const explanation = await explainChange({
    repoDir: options.repoDir,
    before: good,
    after: bad,
    contextDir: options.contextDir,
    dockerfile: options.dockerfile,
    ...(options.target ? { target: options.target } : {}),
  });
  return { good: goodInfo!, bad: badInfo!, explanation };
}
