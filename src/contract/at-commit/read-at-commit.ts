/**
 * Reading the contract of a detected manifest at a commit: the manifest's text and the files it reads,
 * from git objects; then whether the files the contract names exist there (a manifest can name a
 * Dockerfile that does not exist at that commit: the contract says so, the caller decides). Some files'
 * texts can be given instead of the commit's (`narrow` reads its parent with some of a commit's
 * manifest keys applied): the rest is read as at the commit.
 */
import { UsageError } from '../../errors.js';
import { gitBlobId } from '../../git/blob-id.js';
import { shortSha } from '../../text/short-sha.js';
import { CommitFiles } from '../compose/commit-files.js';
import type { FileSource } from '../compose/file-source.js';
import { loadCompose } from '../compose/load-compose.js';
import type { ComposeProject } from '../compose/model.js';
import type { DeploymentContract, FileText, ManifestFile } from '../contract.js';
import type { Detected } from '../detect/choose.js';
import { dirOf } from '../paths.js';
import { composeFailureResult, composeServiceResult } from '../platforms/compose-service.js';
import { readContract } from '../read-contract.js';
import type { ReadResult } from '../source/read-result.js';
import { entriesAt, present, readTexts } from './git-tree.js';

export interface ContractAtCommit {
  result: ReadResult;
  /** Paths the contract names that the commit does not have: its Dockerfile, build context, ignore file. */
  missing: string[];
}

/** Repository path → the text read in place of the commit's, or null: the file is absent. */
export type FileTexts = ReadonlyMap<string, string | null>;

export async function readContractAt(
  repoDir: string,
  commit: string,
  detected: Detected,
  service?: string,
  texts: FileTexts = new Map(),
): Promise<ContractAtCommit> {
  if (detected.platform === 'compose') return readComposeServiceAt(repoDir, commit, detected, service, texts);
  const paths = [...new Set([detected.path, ...detected.files])];
  const dockerfileGuesses = ['Dockerfile', `${dirOf(detected.path)}/Dockerfile`.replace(/^\//, '')];
  const entries = await entriesAt(repoDir, commit, [...paths, ...dockerfileGuesses]);
  const blobs = await readTexts(
    repoDir,
    entries.flatMap((e) => (texts.has(e.path) ? [] : [e.oid])),
  );
  const file = (path: string): FileText | undefined => {
    const given = texts.get(path);
    if (given !== undefined) return given === null ? undefined : { path, blob: gitBlobId(given), text: given };
    const entry = entries.find((e) => e.path === path && !e.tree);
    return entry ? { path, blob: entry.oid, text: blobs.get(entry.oid) ?? '' } : undefined;
  };
  const manifest = file(detected.path);
  if (!manifest) throw new UsageError(`${detected.path} does not exist at ${shortSha(commit)}`);
  const result = readContract({
    platform: detected.platform,
    manifest,
    files: detected.files.flatMap((p) => file(p) ?? []),
    dockerfiles: dockerfileGuesses.filter((p) => entries.some((e) => e.path === p && !e.tree)),
    exists: (p) => (texts.has(p) ? texts.get(p) !== null : present(entries, p)),
    ...(service !== undefined ? { service } : {}),
  });
  return { result, missing: result.ok ? await missingPaths(repoDir, commit, result.contract) : [] };
}

/** One service of the compose file at the commit, normalised as `docker compose config` would (variables from its `.env` only). */
async function readComposeServiceAt(
  repoDir: string,
  commit: string,
  detected: Detected,
  service: string | undefined,
  texts: FileTexts,
): Promise<ContractAtCommit> {
  const files = new CommitFiles(repoDir, commit);
  const source: FileSource = { read: (path) => (texts.has(path) ? Promise.resolve(texts.get(path) ?? null) : files.read(path)) };
  const loaded = await loadCompose(source, { files: [detected.path] }).finally(() => files.close());
  const read = loaded.kind === 'loaded' ? readFiles(loaded.project) : [detected.path];
  const entries = await entriesAt(repoDir, commit, read);
  const fileOf = (path: string): ManifestFile => {
    const given = texts.get(path);
    if (given !== undefined) return { path, blob: given === null ? '' : gitBlobId(given) };
    return { path, blob: entries.find((e) => e.path === path && !e.tree)?.oid ?? '' };
  };
  const manifest = fileOf(detected.path);
  if (manifest.blob === '') throw new UsageError(`${detected.path} does not exist at ${shortSha(commit)}`);
  const result =
    loaded.kind === 'loaded'
      ? composeServiceResult({
          project: loaded.project,
          manifest,
          alsoRead: read.filter((p) => p !== detected.path).map(fileOf),
          ...(service !== undefined ? { service } : {}),
        })
      : composeFailureResult(loaded.failure, manifest);
  return { result, missing: result.ok ? await missingPaths(repoDir, commit, result.contract) : [] };
}

/** The repository files a loaded project was read from: its compose files, `.env` and the env files found. */
export function readFiles(project: ComposeProject): string[] {
  const envFiles = Object.values(project.services).flatMap((s) =>
    s.envFiles.flatMap((f) => (f.found && f.path.kind === 'repository' ? [f.path.path] : [])),
  );
  return [...new Set([...project.files, ...(project.dotenvFile !== null ? [project.dotenvFile] : []), ...envFiles])];
}

/** The contract's Dockerfile, context and ignore file that are not in the commit's tree. */
export async function missingPaths(repoDir: string, commit: string, contract: DeploymentContract): Promise<string[]> {
  const named = [
    contract.build.dockerfile,
    ...(contract.build.context !== '' ? [contract.build.context] : []),
    ...(contract.build.ignoreFile ? [contract.build.ignoreFile] : []),
  ];
  const entries = await entriesAt(repoDir, commit, named);
  return named.filter((p) => !present(entries, p));
}
