/**
 * The work tree's view of a repository, for the synchronous callers (the config file, `init`):
 * where the repository's root is and which files git tracks. Through the spawn layer, which has
 * a synchronous call (simple-git has none), with the same environment as every other read.
 */
import { gitOutputSync, runGitSync } from './git-exec.js';

/** The top of the work tree that holds `dir`, or undefined outside a repository (or in a bare one). */
export function repositoryRoot(dir: string): string | undefined {
  try {
    const result = runGitSync(dir, ['rev-parse', '--show-toplevel']);
    return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
  } catch {
    return undefined; // no such directory, or no git
  }
}

/** The paths git tracks (`ls-files -z`: its index), relative to `root`, the top of the work tree. */
export function trackedFiles(root: string): string[] {
  const out = gitOutputSync(root, ['ls-files', '-z'], { maxBuffer: 256 * 1024 * 1024 });
  return out
    .toString('utf8')
    .split('\0')
    .filter((path) => path !== '');
}
