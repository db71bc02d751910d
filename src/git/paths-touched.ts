/**
 * Which commits of a range change any of some paths (a platform's manifest, the files it reads):
 * one `git rev-list` with a pathspec, history unsimplified so that every such commit is listed.
 */
import { gitOutput } from './git-exec.js';

export async function commitsTouching(
  repoDir: string,
  range: { good: string; bad: string },
  paths: readonly string[],
): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const out = await gitOutput(repoDir, [
    'rev-list',
    '--full-history',
    `^${range.good}`,
    range.bad,
    '--',
    ...paths.map((p) => `:(literal)${p}`),
  ]);
  return new Set(out.toString('utf8').split('\n').filter(Boolean));
}
