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
} from '../git/build-context.js';
import { diffStat, type DiffStatEntry } from '../git/diff-stat.js';
import { parseDockerignore, type IgnoreMatcher } from '../git/dockerignore.js';
import { filePatches } from '../git/file-patches.js';
import { gitOutput } from '../git/git-exec.js';
import { joinRepoPath, normalizeRepoPath } from '../git/repo-path.js';

export type ChangeStatus = 'A' | 'M' | 'D' | 'R' | 'C' | 'T';

export interface FileChange {
  /** Relative to the repository root (the new path for renames). */
  path: string;
  oldPath?: string;
  status: ChangeStatus;
  /** Lines added (0 for binary). */
  added: number;
  /** Lines deleted (0 for binary). */
  deleted: number;
  binary: boolean;
  /** The unified diff, for small text files sent to the builder (e.g. start scripts, server configs): at most ~80 lines / 8 KiB; absent otherwise. */
  diff?: string;
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

const GITLINK_MODE = '160000';

export async function contextChanges(spec: ContextChangesSpec): Promise<ContextChanges> {
  const { repoDir, before, after } = spec;
  const contextDir = normalizeRepoPath(spec.contextDir, 'context directory');
  const [entries, beforePlan, afterPlan, dockerfilePath] = await Promise.all([
    diffStat(repoDir, before, after),
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

  await attachDiffs(repoDir, before, after, result.inContext, entries);
  for (const list of [result.inContext, result.ignored, result.outsideContext]) {
    list.sort((a, b) => compareBytes(a.path, b.path));
  }
  return result;
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

/** Attaches the diff of each small text file among `changes`. */
async function attachDiffs(
  repoDir: string,
  before: string,
  after: string,
  changes: FileChange[],
  entries: readonly DiffStatEntry[],
): Promise<void> {
  const modes = new Map(entries.map((entry) => [entry.path, entry]));
  const candidates = changes.filter((change) => {
    const entry = modes.get(change.path);
    return (
      !change.binary &&
      change.status !== 'T' &&
      entry?.oldMode !== GITLINK_MODE &&
      entry?.newMode !== GITLINK_MODE &&
      change.added + change.deleted <= MAX_DIFF_LINES
    );
  });
  if (candidates.length === 0) return;
  const patches = await filePatches(repoDir, before, after, candidates);
  for (const change of candidates) {
    const patch = patches.get(change.path);
    if (patch === undefined) continue;
    const lines = patch.endsWith('\n') ? patch.split('\n').length - 1 : patch.split('\n').length;
    if (lines <= MAX_DIFF_LINES && Buffer.byteLength(patch, 'utf8') <= MAX_DIFF_BYTES) change.diff = patch;
  }
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
      ? await readFile(plan.ignoreFile, 'utf8').catch(() => undefined)
      : (await gitOutput(repoDir, ['cat-file', 'blob', `${plan.commit}:${plan.ignoreFile}`]).catch(() => undefined))?.toString('utf8');
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

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
