/**
 * Loads the history a bisection runs over: `git rev-list --parents bad --not good...` with commit
 * dates, in rev-list's own order (the order `git bisect` works with). Read-only: runs rev-list and
 * log only, never `git bisect` or anything that writes to the repository.
 */
import { simpleGit } from 'simple-git';
import type { CommitGraph, CommitNode } from '../bisect/commit-graph.js';
import { GitError, UsageError } from '../errors.js';

const OBJECT_NAME = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function requireObjectName(sha: string, role: string): void {
  if (!OBJECT_NAME.test(sha)) {
    throw new UsageError(`${role} must be a full commit id (40 or 64 hex digits), got '${sha}'`);
  }
}

export async function loadCommitGraph(
  repoDir: string,
  bad: string,
  goods: string[],
  opts?: { firstParent?: boolean },
): Promise<CommitGraph> {
  requireObjectName(bad, 'bad commit');
  for (const good of goods) requireObjectName(good, 'good commit');

  const args = ['rev-list', '--parents', '--timestamp'];
  if (opts?.firstParent) args.push('--first-parent');
  args.push('--end-of-options', bad, ...goods.map((g) => `^${g}`), '--');

  let output: string;
  try {
    output = await simpleGit({ baseDir: repoDir }).raw(args);
  } catch (cause) {
    throw new GitError(`git rev-list failed in ${repoDir}: ${String(cause)}`, { cause });
  }
  return { commits: parseRevList(output) };
}

/** Parses lines of `rev-list --timestamp --parents`: "<date> <sha> <parent>...". */
export function parseRevList(output: string): CommitNode[] {
  const commits: CommitNode[] = [];
  for (const line of output.split('\n')) {
    const fields = line.trim().split(/\s+/).filter((f) => f.length > 0);
    if (fields.length === 0) continue;
    const [date, sha, ...parents] = fields;
    if (sha === undefined || !OBJECT_NAME.test(sha) || !/^-?\d+$/.test(date ?? '')) {
      throw new GitError(`unexpected line from git rev-list: '${line}'`);
    }
    commits.push({ sha, parents, date: Number(date) });
  }
  return commits;
}
