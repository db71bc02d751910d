import { randomBytes } from 'node:crypto';

import { EnginePool } from '../docker/engine-pool.js';
import { connectEngines } from '../docker/engine.js';
import { UsageError } from '../errors.js';
import { secretFingerprints } from '../options/build-secrets.js';
import { containerEnvironment, resourceLimits } from '../options/derived.js';
import type { Settings } from '../options/settings.js';
import { systemClock } from '../probes/clock.js';
import type { Deployments } from './deploy/deployments.js';
import { chooseBuilders, type EngineBuilder } from './evaluate/choose-builders.js';
import { Evaluator, type EvaluationSettings } from './evaluate/evaluator.js';
import type { SessionEvents } from './events.js';
import { networkChoice } from './network-choice.js';
import { defaultCacheDir, VerdictCache } from './verdict-cache.js';

export interface OpenSession {
  sessionId: string;
  /** How each engine builds (said once at the start, and in the JSON). */
  builders: EngineBuilder[];
  /** The engines (one unless --docker-host is repeated) and what the session created on each. */
  pool: EnginePool;
  evaluator: Evaluator;
  /** The container network and why (networkChoice), for the run's first line. */
  network: { mode: string; why: string };
}

/** What decides an outcome besides the build context: the evaluation's settings and the http probes' own. */
export type OutcomeSettings = EvaluationSettings & Pick<Settings, 'expectStatus' | 'expectBody' | 'header' | 'insecure' | 'platform'>;

export type SessionSettings = OutcomeSettings & Pick<Settings, 'dockerHost' | 'engineTimeout' | 'cache' | 'cacheDir' | 'builder' | 'given'>;

/**
 * Everything besides the build context that decides an outcome, as stable JSON: the cache key's
 * other half. Not the repository's location: another clone with the same content shares verdicts.
 */
export function cacheConfiguration(s: OutcomeSettings, builders?: readonly EngineBuilder[]): string {
  return JSON.stringify({
    contextDir: s.context,
    dockerfile: s.file,
    buildArgs: Object.fromEntries(Object.entries(s.buildArg).sort()),
    target: s.target ?? null,
    buildNetwork: s.buildNetwork ?? null,
    // What built the images: the kinds the engines use, once known (auto is decided per engine).
    builder: builders ? [...new Set(builders.map((b) => b.builder))].sort().join('+') : s.builder,
    secrets: secretFingerprints(s.secret),
    platform: s.imagePlatform ?? null,
    network: s.network,
    env: containerEnvironment(s).sort(),
    limits: resourceLimits(s),
    // How commits are deployed: by which platform's manifest (each commit's contract is in its outcome's fingerprint).
    deployment: { platform: s.platform, manifest: s.manifest ?? null, service: s.service ?? null },
    probes: s.probe.map((p) => p.spec),
    probeSettings: {
      expectStatus: s.expectStatus.text,
      expectBody: s.expectBody?.source ?? null,
      headers: Object.keys(s.header).length > 0 ? s.header : null,
      insecure: s.insecure,
    },
    failOnLog: s.failOnLog.map((f) => f.pattern.source),
    defaultHttp: s.defaultHttp,
    healthIntervalMs: s.healthInterval ?? null,
    timeoutMs: s.timeout,
  });
}

/** Where verdicts are remembered: `--cache-dir`, else the default; false with `--no-cache`. */
export function verdictCacheDir(s: Pick<Settings, 'cache' | 'cacheDir'>): string | false {
  return s.cache ? (s.cacheDir ?? defaultCacheDir()) : false;
}

/** Connects to the engines, checks the container network exists on each, and sets up the evaluator. */
export async function openSession(
  settings: SessionSettings,
  events: SessionEvents,
  { useCache = true, deployments }: { useCache?: boolean; deployments?: Deployments } = {},
): Promise<OpenSession> {
  const engines = await connectEngines(settings.dockerHost, undefined, settings.engineTimeout);
  const remote = engines.find((e) => e.machine !== 'local');
  if (remote && settings.probe.some((p) => p.hostPort !== undefined)) {
    throw new UsageError(
      `http and tcp probes reach 127.0.0.1 on this machine, not the containers of the engine at ${remote.endpoint}: probe inside the container instead (healthcheck, exec:, log:, exit:, running:)`,
    );
  }
  for (const engine of engines) {
    if (settings.network === 'host' || settings.network === 'none') break;
    try {
      await engine.docker.getNetwork(settings.network).inspect();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      throw new UsageError(
        `the Docker engine at ${engine.endpoint} has no network '${settings.network}' (is dockerd running with --bridge=none? \`deploybisect doctor\` lists its networks): use --network host or --network none`,
      );
    }
  }
  const sessionId = randomBytes(4).toString('hex');
  const pool = new EnginePool(engines, sessionId, (held) => events.held?.(held, sessionId));
  const builders = await chooseBuilders(pool, settings, events);
  await pool.watch();
  const cacheDir = useCache ? verdictCacheDir(settings) : false;
  const cache =
    cacheDir === false ? undefined : new VerdictCache(cacheDir, cacheConfiguration(settings, builders), (m) => events.notice?.(m));
  const { mode, why } = networkChoice(settings.network, settings.given.network !== undefined, undefined);
  const network = { mode, why };
  const evaluator = new Evaluator(pool, settings, events, cache, systemClock, deployments);
  return { sessionId, builders, pool, evaluator, network };
}
