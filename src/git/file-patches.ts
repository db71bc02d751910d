/**
 * Unified diffs of chosen files between two commits, from `git diff-tree -p` (plumbing,
 * explicit prefixes and options, so diff.noprefix, diff.external, textconv or colour
 * settings cannot change the text). Read-only.
 */
import { checkRevision, STABLE_DIFF_OPTIONS } from './diff-stat.js';
import { gitOutput } from './git-exec.js';

export interface PatchTarget {
  /** Repository-relative path at `after` (the new path of a rename). */
  path: string;
  /** Repository-relative path at `before`, for a rename. */
  oldPath?: string;
}

/** How many paths go on one command line. */
const PATHS_PER_CALL = 200;

/**
 * The patch of each target (keyed by `path`), headers included. A target whose patch
 * cannot be told apart reliably (a path git would quote) is left out of the map.
 */
export async function filePatches(
  repoDir: string,
  before: string,
  after: string,
  targets: readonly PatchTarget[],
): Promise<Map<string, string>> {
  checkRevision(before);
  checkRevision(after);
  const patches = new Map<string, string>();
  const usable = targets.filter((t) => !needsQuoting(t.path) && (t.oldPath === undefined || !needsQuoting(t.oldPath)));
  for (let start = 0; start < usable.length; start += PATHS_PER_CALL) {
    const chunk = usable.slice(start, start + PATHS_PER_CALL);
    const byHeader = new Map(chunk.map((t) => [`diff --git a/${t.oldPath ?? t.path} b/${t.path}`, t.path]));
    const pathspecs = [...new Set(chunk.flatMap((t) => (t.oldPath === undefined ? [t.path] : [t.oldPath, t.path])))];
    const args = [
      '-c',
      'core.quotePath=false',
      'diff-tree',
      '-r',
      '-p',
      '-M',
      '-U3',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      ...STABLE_DIFF_OPTIONS,
      before,
      after,
      '--',
      ...pathspecs.map((path) => `:(top,literal)${path}`),
    ];
    const out = (await gitOutput(repoDir, args)).toString('utf8');
    for (const patch of splitPatches(out)) {
      const header = patch.slice(0, patch.indexOf('\n'));
      const path = byHeader.get(header);
      // A path seen twice (e.g. a type change is a deletion plus an addition) is ambiguous: drop it.
      if (path === undefined) continue;
      if (patches.has(path)) {
        patches.delete(path);
        byHeader.delete(header);
      } else {
        patches.set(path, patch);
      }
    }
  }
  return patches;
}

/** Splits patch output at its "diff --git " header lines (content lines never start with 'd'). */
export function splitPatches(out: string): string[] {
  const patches: string[] = [];
  let start = -1;
  let at = 0;
  while (at < out.length) {
    const end = out.indexOf('\n', at);
    const next = end < 0 ? out.length : end + 1;
    if (out.startsWith('diff --git ', at)) {
      if (start >= 0) patches.push(out.slice(start, at));
      start = at;
    }
    at = next;
  }
  if (start >= 0) patches.push(out.slice(start));
  return patches;
}

/** Paths git C-quotes in patch headers even with core.quotePath=false. */
function needsQuoting(path: string): boolean {
  return /["\\\x00-\x1f\x7f]/.test(path);
}
