/** The recursive listing of a git tree: `git ls-tree -r -z --full-tree <tree>`. */
import { gitOutput } from './git-exec.js';
import { decodeGitText } from './path-bytes.js';

export type TreeEntryKind = 'file' | 'executable' | 'symlink' | 'submodule';

export interface TreeEntry {
  /** Path relative to the listed tree, '/'-separated; a name that is not UTF-8 is decoded losslessly (path-bytes.ts). */
  path: string;
  kind: TreeEntryKind;
  /** The git mode as written in the tree (100644, 100755, 120000, 160000). */
  gitMode: string;
  oid: string;
}

/** Lists every blob, symlink and gitlink below `treeish` (an oid or `<rev>:<dir>`). */
export async function listTree(repoDir: string, treeish: string): Promise<TreeEntry[]> {
  // --full-tree: without it git limits the listing to the cwd when repoDir is a subdirectory.
  const out = await gitOutput(repoDir, ['ls-tree', '-r', '-z', '--full-tree', treeish]);
  return parseLsTree(decodeGitText(out));
}

/** Parses "<mode> SP <type> SP <oid> TAB <path> NUL" records. */
export function parseLsTree(out: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [gitMode = '', , oid = ''] = record.slice(0, tab).split(' ');
    entries.push({ path: record.slice(tab + 1), kind: kindOf(gitMode), gitMode, oid });
  }
  return entries;
}

function kindOf(gitMode: string): TreeEntryKind {
  switch (gitMode) {
    case '100755':
      return 'executable';
    case '120000':
      return 'symlink';
    case '160000':
      return 'submodule';
    default:
      // 100644 and the historical 100664 / 100664-like modes old gits wrote
      return 'file';
  }
}
