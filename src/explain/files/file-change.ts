/**
 * A changed file as an explanation lists it, and the three lists an explanation sorts changed
 * files into; how git's diff entry becomes one.
 */
import type { DiffStatEntry } from '../../git/diff-stat.js';
import { displayPath, encodeGitPath, needsEscaping } from '../../git/path-bytes.js';

export type ChangeStatus = 'A' | 'M' | 'D' | 'R' | 'C' | 'T';

export interface FileChange {
  /**
   * Relative to the repository root (the new path for renames), printable: a name that is not
   * UTF-8 or holds control characters is escaped (`caf\xe9.txt`, see displayPath) and its
   * exact bytes are in pathBase64.
   */
  path: string;
  oldPath?: string;
  /** The exact bytes of the path, base64, when `path` had to be escaped. */
  pathBase64?: string;
  /** The exact bytes of oldPath, base64, when it had to be escaped. */
  oldPathBase64?: string;
  status: ChangeStatus;
  /** Lines added (0 for binary). */
  added: number;
  /** Lines deleted (0 for binary). */
  deleted: number;
  binary: boolean;
  /**
   * The unified diff, for small text files sent to the builder (e.g. start scripts, server
   * configs): at most ~80 lines / 8 KiB, for at most MAX_DIFF_FILES files; absent otherwise.
   * Printable: bytes that are not UTF-8 and control characters are shown as `\xNN`.
   */
  diff?: string;
  /**
   * Why a file sent to the builder has no diff although it may be text: 'too-large' (more than
   * MAX_DIFF_LINES lines or MAX_DIFF_BYTES, or a file over BIG_FILE_BYTES, which is not read at
   * all), 'too-many-files' (the diffs of MAX_DIFF_FILES files are shown already).
   */
  diffOmitted?: 'too-large' | 'too-many-files';
  /** Size in bytes (after the change; before it, for a deletion) of a file too large to be read (over BIG_FILE_BYTES): git lists it as binary. */
  size?: number;
}

export interface ContextChanges {
  /** Changed files that docker receives in the build context (after .dockerignore) — they can change the image. */
  inContext: FileChange[];
  /** Changed files inside the context directory but excluded by .dockerignore. */
  ignored: FileChange[];
  /** Changed files outside the context directory: they cannot affect the image. */
  outsideContext: FileChange[];
}

const GITLINK_MODE = '160000';

/** Whether the entry is a submodule (a gitlink) on either side. */
export function isSubmodule(entry: DiffStatEntry): boolean {
  return entry.oldMode === GITLINK_MODE || entry.newMode === GITLINK_MODE;
}

/** The entry's paths as git's bytes, decoded losslessly (printable comes later). */
export function toFileChange(entry: DiffStatEntry): FileChange {
  return {
    path: entry.path,
    ...(entry.oldPath === undefined ? {} : { oldPath: entry.oldPath }),
    status: entry.status,
    added: entry.added,
    deleted: entry.deleted,
    binary: entry.binary,
  };
}

/** The change with printable paths (and their exact bytes when they had to be escaped). */
export function printable(change: FileChange): FileChange {
  if (!needsEscaping(change.path) && (change.oldPath === undefined || !needsEscaping(change.oldPath))) return change;
  const out: FileChange = { ...change, path: displayPath(change.path) };
  if (needsEscaping(change.path)) out.pathBase64 = encodeGitPath(change.path).toString('base64');
  if (change.oldPath !== undefined) {
    out.oldPath = displayPath(change.oldPath);
    if (needsEscaping(change.oldPath)) out.oldPathBase64 = encodeGitPath(change.oldPath).toString('base64');
  }
  return out;
}
