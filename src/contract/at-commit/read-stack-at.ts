/**
 * A compose stack at a commit: its files (named, or found by compose's own names, override files
 * included), normalised as `docker compose config` would from git objects, then read as a stack
 * (compose-stack.ts). A stack compose would refuse is the commit's failed deployment, in compose's
 * words; a service asked for that the file does not have is the caller's to settle.
 */
import { UsageError } from '../../errors.js';
import { shortSha } from '../../text/short-sha.js';
import { loadComposeAtCommit, type ComposeLoadOptions } from '../compose/load-compose.js';
import type { ManifestFile } from '../contract.js';
import { composeFailureResult } from '../platforms/compose-service.js';
import { composeStackResult, type StackContract } from '../platforms/compose-stack.js';
import type { ReadFailure } from '../source/problem.js';
import { entriesAt } from './git-tree.js';
import { readFiles } from './read-at-commit.js';

export type StackAtCommit = { ok: true; stack: StackContract } | { ok: false; failure: ReadFailure };

export interface StackWhere {
  /** The compose file found (or the first named): the manifest the run follows. */
  manifest: string;
  /** Files named (`--compose-file`, `--manifest`), merged in order; empty: compose's own names, from the root. */
  files: readonly string[];
}

export interface StackAsked {
  service?: string;
  profiles?: readonly string[];
  buildServices?: Readonly<Record<string, string>>;
}

export async function readStackAt(repoDir: string, commit: string, where: StackWhere, asked: StackAsked = {}): Promise<StackAtCommit> {
  const options: ComposeLoadOptions = {
    ...(where.files.length > 0 ? { files: where.files } : {}),
    ...(asked.profiles && asked.profiles.length > 0 ? { profiles: asked.profiles } : {}),
  };
  const loaded = await loadComposeAtCommit(repoDir, commit, options);
  const read = loaded.kind === 'loaded' ? readFiles(loaded.project) : [where.manifest];
  const entries = await entriesAt(repoDir, commit, [...new Set([where.manifest, ...read])]);
  const fileOf = (path: string): ManifestFile => ({ path, blob: entries.find((e) => e.path === path && !e.tree)?.oid ?? '' });
  const manifest = fileOf(loaded.kind === 'loaded' ? (loaded.project.files[0] ?? where.manifest) : where.manifest);
  if (manifest.blob === '') throw new UsageError(`${where.manifest} does not exist at ${shortSha(commit)}`);
  if (loaded.kind !== 'loaded') {
    const failed = composeFailureResult(loaded.failure, manifest);
    if (failed.ok) throw new Error('unreachable: a compose failure read as a contract');
    return { ok: false, failure: failed.failure };
  }
  const result = composeStackResult({
    project: loaded.project,
    manifest,
    alsoRead: read.filter((p) => p !== manifest.path).map(fileOf),
    ...(asked.service !== undefined ? { service: asked.service } : {}),
    ...(asked.buildServices ? { buildServices: asked.buildServices } : {}),
  });
  if (result.ok) return result;
  const { problem } = result;
  return {
    ok: false,
    failure: {
      kind: problem.kind,
      platform: 'compose',
      file: manifest.path,
      message: problem.message,
      ...(problem.extra.services ? { services: problem.extra.services } : {}),
    },
  };
}

/** How many services the stack at a commit would start (its active ones), without reading it as a stack. */
export async function activeServices(repoDir: string, commit: string, where: StackWhere, profiles: readonly string[]): Promise<string[]> {
  const loaded = await loadComposeAtCommit(repoDir, commit, {
    ...(where.files.length > 0 ? { files: where.files } : {}),
    ...(profiles.length > 0 ? { profiles } : {}),
  });
  return loaded.kind === 'loaded' ? Object.keys(loaded.project.services) : [];
}
