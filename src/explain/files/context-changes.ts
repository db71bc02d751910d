/**
 * Which files changed between two commits, sorted by whether they can change the image:
 * files docker receives in the build context (after .dockerignore), files in the context
 * directory that .dockerignore keeps out, and files outside the context. Small text diffs
 * are attached to the in-context files (start scripts, server configs…), so an explanation
 * can show them. Read-only git plumbing: the user's tree, index and refs are not touched.
 */
import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import {
  MissingContextError,
  MissingDockerfileError,
  planBuildContext,
  type BuildContextPlan,
} from '../../git/build-context.js';
import { BIG_FILE_BYTES, diffStatBlobs, objectSizes, type DiffStatBlobs, type DiffStatEntry } from '../../git/diff-stat.js';
import { parseDockerignore, type IgnoreMatcher } from '../../git/dockerignore.js';
import { filePatches } from '../../git/file-patches.js';
import { gitOutput } from '../../git/git-exec.js';
import { comparePathBytes, decodeGitText, displayPath, displayText, encodeGitPath, needsEscaping } from '../../git/path-bytes.js';
import { joinRepoPath, normalizeRepoPath } from '../../git/repo-path.js';

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

export interface ContextChangesSpec {
  repoDir: string;
  /** Commit before the change (e.g. the last good commit or the culprit's parent). */
  before: string;
  /** Commit after it; `before..after` may span many commits. */
  after: string;
  /** Relative to the repository root ('.' for the root). */
  contextDir: string;
  /** As for planBuildContext: relative to the context, or absolute. */
  dockerfile: string;
}

/** A diff longer than this (lines or bytes) is not attached. */
export const MAX_DIFF_LINES = 80;
export const MAX_DIFF_BYTES = 8 * 1024;
/** Diffs are attached to this many files at most (the first, in path order), … */
export const MAX_DIFF_FILES = 20;
/** … and this many bytes of diffs in all. */
export const MAX_DIFFS_TOTAL_BYTES = 64 * 1024;

const GITLINK_MODE = '160000';

export async function contextChanges(spec: ContextChangesSpec): Promise<ContextChanges> {
  const { repoDir, before, after } = spec;
  const contextDir = normalizeRepoPath(spec.contextDir, 'context directory');
  const [records, beforePlan, afterPlan, dockerfilePath] = await Promise.all([
    diffStatBlobs(repoDir, before, after),
    planOrMissing({ repoDir, commit: before, contextDir, dockerfile: spec.dockerfile }),
    planOrMissing({ repoDir, commit: after, contextDir, dockerfile: spec.dockerfile }),
    dockerfileRepoPath(repoDir, contextDir, spec.dockerfile),
  ]);

  // Who received what at each side. A side without a plan (no Dockerfile or no context
  // directory there) is judged by the other side's .dockerignore rules.
  let sentBefore: (path: string) => boolean;
  let sentAfter: (path: string) => boolean;
  if (beforePlan && afterPlan) {
    sentBefore = sentSet(beforePlan, contextDir, dockerfilePath);
    sentAfter = sentSet(afterPlan, contextDir, dockerfilePath);
  } else if (beforePlan || afterPlan) {
    const plan = (beforePlan ?? afterPlan)!;
    const byRules = await sentByRules(repoDir, plan, contextDir, dockerfilePath);
    const bySet = sentSet(plan, contextDir, dockerfilePath);
    sentBefore = beforePlan ? bySet : byRules;
    sentAfter = afterPlan ? bySet : byRules;
  } else {
    const inside = (path: string) => isInside(contextDir, path) || path === dockerfilePath;
    sentBefore = inside;
    sentAfter = inside;
  }

  const entries = records.map((record) => record.entry);
  const result: ContextChanges = { inContext: [], ignored: [], outsideContext: [] };
  for (const entry of entries) {
    const change = toFileChange(entry);
    const oldPath = entry.oldPath ?? entry.path;
    const gitlink = entry.oldMode === GITLINK_MODE || entry.newMode === GITLINK_MODE;
    const sent =
      !gitlink && ((entry.status !== 'D' && sentAfter(entry.path)) || (entry.status !== 'A' && sentBefore(oldPath)));
    if (sent) result.inContext.push(change);
    // Submodules inside the context are never sent (contexts come from git objects): not in context.
    else if (isInside(contextDir, entry.path) || isInside(contextDir, oldPath)) result.ignored.push(change);
    else result.outsideContext.push(change);
  }

  for (const list of [result.inContext, result.ignored, result.outsideContext]) {
    list.sort((a, b) => comparePathBytes(a.path, b.path));
  }
  await markLargeFiles(repoDir, records, result);
  await attachDiffs(repoDir, before, after, result.inContext, entries);
  // Paths so far are git's bytes, decoded losslessly; what leaves here is printable.
  return {
    inContext: result.inContext.map(printable),
    ignored: result.ignored.map(printable),
    outsideContext: result.outsideContext.map(printable),
  };
}

/** The change with printable paths (and their exact bytes when they had to be escaped). */
function printable(change: FileChange): FileChange {
  if (!needsEscaping(change.path) && (change.oldPath === undefined || !needsEscaping(change.oldPath))) return change;
  const out: FileChange = { ...change, path: displayPath(change.path) };
  if (needsEscaping(change.path)) out.pathBase64 = encodeGitPath(change.path).toString('base64');
  if (change.oldPath !== undefined) {
    out.oldPath = displayPath(change.oldPath);
    if (needsEscaping(change.oldPath)) out.oldPathBase64 = encodeGitPath(change.oldPath).toString('base64');
  }
  return out;
}

/**
 * Files git listed as binary because they are over BIG_FILE_BYTES (it did not read them): their
 * size, and 'too-large' for their diff. One `git cat-file --batch-check` for the binary ones.
 */
async function markLargeFiles(repoDir: string, records: readonly DiffStatBlobs[], result: ContextChanges): Promise<void> {
  const blobOf = new Map<string, string>();
  for (const { entry, oldOid, newOid } of records) {
    if (!entry.binary || entry.oldMode === GITLINK_MODE || entry.newMode === GITLINK_MODE) continue;
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

function toFileChange(entry: DiffStatEntry): FileChange {
  return {
    path: entry.path,
    ...(entry.oldPath === undefined ? {} : { oldPath: entry.oldPath }),
    status: entry.status,
    added: entry.added,
    deleted: entry.deleted,
    binary: entry.binary,
  };
}

/**
 * Attaches the diff of each small text file among `changes` (sorted by path), the first
 * MAX_DIFF_FILES of them and MAX_DIFFS_TOTAL_BYTES in all; git is asked only for as many as
 * can be shown, and a patch is read only up to MAX_DIFF_BYTES.
 */
async function attachDiffs(
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
    if (change.binary || change.status === 'T' || entry?.oldMode === GITLINK_MODE || entry?.newMode === GITLINK_MODE) continue;
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

/** Notes about what an explanation leaves out: files too large to read, diffs beyond the limits. */
export function omissionNotes(changes: ContextChanges): string[] {
  const notes: string[] = [];
  const large = changes.inContext.filter((change) => change.size !== undefined);
  for (const change of large.slice(0, 5)) {
    notes.push(`${change.path} is ${formatBytes(change.size ?? 0)}: too large to count its lines or show its diff (files over ${formatBytes(BIG_FILE_BYTES)} are not read)`);
  }
  if (large.length > 5) notes.push(`${large.length - 5} more files sent to the builder are over ${formatBytes(BIG_FILE_BYTES)} (--json lists their sizes)`);
  const shown = changes.inContext.filter((change) => change.diff !== undefined).length;
  const skipped = changes.inContext.filter((change) => change.diffOmitted === 'too-many-files').length;
  if (skipped > 0) {
    notes.push(`diffs are shown for ${shown} of ${shown + skipped} small text files sent to the builder (at most ${MAX_DIFF_FILES} files, ${formatBytes(MAX_DIFFS_TOTAL_BYTES)})`);
  }
  return notes;
}

/** 209715200 → '200.0 MiB', 65536 → '64.0 KiB'. */
function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

async function planOrMissing(spec: Parameters<typeof planBuildContext>[0]): Promise<BuildContextPlan | undefined> {
  try {
    return await planBuildContext(spec);
  } catch (error) {
    if (error instanceof MissingDockerfileError || error instanceof MissingContextError) return undefined;
    throw error;
  }
}

/** Membership in what a plan sends, as repository paths (the Dockerfile and ignore file included wherever they live). */
function sentSet(plan: BuildContextPlan, contextDir: string, dockerfilePath: string | undefined): (path: string) => boolean {
  const sent = new Set<string>();
  for (const entry of plan.entries) {
    if (entry.type === 'file' || entry.type === 'symlink') sent.add(joinRepoPath(contextDir, entry.path));
  }
  for (const path of alwaysSent(plan, dockerfilePath)) sent.add(path);
  return (path) => sent.has(path);
}

/** Membership by a plan's rules: inside the context and not excluded by its ignore file. */
async function sentByRules(
  repoDir: string,
  plan: BuildContextPlan,
  contextDir: string,
  dockerfilePath: string | undefined,
): Promise<(path: string) => boolean> {
  const always = new Set(alwaysSent(plan, dockerfilePath));
  always.add(joinRepoPath(contextDir, '.dockerignore'));
  let matcher: IgnoreMatcher | undefined;
  if (plan.ignoreFile !== undefined) {
    const text = isAbsolute(plan.ignoreFile)
      ? await readFile(plan.ignoreFile).then(decodeGitText, () => undefined)
      : await gitOutput(repoDir, ['cat-file', 'blob', `${plan.commit}:${plan.ignoreFile}`]).then(decodeGitText, () => undefined);
    if (text !== undefined) matcher = parseDockerignore(text);
  }
  return (path) => {
    if (always.has(path)) return true;
    if (!isInside(contextDir, path)) return false;
    return !matcher?.ignores(contextDir === '' ? path : path.slice(contextDir.length + 1));
  };
}

/** The Dockerfile and the ignore file a plan used, as repository paths (they are always sent). */
function alwaysSent(plan: BuildContextPlan, dockerfilePath: string | undefined): string[] {
  const paths: string[] = [];
  if (dockerfilePath !== undefined) paths.push(dockerfilePath);
  if (plan.ignoreFile !== undefined && !isAbsolute(plan.ignoreFile)) paths.push(plan.ignoreFile);
  return paths;
}

/** The Dockerfile's path in the repository, or undefined for a Dockerfile outside it. */
async function dockerfileRepoPath(repoDir: string, contextDir: string, dockerfile: string): Promise<string | undefined> {
  if (dockerfile === '') return undefined;
  if (!isAbsolute(dockerfile)) {
    try {
      const path = normalizeRepoPath(joinRepoPath(contextDir, dockerfile), 'Dockerfile path');
      return path === '' ? undefined : path;
    } catch {
      return undefined; // planBuildContext reports the bad path
    }
  }
  try {
    const top = (await gitOutput(repoDir, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
    if (top === '') return undefined;
    const rel = relative(await realpath(top), await realpath(dockerfile));
    return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split(sep).join('/');
  } catch {
    return undefined; // bare repository, or no such file
  }
}

function isInside(contextDir: string, path: string): boolean {
  return contextDir === '' || path.startsWith(`${contextDir}/`);
}
