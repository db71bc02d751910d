/**
 * `deploybisect doctor`: what deploybisect sees on this machine, each check with what to do when it
 * fails. Node.js and git, each engine a run would use (engine-check.ts), the cache directory and the
 * config file. `problems` are what would stop a search; `warnings` what would make one worse.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';

import { mebibytes } from '../../docker/disk-space.js';
import { gitVersion } from '../../git/git-exec.js';
import { loadConfig } from '../../options/config-file.js';
import type { Settings } from '../../options/settings.js';
import { defaultCacheDir } from '../verdict-cache.js';
import { checkEngine, type EngineCheck } from './engine-check.js';
import { checkManifests, type ManifestCheck } from './manifest-check.js';

export const MIN_NODE_MAJOR = 20;
/** Below this much free space in the cache directory, doctor warns (states and verdicts are small; reports are not). */
const LOW_CACHE_SPACE = 100 * 1024 ** 2;

export interface DoctorReport {
  node: { version: string; ok: boolean };
  git: { version?: string; ok: boolean };
  engines: EngineCheck[];
  cacheDir: { path: string; writable: boolean; freeBytes?: number; error?: string };
  config: { found: boolean; path?: string; valid: boolean; error?: string };
  /** The platform manifests in HEAD, what each says, and the one a run would deploy by. */
  manifests: ManifestCheck[];
  /** What stops a search, each with what to do. Empty: a search can run. */
  problems: string[];
  /** What works but less well, each with what to do. */
  warnings: string[];
}

export type DoctorSettings = Pick<
  Settings,
  'dockerHost' | 'engineTimeout' | 'network' | 'cacheDir' | 'repo' | 'given' | 'platform' | 'manifest' | 'service'
>;

export async function runDoctor(s: DoctorSettings, env: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  const hosts = s.dockerHost.length > 0 ? s.dockerHost : [undefined];
  // Doctor waits less than a run for an engine that does not answer: it is asked because something is wrong.
  const timeoutMs = Math.min(s.engineTimeout, 10_000);
  const [engines, git, cacheDir, config, manifests] = await Promise.all([
    Promise.all(
      hosts.map((host) => checkEngine(host, { network: s.network, networkGiven: s.given.network !== undefined, timeoutMs, env })),
    ),
    gitVersion(),
    checkCacheDir(s.cacheDir ?? defaultCacheDir(env)),
    checkConfig(s.repo),
    checkManifests(s),
  ]);
  const report: DoctorReport = {
    node: { version: process.version, ok: Number(process.versions.node.split('.')[0]) >= MIN_NODE_MAJOR },
    git: { ...(git ? { version: git } : {}), ok: git !== undefined },
    engines,
    cacheDir,
    config,
    manifests,
    problems: [],
    warnings: [],
  };
  collectFindings(report);
  return report;
}

/** The problems and warnings of a report, in the order its lines are printed. */
function collectFindings(r: DoctorReport): void {
  if (!r.node.ok) r.problems.push(`Node.js ${r.node.version} is too old: install Node.js ${MIN_NODE_MAJOR} or later`);
  if (!r.git.ok) r.problems.push('git cannot be started: install git (apt-get install git) and put it on PATH');
  for (const e of r.engines) {
    if (!e.reachable) {
      r.problems.push(
        `${e.error}; or pass --docker-host <url> (without an engine of your own: as root on Debian, \`deploybisect demo\` with no DOCKER_HOST starts the project's private one)`,
      );
      continue;
    }
    if (e.network?.problem) r.problems.push(`${e.endpoint}: ${e.network.problem}`);
    if (e.memoryLimit === false) {
      r.warnings.push(
        `${e.endpoint}: the engine cannot limit memory (its cgroups lack the memory controller): --memory has no effect there`,
      );
    }
  }
  if (!r.cacheDir.writable) {
    r.warnings.push(
      `the cache directory ${r.cacheDir.path} is not writable (${r.cacheDir.error}): verdicts and states are not kept; pass --cache-dir <dir> or set XDG_CACHE_HOME`,
    );
  } else if (r.cacheDir.freeBytes !== undefined && r.cacheDir.freeBytes < LOW_CACHE_SPACE) {
    r.warnings.push(
      `only ${mebibytes(r.cacheDir.freeBytes)} free for the cache directory ${r.cacheDir.path}: free some space or pass --cache-dir <dir>`,
    );
  }
  if (r.config.found && !r.config.valid) r.problems.push(`${r.config.error}: fix it, or pass --no-config to a run`);
}

async function checkCacheDir(path: string): Promise<DoctorReport['cacheDir']> {
  const probe = join(path, `.doctor-${process.pid}`);
  try {
    mkdirSync(path, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    return { path, writable: false, error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  }
  const stats = await statfs(path).catch(() => undefined);
  return { path, writable: true, ...(stats ? { freeBytes: stats.bavail * stats.bsize } : {}) };
}

async function checkConfig(repo: string): Promise<DoctorReport['config']> {
  try {
    const loaded = await loadConfig(repo);
    return loaded ? { found: true, path: loaded.source, valid: true } : { found: false, valid: true };
  } catch (error) {
    const path = /config file (\S+)/.exec((error as Error).message)?.[1];
    return { found: true, ...(path ? { path } : {}), valid: false, error: (error as Error).message };
  }
}
