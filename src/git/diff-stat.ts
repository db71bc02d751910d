/**
 * What changed between two commits, file by file, with line counts: one
 * `git diff-tree -r -z -M --raw --numstat` (plumbing, so diff.renames, diff.relative,
 * diff.external, textconv and colour settings of the user cannot change the output).
 * Read-only: no index, no working tree.
 */
import { UsageError } from '../errors.js';
import { gitOutput } from './git-exec.js';
import { runPorcelain } from './git-porcelain.js';
import { decodeGitText } from './path-bytes.js';

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

/**
 * Files larger than this are not read to count lines: git reports them as binary (as with its
 * core.bigFileThreshold, which is what sets it), so a commit adding a 200 MB file costs git a
 * header lookup instead of inflating and diffing 200 MB.
 */
export const BIG_FILE_BYTES = 16 * 1024 * 1024;

/** A DiffStatEntry with the blob ids before and after ('0'×40 when absent). */
export interface DiffStatBlobs {
  entry: DiffStatEntry;
  oldOid: string;
  newOid: string;
}

/** Options that pin diff-tree's behaviour whatever the user's configuration says. */
export const STABLE_DIFF_OPTIONS = ['--no-ext-diff', '--no-color', '--no-textconv', '--full-index'] as const;

/**
 * Every file that differs between `before` and `after` (any distance apart), renames detected,
 * with the blob ids of each. Paths that are not UTF-8 are decoded losslessly (path-bytes.ts);
 * files over BIG_FILE_BYTES are reported as binary without being read.
 */
export async function diffStatBlobs(repoDir: string, before: string, after: string): Promise<DiffStatBlobs[]> {
  checkRevision(before);
  checkRevision(after);
  const args = [
    '-c',
    'core.quotePath=false',
    '-c',
    `core.bigFileThreshold=${BIG_FILE_BYTES}`,
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
  const oids: { oldOid: string; newOid: string }[] = [];
  const entries = parseRawNumstat(decodeGitText(await gitOutput(repoDir, args)), oids);
  return entries.map((entry, i) => ({ entry, oldOid: oids[i]?.oldOid ?? '', newOid: oids[i]?.newOid ?? '' }));
}

/** The size in bytes of each object that exists among `oids` (one `git cat-file --batch-check`). */
export async function objectSizes(repoDir: string, oids: readonly string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const asked = [...new Set(oids.filter((oid) => /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(oid) && !/^0+$/.test(oid)))];
  if (asked.length === 0) return sizes;
  const result = await runPorcelain(repoDir, (git) => git.raw(['cat-file', '--batch-check=%(objectname) %(objectsize)']), {
    input: asked.map((oid) => `${oid}\n`).join(''),
  });
  for (const line of result.stdout.split('\n')) {
    const match = /^([0-9a-f]+) (\d+)$/.exec(line);
    if (match) sizes.set(match[1] as string, Number(match[2]));
  }
  return sizes;
}

/**
 * Parses `--raw --numstat -z` output: first every raw record
 * (":<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0[<new path>\0]"), then every
 * numstat record ("<added>\t<deleted>\t<path>\0", or "<added>\t<deleted>\t\0<old>\0<new>\0"
 * for a rename or copy; "-" counts for a binary file), in the same order.
 */
export function parseRawNumstat(out: string, oids?: { oldOid: string; newOid: string }[]): DiffStatEntry[] {
  const parts = out.split('\0');
  const entries: DiffStatEntry[] = [];
  let i = 0;
  while (i < parts.length && (parts[i] ?? '').startsWith(':')) {
    const [oldMode = '', newMode = '', oldOid = '', newOid = '', statusField = ''] = (parts[i++] ?? '').slice(1).split(' ');
    oids?.push({ oldOid, newOid });
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
