/**
 * The docker build context of a commit, made from git objects only: the user's working
 * tree, index, HEAD and refs are never touched. `git ls-tree` lists the context directory,
 * .dockerignore is applied the way docker applies it, and one `git cat-file --batch`
 * streams the blobs into a deterministic tar (context-tar.ts: fixed mtime, uid/gid 0, sorted
 * entries), so identical inputs give identical bytes and an identical fingerprint.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { Readable } from 'node:stream';

import { DeployBisectError, ExitCode, UsageError } from '../errors.js';
import { pathWithin } from '../text/path-within.js';
import { shortSha } from '../text/short-sha.js';
import { CatFileBatch } from './cat-file-batch.js';
import { contextTar, type ContextEntry } from './context-tar.js';
import { locateDockerfilePath } from './dockerfile-location.js';
import { parseDockerignore, selectContextPaths, type IgnoreMatcher } from './dockerignore.js';
import { comparePathBytes, decodeGitText, displayPath, encodeGitPath, hasRawBytes } from './path-bytes.js';
import { joinRepoPath, normalizeRepoPath } from './repo-path.js';
import { listTree, type TreeEntry } from './tree-entries.js';

export interface BuildContextSpec {
  repoDir: string;
  commit: string;
  /** Relative to the repository root; default '.'. */
  contextDir?: string;
  /**
   * Relative to the context (default 'Dockerfile'; may point elsewhere in the repository
   * with '..'), or an absolute path: inside the repository it names that file in every
   * commit, outside it is one external file used for every commit.
   */
  dockerfile?: string;
}

export type { ContextEntry } from './context-tar.js';

/** Everything about a build context except its bytes; cheap (no blob is read but the Dockerfile and ignore files). */
export interface BuildContextPlan {
  commit: string;
  /** Path of the Dockerfile inside the tar, to pass as `dockerfile` to the build API. */
  dockerfilePath: string;
  dockerfileText: string;
  /** Paths of the files and symlinks sent, relative to the context, sorted. */
  files: string[];
  /** sha256 over what docker receives (entries with type, mode and content id, and the Dockerfile path). */
  fingerprint: string;
  /** Entries of the tar in order (directories before their contents). */
  entries: ContextEntry[];
  /** The ignore file applied ('.dockerignore', 'Dockerfile.dockerignore', an absolute path), if any. */
  ignoreFile?: string;
  /** Things the user should know, e.g. submodules that were not sent. */
  notes: string[];
}

export interface BuildContext extends BuildContextPlan {
  /** Uncompressed tar for `POST /build`; produced lazily when read. */
  tar: Readable;
}

/** The name an external Dockerfile gets inside the tar (suffixed when the context already has it). */
export const INJECTED_DOCKERFILE_NAME = '.deploybisect.Dockerfile';

/** The commit has no Dockerfile at the requested path. Not fatal for a run: that commit cannot be built. */
export class MissingDockerfileError extends DeployBisectError {
  readonly commit: string;
  readonly path: string;
  constructor(commit: string, path: string) {
    super(`commit ${shortSha(commit)} has no Dockerfile at '${path}'`, ExitCode.internal);
    this.commit = commit;
    this.path = path;
  }
}

/** The commit has no directory at the context path. Not fatal for a run: that commit cannot be built. */
export class MissingContextError extends DeployBisectError {
  readonly commit: string;
  readonly path: string;
  constructor(commit: string, path: string) {
    super(`commit ${shortSha(commit)} has no build context directory '${path}'`, ExitCode.internal);
    this.commit = commit;
    this.path = path;
  }
}

/** The build context of a commit: tar stream (lazy), Dockerfile path and text, files, fingerprint. */
export async function createBuildContext(spec: BuildContextSpec): Promise<BuildContext> {
  const plan = await planBuildContext(spec);
  return { ...plan, tar: contextTar(spec.repoDir, plan.entries) };
}

type DockerfileSource = { kind: 'repo'; repoPath: string; display: string } | { kind: 'external'; absPath: string; content: Buffer };

/** Works out what the context of a commit holds without reading the files' contents. */
export async function planBuildContext(spec: BuildContextSpec): Promise<BuildContextPlan> {
  const { repoDir, commit } = spec;
  if (commit === '' || commit.startsWith('-') || /[\0\r\n]/.test(commit)) {
    throw new UsageError(`invalid commit ${JSON.stringify(commit)}`);
  }
  const contextDir = normalizeRepoPath(spec.contextDir ?? '.', 'context directory');
  const source = await locateDockerfile(repoDir, contextDir, spec.dockerfile ?? 'Dockerfile');
  const inputs = await readContextInputs(repoDir, commit, contextDir, source);
  const ignore = await chooseIgnoreFile(source, contextDir, inputs);

  const tree = await listTree(repoDir, inputs.treeOid);
  const { sendable, notes } = leaveOutSubmodules(tree, contextDir);
  const byPath = new Map(sendable.map((entry) => [entry.path, entry]));
  const dockerfile = placeDockerfile(source, contextDir, inputs.dockerfileBlob, byPath, tree);
  const entries = contextEntries(
    sendable.map((entry) => entry.path),
    byPath,
    dockerfile,
    ignore,
    contextDir,
  );

  return {
    commit,
    dockerfilePath: dockerfile.path,
    dockerfileText: dockerfile.content.toString('utf8'),
    files: entries.filter((entry) => entry.type !== 'directory').map((entry) => entry.path),
    fingerprint: fingerprintOf(entries, dockerfile.path),
    entries,
    ...(ignore.file === undefined ? {} : { ignoreFile: ignore.file }),
    notes,
  };
}

/** What one cat-file answers about a commit before its tree is listed. */
interface ContextInputs {
  /** The context directory's tree. */
  treeOid: string;
  /** The Dockerfile's content, when it is in the repository. */
  dockerfileBlob: Buffer | undefined;
  /** `<Dockerfile>.dockerignore` in the commit (a Dockerfile in the repository only). */
  dockerfileIgnoreText: string | undefined;
  /** `<context>/.dockerignore` in the commit. */
  contextIgnoreText: string | undefined;
}

/**
 * One cat-file process answers every small question (symlinks followed like a checkout): is the
 * commit there, the context's tree, the Dockerfile and both ignore files.
 */
async function readContextInputs(repoDir: string, commit: string, contextDir: string, source: DockerfileSource): Promise<ContextInputs> {
  const batch = CatFileBatch.start(repoDir, { followSymlinks: true });
  try {
    const dockerfileIgnore = source.kind === 'repo' ? `${commit}:${source.repoPath}.dockerignore` : undefined;
    batch.request([
      `${commit}^{commit}`,
      contextDir === '' ? `${commit}^{tree}` : `${commit}:${contextDir}`,
      ...(source.kind === 'repo' ? [`${commit}:${source.repoPath}`, dockerfileIgnore ?? ''] : []),
      `${commit}:${joinRepoPath(contextDir, '.dockerignore')}`,
    ]);
    const commitObject = await batch.next();
    if (commitObject.kind !== 'found') throw new UsageError(`unknown commit '${commit}' in ${repoDir}`);
    await batch.skipBody(commitObject.size);

    const tree = await batch.next();
    if (tree.kind === 'found') await batch.skipBody(tree.size);
    if (tree.kind !== 'found' || tree.type !== 'tree') throw new MissingContextError(commit, contextDir || '.');

    let dockerfileBlob: Buffer | undefined;
    let dockerfileIgnoreText: string | undefined;
    if (source.kind === 'repo') {
      const dockerfile = await batch.next();
      if (dockerfile.kind === 'found') {
        const content = await batch.readBody(dockerfile.size);
        if (dockerfile.type === 'blob') dockerfileBlob = content;
      }
      if (!dockerfileBlob) throw new MissingDockerfileError(commit, source.display);
      dockerfileIgnoreText = await readTextAnswer(batch);
    }
    const contextIgnoreText = await readTextAnswer(batch);
    return { treeOid: tree.oid, dockerfileBlob, dockerfileIgnoreText, contextIgnoreText };
  } finally {
    batch.close();
  }
}

/** The ignore file in effect and its text: the Dockerfile's own (an external one's on disk), else the context's. */
async function chooseIgnoreFile(
  source: DockerfileSource,
  contextDir: string,
  inputs: ContextInputs,
): Promise<{ text: string | undefined; file: string | undefined }> {
  if (source.kind === 'external') {
    const externalIgnore = `${source.absPath}.dockerignore`;
    const text = await readFile(externalIgnore).then(decodeGitText, () => undefined);
    if (text !== undefined) return { text, file: externalIgnore };
  } else if (inputs.dockerfileIgnoreText !== undefined) {
    return { text: inputs.dockerfileIgnoreText, file: `${source.repoPath}.dockerignore` };
  }
  if (inputs.contextIgnoreText !== undefined) return { text: inputs.contextIgnoreText, file: joinRepoPath(contextDir, '.dockerignore') };
  return { text: undefined, file: undefined };
}

/** The tree's entries but submodules (build contexts come from git objects), and a note for each one left out. */
function leaveOutSubmodules(tree: readonly TreeEntry[], contextDir: string): { sendable: TreeEntry[]; notes: string[] } {
  const notes: string[] = [];
  const sendable: TreeEntry[] = [];
  for (const entry of tree) {
    if (entry.kind === 'submodule') {
      notes.push(`submodule '${displayPath(joinRepoPath(contextDir, entry.path))}' is not sent (build contexts come from git objects)`);
    } else {
      sendable.push(entry);
    }
  }
  return { sendable, notes };
}

/** Where the Dockerfile goes in the tar, and what it holds. */
interface DockerfilePlacement {
  path: string;
  content: Buffer;
  /** Not a regular file of the context: sent under `path`, a name of our own, as an inline entry. */
  injected: boolean;
}

/**
 * Where the Dockerfile lives in the tar: in place when it is a regular file of the context,
 * otherwise its content under a name of our own.
 */
function placeDockerfile(
  source: DockerfileSource,
  contextDir: string,
  dockerfileBlob: Buffer | undefined,
  byPath: ReadonlyMap<string, TreeEntry>,
  tree: readonly TreeEntry[],
): DockerfilePlacement {
  const content = source.kind === 'external' ? source.content : (dockerfileBlob ?? Buffer.alloc(0));
  if (source.kind === 'repo') {
    const inContext = pathWithin(contextDir, source.repoPath);
    const entry = inContext === undefined ? undefined : byPath.get(inContext);
    if (inContext !== undefined && entry && entry.kind !== 'symlink') return { path: inContext, content, injected: false };
  }
  return { path: uniqueName(INJECTED_DOCKERFILE_NAME, tree), content, injected: true };
}

/** The tar's entries, sorted: directories, the files and symlinks the ignore rules let through, an injected Dockerfile. */
function contextEntries(
  paths: readonly string[],
  byPath: ReadonlyMap<string, TreeEntry>,
  dockerfile: DockerfilePlacement,
  ignore: { text: string | undefined; file: string | undefined },
  contextDir: string,
): ContextEntry[] {
  const alwaysSend = ['.dockerignore'];
  if (!dockerfile.injected) alwaysSend.push(dockerfile.path);
  const ignoreInContext = ignore.file && !isAbsolute(ignore.file) ? pathWithin(contextDir, ignore.file) : undefined;
  if (ignoreInContext !== undefined) alwaysSend.push(ignoreInContext);

  const matcher: IgnoreMatcher | undefined = ignore.text === undefined ? undefined : parseDockerignore(ignore.text);
  const selection = selectContextPaths(paths, matcher, alwaysSend);

  const entries: ContextEntry[] = [];
  for (const dir of selection.dirs) entries.push({ type: 'directory', path: dir, mode: 0o755 });
  for (const path of selection.files) {
    const entry = byPath.get(path);
    if (!entry) continue;
    if (entry.kind === 'symlink') entries.push({ type: 'symlink', path, mode: 0o777, oid: entry.oid });
    else entries.push({ type: 'file', path, mode: entry.kind === 'executable' ? 0o755 : 0o644, oid: entry.oid });
  }
  if (dockerfile.injected) entries.push({ type: 'inline', path: dockerfile.path, mode: 0o644, content: dockerfile.content });
  entries.sort((a, b) => compareBytes(a.path, b.path));
  return entries;
}

/** Reads an optional small text blob answer (missing, or not a blob → undefined). */
async function readTextAnswer(batch: CatFileBatch): Promise<string | undefined> {
  const answer = await batch.next();
  if (answer.kind !== 'found') return undefined;
  const content = await batch.readBody(answer.size);
  return answer.type === 'blob' ? decodeGitText(content) : undefined;
}

async function locateDockerfile(repoDir: string, contextDir: string, dockerfile: string): Promise<DockerfileSource> {
  const location = await locateDockerfilePath(repoDir, contextDir, dockerfile);
  if (location.kind === 'repo') return { kind: 'repo', repoPath: location.repoPath, display: location.repoPath };
  return { kind: 'external', absPath: location.absPath, content: await readFile(location.absPath) };
}

function uniqueName(base: string, tree: readonly TreeEntry[]): string {
  const taken = new Set<string>();
  for (const entry of tree) {
    taken.add(entry.path);
    const slash = entry.path.indexOf('/');
    if (slash > 0) taken.add(entry.path.slice(0, slash));
  }
  let name = base;
  for (let n = 1; taken.has(name); n++) name = `${base}.${n}`;
  return name;
}

const compareBytes = comparePathBytes;

/** sha256 over what docker receives: each entry's type, mode, content id and path, and the Dockerfile's path. */
export function fingerprintOf(entries: readonly ContextEntry[], dockerfilePath: string): string {
  const hash = createHash('sha256');
  hash.update(`deploybisect-context-v1\0dockerfile\0${dockerfilePath}\n`);
  for (const entry of entries) {
    const id =
      entry.type === 'directory'
        ? '-'
        : entry.type === 'inline'
          ? `sha256:${createHash('sha256').update(entry.content).digest('hex')}`
          : entry.oid;
    const line = `${entry.type === 'inline' ? 'file' : entry.type}\0${entry.mode.toString(8)}\0${id}\0`;
    // A name that is not UTF-8 is hashed as its bytes (as a string, its bytes would be lost).
    if (hasRawBytes(entry.path)) hash.update(Buffer.concat([Buffer.from(line), encodeGitPath(entry.path), Buffer.from('\n')]));
    else hash.update(`${line}${entry.path}\n`);
  }
  return hash.digest('hex');
}
