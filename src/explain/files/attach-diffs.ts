/**
 * What an explanation shows of the changed files' contents: the diffs of small text files sent
 * to the builder, within limits, and the size of files too large to be read.
 */
import { BIG_FILE_BYTES, objectSizes, type DiffStatBlobs, type DiffStatEntry } from '../../git/diff-stat.js';
import { filePatches } from '../../git/file-patches.js';
import { displayText } from '../../git/path-bytes.js';
import { isSubmodule, type ContextChanges, type FileChange } from './file-change.js';

/** A diff longer than this (lines or bytes) is not attached. */
export const MAX_DIFF_LINES = 80;
export const MAX_DIFF_BYTES = 8 * 1024;
/** Diffs are attached to this many files at most (the first, in path order), … */
export const MAX_DIFF_FILES = 20;
/** … and this many bytes of diffs in all. */
export const MAX_DIFFS_TOTAL_BYTES = 64 * 1024;

/**
 * Files git listed as binary because they are over BIG_FILE_BYTES (it did not read them): their
 * size, and 'too-large' for their diff. One `git cat-file --batch-check` for the binary ones.
 */
export async function markLargeFiles(repoDir: string, records: readonly DiffStatBlobs[], result: ContextChanges): Promise<void> {
  const blobOf = new Map<string, string>();
  for (const { entry, oldOid, newOid } of records) {
    if (!entry.binary || isSubmodule(entry)) continue;
    blobOf.set(entry.path, entry.status === 'D' ? oldOid : newOid);
  }
  if (blobOf.size === 0) return;
  const sizes = await objectSizes(repoDir, [...blobOf.values()]);
  for (const list of [result.inContext, result.ignored, result.outsideContext]) {
    for (const change of list) {
      const oid = blobOf.get(change.path);
      const size = oid === undefined ? undefined : sizes.get(oid);
      if (size === undefined || size <= BIG_FILE_BYTES) continue;
      change.size = size;
      if (list === result.inContext) change.diffOmitted = 'too-large';
    }
  }
}

/**
 * Attaches the diff of each small text file among `changes` (sorted by path), the first
 * MAX_DIFF_FILES of them and MAX_DIFFS_TOTAL_BYTES in all; git is asked only for as many as
 * can be shown, and a patch is read only up to MAX_DIFF_BYTES.
 */
export async function attachDiffs(
  repoDir: string,
  before: string,
  after: string,
  changes: FileChange[],
  entries: readonly DiffStatEntry[],
): Promise<void> {
  const modes = new Map(entries.map((entry) => [entry.path, entry]));
  const candidates: FileChange[] = [];
  for (const change of changes) {
    const entry = modes.get(change.path);
    if (change.binary || change.status === 'T' || (entry !== undefined && isSubmodule(entry))) continue;
    if (change.added + change.deleted > MAX_DIFF_LINES) change.diffOmitted = 'too-large';
    else candidates.push(change);
  }
  let shown = 0;
  let totalBytes = 0;
  let next = 0;
  while (next < candidates.length && shown < MAX_DIFF_FILES && totalBytes < MAX_DIFFS_TOTAL_BYTES) {
    // Ask for a few more than the slots left: some patches turn out too large.
    const batch = candidates.slice(next, next + Math.max(2 * (MAX_DIFF_FILES - shown), 10));
    next += batch.length;
    const patches = await filePatches(repoDir, before, after, batch, { maxBytes: MAX_DIFF_BYTES });
    for (const change of batch) {
      const patch = patches.get(change.path);
      if (patch === undefined) continue; // no patch git could tell apart
      const lines = patch === null ? Infinity : patch.endsWith('\n') ? patch.split('\n').length - 1 : patch.split('\n').length;
      const bytes = patch === null ? Infinity : Buffer.byteLength(patch, 'utf8');
      if (patch === null || lines > MAX_DIFF_LINES || bytes > MAX_DIFF_BYTES) change.diffOmitted = 'too-large';
      else if (shown >= MAX_DIFF_FILES || totalBytes + bytes > MAX_DIFFS_TOTAL_BYTES) change.diffOmitted = 'too-many-files';
      else {
        change.diff = displayText(patch);
        shown++;
        totalBytes += bytes;
      }
    }
  }
  for (const change of candidates.slice(next)) change.diffOmitted = 'too-many-files';
}
