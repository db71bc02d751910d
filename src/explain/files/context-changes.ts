/**
 * Which files changed between two commits, sorted by whether they can change the image:
 * files docker receives in the build context (after .dockerignore), files in the context
 * directory that .dockerignore keeps out, and files outside the context. Small text diffs
 * are attached to the in-context files (start scripts, server configs…), so an explanation
 * can show them. Read-only git plumbing: the user's tree, index and refs are not touched.
 */
import { ContextPlanner } from '../../git/context-planner.js';
import { diffStatBlobs } from '../../git/diff-stat.js';
import { comparePathBytes } from '../../git/path-bytes.js';
import { normalizeRepoPath } from '../../git/repo-path.js';
import { isWithin } from '../../text/path-within.js';
import { attachDiffs, markLargeFiles } from './attach-diffs.js';
import { isSubmodule, printable, toFileChange, type ContextChanges } from './file-change.js';
import { dockerfileRepoPath, sentToBuilder } from './sent-to-builder.js';

export interface ContextChangesSpec {
  repoDir: string;
  /** Commit before the change (e.g. the last good commit or the culprit's parent). */
  before: string;
  /** Commit after it; `before..after` may span many commits. */
  after: string;
  /** Relative to the repository root ('.' for the root). */
  contextDir: string;
  /** As for planBuildContext: relative to the context, or absolute. */
  dockerfile: string;
  /** Plans already made for these commits (a search's), else they are made here. */
  planner?: ContextPlanner;
}

export async function contextChanges(spec: ContextChangesSpec): Promise<ContextChanges> {
  const { repoDir, before, after } = spec;
  const contextDir = normalizeRepoPath(spec.contextDir, 'context directory');
  const planner = spec.planner ?? new ContextPlanner({ repoDir, contextDir, dockerfile: spec.dockerfile });
  const planned = async (commit: string) => {
    const result = await planner.plan(commit);
    return 'planned' in result ? result.planned : undefined;
  };
  const [records, beforePlan, afterPlan, dockerfilePath] = await Promise.all([
    diffStatBlobs(repoDir, before, after),
    planned(before),
    planned(after),
    dockerfileRepoPath(repoDir, contextDir, spec.dockerfile),
  ]);
  const sent = await sentToBuilder(repoDir, contextDir, dockerfilePath, beforePlan, afterPlan);

  const entries = records.map((record) => record.entry);
  const result: ContextChanges = { inContext: [], ignored: [], outsideContext: [] };
  for (const entry of entries) {
    const change = toFileChange(entry);
    const oldPath = entry.oldPath ?? entry.path;
    const wasSent =
      !isSubmodule(entry) && ((entry.status !== 'D' && sent.after(entry.path)) || (entry.status !== 'A' && sent.before(oldPath)));
    if (wasSent) result.inContext.push(change);
    // Submodules inside the context are never sent (contexts come from git objects): not in context.
    else if (isWithin(contextDir, entry.path) || isWithin(contextDir, oldPath)) result.ignored.push(change);
    else result.outsideContext.push(change);
  }

  for (const list of [result.inContext, result.ignored, result.outsideContext]) {
    list.sort((a, b) => comparePathBytes(a.path, b.path));
  }
  await markLargeFiles(repoDir, records, result);
  await attachDiffs(repoDir, before, after, result.inContext, entries);
  // Paths so far are git's bytes, decoded losslessly; what leaves here is printable.
  return {
    inContext: result.inContext.map(printable),
    ignored: result.ignored.map(printable),
    outsideContext: result.outsideContext.map(printable),
  };
}
