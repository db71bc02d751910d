/**
 * What changed between two commits, file by file, with line counts: one
 * `git diff-tree -r -z -M --raw --numstat` (plumbing, so diff.renames, diff.relative,
 * diff.external, textconv and colour settings of the user cannot change the output).
 * Read-only: no index, no working tree.
 */
import { UsageError } from '../errors.js';
import { gitOutput } from './git-exec.js';

/** A: added, M: modified, D: deleted, R: renamed, C: copied, T: type changed (file ↔ symlink ↔ submodule). */
export type DiffStatus = 'A' | 'M' | 'D' | 'R' | 'C' | 'T';

export interface DiffStatEntry {
  /** Relative to the repository root; the new path of a rename or copy. */
  path: string;
  /** The path before a rename or copy. */
  oldPath?: string;
  status: DiffStatus;
  /** Lines added / deleted; 0 for a binary file. */
  added: number;
  deleted: number;
  binary: boolean;
  /** Git modes before and after ('000000' when absent): 100644, 100755, 120000 (symlink), 160000 (submodule). */
  oldMode: string;
  newMode: string;
}

/** Options that pin diff-tree's behaviour whatever the user's configuration says. */
export const STABLE_DIFF_OPTIONS = ['--no-ext-diff', '--no-color', '--no-textconv', '--full-index'] as const;

/** Every file that differs between `before` and `after` (any distance apart), renames detected. */
export async function diffStat(repoDir: string, before: string, after: string): Promise<DiffStatEntry[]> {
  checkRevision(before);
  checkRevision(after);
  const args = [
    '-c',
    'core.quotePath=false',
    'diff-tree',
    '-r',
    '-z',
    '-M',
    '--raw',
    '--numstat',
    ...STABLE_DIFF_OPTIONS,
    before,
    after,
    '--',
  ];
  return parseRawNumstat((await gitOutput(repoDir, args)).toString('utf8'));
}

/**
 * Parses `--raw --numstat -z` output: first every raw record
 * (":<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0[<new path>\0]"), then every
 * numstat record ("<added>\t<deleted>\t<path>\0", or "<added>\t<deleted>\t\0<old>\0<new>\0"
 * for a rename or copy; "-" counts for a binary file), in the same order.
 */
export function parseRawNumstat(out: string): DiffStatEntry[] {
  const parts = out.split('\0');
  const entries: DiffStatEntry[] = [];
  let i = 0;
  while (i < parts.length && (parts[i] ?? '').startsWith(':')) {
    const [oldMode = '', newMode = '', , , statusField = ''] = (parts[i++] ?? '').slice(1).split(' ');
    const status = toStatus(statusField.charAt(0));
    if (status === 'R' || status === 'C') {
      const oldPath = parts[i++] ?? '';
      const path = parts[i++] ?? '';
      entries.push({ path, oldPath, status, added: 0, deleted: 0, binary: false, oldMode, newMode });
    } else {
      entries.push({ path: parts[i++] ?? '', status, added: 0, deleted: 0, binary: false, oldMode, newMode });
    }
  }
  for (const entry of entries) {
    const record = parts[i++] ?? '';
    const [added = '', deleted = '', path = ''] = record.split('\t');
    if (path === '' && record.endsWith('\t')) i += 2; // rename/copy: old and new path follow
    entry.binary = added === '-' && deleted === '-';
    entry.added = entry.binary ? 0 : Number.parseInt(added, 10) || 0;
    entry.deleted = entry.binary ? 0 : Number.parseInt(deleted, 10) || 0;
  }
  return entries;
}

function toStatus(letter: string): DiffStatus {
  switch (letter) {
    case 'A':
    case 'D':
    case 'R':
    case 'C':
    case 'T':
      return letter;
    default:
      return 'M'; // 'M', and 'U'/'X' which a diff between two commits does not produce
  }
}

export function checkRevision(rev: string): void {
  if (rev === '' || rev.startsWith('-') || /[\0\r\n]/.test(rev)) {
    throw new UsageError(`invalid commit ${JSON.stringify(rev)}`);
  }
}
