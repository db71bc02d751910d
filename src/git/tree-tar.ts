/**
 * A path of a commit's tree as a tar to put into a container (a compose bind mount of a repository
 * path, given the candidate's own files, never the work tree's): the file, or the directory and
 * everything below it, named from `target` (a path in the container, without its leading `/`).
 * Read from git objects; submodules are left out. A path the commit lacks is an empty directory,
 * as the engine makes for a bind source that does not exist.
 */
import type { Readable } from 'node:stream';

import { contextTar, type ContextEntry } from './context-tar.js';
import { gitOutput } from './git-exec.js';
import { decodeGitText } from './path-bytes.js';
import { listTree, parseLsTree } from './tree-entries.js';

const modeOf = (kind: string) => (kind === 'executable' ? 0o755 : kind === 'symlink' ? 0o777 : 0o644);

/** The entries for `path` of `commit` placed at `target`: directories before their contents. */
export async function treeEntries(repoDir: string, commit: string, path: string, target: string): Promise<ContextEntry[]> {
  const at = parseLsTree(decodeGitText(await gitOutput(repoDir, ['ls-tree', '-z', '--full-tree', commit, '--', `:(literal)${path}`])));
  const self = at.find((e) => e.path === path);
  if (!self || self.gitMode === '040000') {
    const below = self ? await listTree(repoDir, self.oid) : [];
    const entries: ContextEntry[] = [{ type: 'directory', path: target, mode: 0o755 }];
    const dirs = new Set<string>();
    for (const entry of below.filter((e) => e.kind !== 'submodule').sort((a, b) => (a.path < b.path ? -1 : 1))) {
      const parts = entry.path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (!dirs.has(dir)) {
          dirs.add(dir);
          entries.push({ type: 'directory', path: `${target}/${dir}`, mode: 0o755 });
        }
      }
      const type = entry.kind === 'symlink' ? 'symlink' : 'file';
      entries.push({ type, path: `${target}/${entry.path}`, mode: modeOf(entry.kind), oid: entry.oid });
    }
    return entries;
  }
  if (self.kind === 'submodule') return [{ type: 'directory', path: target, mode: 0o755 }];
  return [{ type: self.kind === 'symlink' ? 'symlink' : 'file', path: target, mode: modeOf(self.kind), oid: self.oid }];
}

/** The tar of treeEntries (made as it is read). */
export function treeTar(repoDir: string, entries: readonly ContextEntry[]): Readable {
  return contextTar(repoDir, entries);
}
