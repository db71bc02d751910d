/**
 * The first phase of context-plan.ts: what a commit's diff against its first parent says about
 * its build context, judged as far as possible without the ignore rules in effect (those are
 * known only once the commits are walked parents first). A change to a path that always counts
 * settles the commit; paths inside the context wait for the rules.
 */
import { pathWithin } from '../text/path-within.js';
import { INJECTED_DOCKERFILE_NAME } from './build-context.js';
import type { CommitDiff } from './diff-tree-stream.js';
import type { DockerfileLocation } from './dockerfile-location.js';
import type { IgnoreMatcher } from './dockerignore.js';
import { joinRepoPath } from './repo-path.js';

const SYMLINK = '120000';
const GITLINK = '160000';
const TREE = '040000';

/** Ignore state: the blob ids of `<Dockerfile>.dockerignore` and `<context>/.dockerignore` (undefined = absent). */
export interface IgnoreState {
  dockerfileIgnore: string | undefined;
  contextIgnore: string | undefined;
}

/** The paths whose changes matter beyond the files of the context. */
export interface WatchedPaths {
  /** Relative to the repository root, '' for the root. */
  contextDir: string;
  /** The Dockerfile's path in the repository (undefined for an external one). */
  dockerfilePath: string | undefined;
  dockerfileIgnorePath: string | undefined;
  contextIgnorePath: string;
  /** Paths whose every change counts (and may switch the ignore rules). */
  special: Set<string>;
  /** Directories on the way to a special path or to the context: a symlink there is beyond a diff's reach. */
  guarded: Set<string>;
  /** The context directory and its ancestors: their appearing or disappearing changes the context. */
  contextLine: Set<string>;
  /** The Dockerfile is injected under a name of ours when it is not a regular file of the context. */
  injectedDockerfile: boolean;
}

export function watchedPaths(contextDir: string, location: DockerfileLocation): WatchedPaths {
  const dockerfilePath = location.kind === 'repo' ? location.repoPath : undefined;
  const dockerfileIgnorePath = dockerfilePath === undefined ? undefined : `${dockerfilePath}.dockerignore`;
  const contextIgnorePath = joinRepoPath(contextDir, '.dockerignore');
  const special = new Set([
    contextIgnorePath,
    ...(dockerfilePath ? [dockerfilePath] : []),
    ...(dockerfileIgnorePath ? [dockerfileIgnorePath] : []),
  ]);
  const guarded = new Set<string>();
  for (const path of [...special, ...(contextDir === '' ? [] : [contextDir])]) addAncestors(path, guarded);
  if (contextDir !== '') guarded.add(contextDir);
  const contextLine = new Set<string>();
  if (contextDir !== '') {
    contextLine.add(contextDir);
    addAncestors(contextDir, contextLine);
  }
  const injectedDockerfile = dockerfilePath === undefined || pathWithin(contextDir, dockerfilePath) === undefined;
  return { contextDir, dockerfilePath, dockerfileIgnorePath, contextIgnorePath, special, guarded, contextLine, injectedDockerfile };
}

/** The verdicts of phase 1, by position in the range, and what phase 2 needs to finish them. */
export class ChangeJudge {
  /** 1 when the commit surely changes the context. */
  readonly changed: Uint8Array;
  /** 1 when the commit's diff is not empty. */
  readonly nonEmpty: Uint8Array;
  /**
   * Paths (relative to the context) whose fate depends on the ignore rules, for commits not
   * decided yet: one path as itself, more as an array of the exact size (kept until phase 2).
   */
  readonly undecided: (string | string[] | undefined)[];
  /** Commits that change an ignore file: the new blob ids of the ignore files they touch. */
  readonly ignoreUpdates = new Map<number, Partial<IgnoreState>>();
  private readonly scratch: string[] = [];

  /**
   * @param tainted A symlink on the way to the Dockerfile, an ignore file or the context: then any change may matter.
   * @param externalMatcher The rules of an external Dockerfile's own ignore file (the same for every commit).
   */
  constructor(
    private readonly paths: WatchedPaths,
    private readonly externalMatcher: IgnoreMatcher | undefined,
    size: number,
    public tainted: boolean,
  ) {
    this.changed = new Uint8Array(size);
    this.nonEmpty = new Uint8Array(size);
    this.undecided = new Array<string | string[] | undefined>(size).fill(undefined);
  }

  /** A root commit: nothing to compare with. */
  markRoot(i: number): void {
    this.changed[i] = 1;
    this.nonEmpty[i] = 1;
  }

  /** Judges what the commit at position i changed against its first parent. */
  summarize(diff: CommitDiff, i: number): void {
    const { special, guarded, contextLine, contextDir, dockerfileIgnorePath, contextIgnorePath, injectedDockerfile } = this.paths;
    const { externalMatcher, scratch, ignoreUpdates } = this;
    if (diff.changes.length > 0) this.nonEmpty[i] = 1;
    let sure = false;
    let count = 0; // paths in scratch
    for (const change of diff.changes) {
      const { path, oldMode, newMode } = change;
      if (special.has(path)) {
        sure = true;
        if (oldMode === SYMLINK || newMode === SYMLINK) this.tainted = true;
        const blob = isRegularFile(newMode) ? change.newOid : undefined;
        if (path === dockerfileIgnorePath) ignoreUpdates.set(i, { ...ignoreUpdates.get(i), dockerfileIgnore: blob });
        if (path === contextIgnorePath) ignoreUpdates.set(i, { ...ignoreUpdates.get(i), contextIgnore: blob });
        continue;
      }
      if (guarded.has(path) && (oldMode === SYMLINK || newMode === SYMLINK)) {
        this.tainted = true;
        sure = true;
      }
      if (contextLine.has(path) && !(oldMode === TREE && newMode === TREE)) sure = true;
      if (sure) continue; // keep scanning: an ignore file may still change in this commit
      const rel = pathWithin(contextDir, path);
      if (rel === undefined || rel === '') continue;
      if (oldMode === GITLINK || newMode === GITLINK)
        sure = true; // a submodule: unsure what a build would see
      else if (oldMode === TREE && newMode === TREE)
        continue; // something inside changed: judged on its own
      else if (injectedDockerfile && topComponent(rel).startsWith(INJECTED_DOCKERFILE_NAME))
        sure = true; // the injected Dockerfile's name depends on the context
      else if (externalMatcher && !externalMatcher.ignores(rel)) sure = true;
      else if (!externalMatcher) scratch[count++] = rel;
    }
    if (sure) this.changed[i] = 1;
    else if (count > 0) this.undecided[i] = count === 1 ? scratch[0] : scratch.slice(0, count);
  }
}

function isRegularFile(mode: string): boolean {
  return mode.startsWith('100');
}

function topComponent(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? path : path.slice(0, slash);
}

function addAncestors(path: string, into: Set<string>): void {
  for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) into.add(path.slice(0, slash));
}
