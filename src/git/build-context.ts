/**
 * The docker build context of a commit, made from git objects only: the user's working
 * tree, index, HEAD and refs are never touched. `git ls-tree` lists the context directory,
 * .dockerignore is applied the way docker applies it, and one `git cat-file --batch`
 * streams the blobs into a deterministic tar (fixed mtime, uid/gid 0, sorted entries), so
 * identical inputs give identical bytes and an identical fingerprint.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { Readable } from 'node:stream';
import { DeployBisectError, ExitCode, UsageError } from '../errors.js';
import { CatFileBatch } from './cat-file-batch.js';
import { parseDockerignore, selectContextPaths, type IgnoreMatcher } from './dockerignore.js';
import { joinRepoPath, normalizeRepoPath } from './repo-path.js';
import { listTree, type TreeEntry } from './tree-entries.js';
import { comparePathBytes, decodeGitText, displayPath, encodeGitPath, hasRawBytes } from './path-bytes.js';
import { padding, TAR_END, tarHeader } from './tar-writer.js';
import { locateDockerfilePath } from './dockerfile-location.js';

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

export type ContextEntry =
  | { type: 'directory'; path: string; mode: number }
  | { type: 'file'; path: string; mode: number; oid: string }
  | { type: 'symlink'; path: string; mode: number; oid: string }
  /** A file whose content is not a blob of the tree: a Dockerfile from outside the context. */
  | { type: 'inline'; path: string; mode: number; content: Buffer };

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

/** All tar entries carry this mtime: fixed for reproducible bytes, and after 1980 so zip-based tools inside builds accept it. */
export const CONTEXT_MTIME = new Date('2000-01-01T00:00:00Z');

/** The commit has no Dockerfile at the requested path. Not fatal for a run: that commit cannot be built. */
export class MissingDockerfileError extends DeployBisectError {
  readonly commit: string;
  readonly path: string;
  constructor(commit: string, path: string) {
    super(`commit ${commit.slice(0, 12)} has no Dockerfile at '${path}'`, ExitCode.internal);
    this.commit = commit;
    this.path = path;
  }
}

/** The commit has no directory at the context path. Not fatal for a run: that commit cannot be built. */
export class MissingContextError extends DeployBisectError {
  readonly commit: string;
  readonly path: string;
  constructor(commit: string, path: string) {
    super(`commit ${commit.slice(0, 12)} has no build context directory '${path}'`, ExitCode.internal);
    this.commit = commit;
    this.path = path;
  }
}

/** The build context of a commit: tar stream (lazy), Dockerfile path and text, files, fingerprint. */
export async function createBuildContext(spec: BuildContextSpec): Promise<BuildContext> {
  const plan = await planBuildContext(spec);
  return { ...plan, tar: contextTar(spec.repoDir, plan.entries) };
}

type DockerfileSource =
  | { kind: 'repo'; repoPath: string; display: string }
  | { kind: 'external'; absPath: string; content: Buffer };

/** Works out what the context of a commit holds without reading the files' contents. */
export async function planBuildContext(spec: BuildContextSpec): Promise<BuildContextPlan> {
  const { repoDir, commit } = spec;
  if (commit === '' || commit.startsWith('-') || /[\0\r\n]/.test(commit)) {
    throw new UsageError(`invalid commit ${JSON.stringify(commit)}`);
  }
  const contextDir = normalizeRepoPath(spec.contextDir ?? '.', 'context directory');
  const source = await locateDockerfile(repoDir, contextDir, spec.dockerfile ?? 'Dockerfile');

  // One cat-file process answers every small question (symlinks followed like a checkout).
  const batch = CatFileBatch.start(repoDir, { followSymlinks: true });
  let dockerfileBlob: Buffer | undefined;
  let ignoreText: string | undefined;
  let ignoreFile: string | undefined;
  let treeOid: string;
  try {
    const dockerfileIgnore =
      source.kind === 'repo' ? `${commit}:${source.repoPath}.dockerignore` : undefined;
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
    treeOid = tree.oid;

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
    const dockerignoreText = await readTextAnswer(batch);

    if (source.kind === 'external') {
      const externalIgnore = `${source.absPath}.dockerignore`;
      const text = await readFile(externalIgnore).then(decodeGitText, () => undefined);
      if (text !== undefined) [ignoreText, ignoreFile] = [text, externalIgnore];
    } else if (dockerfileIgnoreText !== undefined) {
      [ignoreText, ignoreFile] = [dockerfileIgnoreText, `${source.repoPath}.dockerignore`];
    }
    if (ignoreText === undefined && dockerignoreText !== undefined) {
      [ignoreText, ignoreFile] = [dockerignoreText, joinRepoPath(contextDir, '.dockerignore')];
    }
  } finally {
    batch.close();
  }

  const tree = await listTree(repoDir, treeOid);
  const notes: string[] = [];
  const sendable: TreeEntry[] = [];
  for (const entry of tree) {
    if (entry.kind === 'submodule') {
      notes.push(`submodule '${displayPath(joinRepoPath(contextDir, entry.path))}' is not sent (build contexts come from git objects)`);
    } else {
      sendable.push(entry);
    }
  }
  const byPath = new Map(sendable.map((entry) => [entry.path, entry]));

  // Where the Dockerfile lives in the tar: in place when it is a regular file of the
  // context, otherwise its content under a name of our own.
  const dockerfileContent = source.kind === 'external' ? source.content : (dockerfileBlob ?? Buffer.alloc(0));
  let dockerfilePath: string | undefined;
  if (source.kind === 'repo') {
    const inContext = contextRelative(contextDir, source.repoPath);
    const entry = inContext === undefined ? undefined : byPath.get(inContext);
    if (inContext !== undefined && entry && entry.kind !== 'symlink') dockerfilePath = inContext;
  }
  const injected = dockerfilePath === undefined;
  if (dockerfilePath === undefined) dockerfilePath = uniqueName(INJECTED_DOCKERFILE_NAME, tree);

  const alwaysSend = ['.dockerignore'];
  if (!injected) alwaysSend.push(dockerfilePath);
  const ignoreInContext = ignoreFile && !isAbsolute(ignoreFile) ? contextRelative(contextDir, ignoreFile) : undefined;
  if (ignoreInContext !== undefined) alwaysSend.push(ignoreInContext);

  const matcher: IgnoreMatcher | undefined = ignoreText === undefined ? undefined : parseDockerignore(ignoreText);
  const selection = selectContextPaths(
    sendable.map((entry) => entry.path),
    matcher,
    alwaysSend,
  );

  const entries: ContextEntry[] = [];
  for (const dir of selection.dirs) entries.push({ type: 'directory', path: dir, mode: 0o755 });
  for (const path of selection.files) {
    const entry = byPath.get(path);
    if (!entry) continue;
    if (entry.kind === 'symlink') entries.push({ type: 'symlink', path, mode: 0o777, oid: entry.oid });
    else entries.push({ type: 'file', path, mode: entry.kind === 'executable' ? 0o755 : 0o644, oid: entry.oid });
  }
  if (injected) entries.push({ type: 'inline', path: dockerfilePath, mode: 0o644, content: dockerfileContent });
  entries.sort((a, b) => compareBytes(a.path, b.path));

  return {
    commit,
    dockerfilePath,
    dockerfileText: dockerfileContent.toString('utf8'),
    files: entries.filter((entry) => entry.type !== 'directory').map((entry) => entry.path),
    fingerprint: fingerprintOf(entries, dockerfilePath),
    entries,
    ...(ignoreFile === undefined ? {} : { ignoreFile }),
    notes,
  };
}

/**
 * The tar of the planned entries. Nothing runs until the stream is read; then one
 * `git cat-file --batch` streams every blob in order, with backpressure (a blob is read from
 * git only as fast as the reader takes the tar, whatever its size). Names are written with
 * their exact bytes (tar-writer.ts).
 */
export function contextTar(repoDir: string, entries: readonly ContextEntry[]): Readable {
  return Readable.from(tarChunks(repoDir, entries), { objectMode: false });
}

async function* tarChunks(repoDir: string, entries: readonly ContextEntry[]): AsyncGenerator<Buffer> {
  const blobs = entries.flatMap((entry) => (entry.type === 'file' || entry.type === 'symlink' ? [entry.oid] : []));
  const batch = blobs.length > 0 ? CatFileBatch.start(repoDir) : undefined;
  try {
    batch?.request(blobs);
    for (const entry of entries) {
      const header = { name: entry.path, mode: entry.mode, mtime: CONTEXT_MTIME };
      if (entry.type === 'directory') {
        yield tarHeader({ ...header, type: 'directory' });
      } else if (entry.type === 'inline') {
        yield tarHeader({ ...header, type: 'file', size: entry.content.length });
        yield entry.content;
        yield padding(entry.content.length);
      } else {
        const object = await nextBlob(batch, entry.oid);
        if (entry.type === 'symlink') {
          yield tarHeader({ ...header, type: 'symlink', linkname: await batch!.readBody(object.size) });
        } else {
          yield tarHeader({ ...header, type: 'file', size: object.size });
          for await (const chunk of batch!.body(object.size)) yield chunk;
          yield padding(object.size);
        }
      }
    }
    yield TAR_END;
  } finally {
    batch?.close();
  }
}

async function nextBlob(batch: CatFileBatch | undefined, oid: string): Promise<{ size: number }> {
  if (!batch) throw new Error('unreachable: blob entry without cat-file');
  const object = await batch.next();
  if (object.kind !== 'found' || object.oid !== oid || object.type !== 'blob') {
    throw new DeployBisectError(`git object ${oid} is not a readable blob`, ExitCode.internal);
  }
  return object;
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

/** `path` relative to the context dir, or undefined when it lies outside. */
function contextRelative(contextDir: string, path: string): string | undefined {
  if (contextDir === '') return path;
  return path.startsWith(`${contextDir}/`) ? path.slice(contextDir.length + 1) : undefined;
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

function fingerprintOf(entries: readonly ContextEntry[], dockerfilePath: string): string {
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
