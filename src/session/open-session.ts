import { randomBytes } from 'node:crypto';
import { EnginePool } from '../docker/engine-pool.js';
import { connectEngines } from '../docker/engine.js';
import { UsageError } from '../errors.js';
import type { SessionEvents } from './events.js';
import { Evaluator, type EvaluatorOptions } from './evaluator.js';
import { defaultCacheDir, VerdictCache } from './verdict-cache.js';

export interface OpenSession {
  sessionId: string;
  /** The engines (one unless --docker-host is repeated) and what the session created on each. */
  pool: EnginePool;
  evaluator: Evaluator;
}

/** Where the Docker engines are: `--docker-host` (repeatable); none = DOCKER_HOST, the docker context, the default socket. */
export interface EngineOptions {
  dockerHosts?: string[];
  /** How long one engine call may go unanswered (builds and waits excepted); default 2 min. */
  engineTimeoutMs?: number;
}

/**
 * Everything besides the build context that decides an outcome, as stable JSON: the cache key's
 * other half. Not the repository's location: another clone with the same content shares verdicts.
 */
export function cacheConfiguration(o: Omit<EvaluatorOptions, 'logLines' | 'cache'>): string {
  // An explicit list: callers pass richer objects (refs, signals, engine addresses) that must not count.
  return JSON.stringify({
    contextDir: o.contextDir,
    dockerfile: o.dockerfile,
    buildArgs: Object.fromEntries(Object.entries(o.buildArgs).sort()),
    target: o.target ?? null,
    buildNetwork: o.buildNetwork ?? null,
    platform: o.platform ?? null,
    network: o.network,
    env: [...o.env].sort(),
    limits: o.limits,
    probes: o.probes,
    probeSettings: {
      expectStatus: o.probeSettings.expectStatus?.text ?? null,
      expectBody: o.probeSettings.expectBody?.source ?? null,
      headers: o.probeSettings.headers ?? null,
      insecure: o.probeSettings.insecure ?? false,
    },
    failOnLog: o.failOnLog,
    defaultHttp: o.defaultHttp,
    healthIntervalMs: o.healthIntervalMs ?? null,
    timeoutMs: o.timeoutMs,
  });
}

/** Lines of container (or build) output kept with each outcome. */
export const LOG_TAIL_LINES = 20;

/** Connects to the engines, checks the container network exists on each, and sets up the evaluator. */
export async function openSession(
  options: Omit<EvaluatorOptions, 'logLines' | 'cache' | 'reuseImages'> & EngineOptions & { cacheDir?: string | false; keepImages?: boolean },
  events: SessionEvents,
): Promise<OpenSession> {
  const engines = await connectEngines(options.dockerHosts, undefined, options.engineTimeoutMs);
  const remote = engines.find((e) => e.machine !== 'local');
  if (remote && options.probes.some((spec) => /^(https?|tcp):\/\//i.test(spec))) {
    throw new UsageError(
      `http and tcp probes reach 127.0.0.1 on this machine, not the containers of the engine at ${remote.endpoint}: probe inside the container instead (healthcheck, exec:, log:, exit:, running:)`,
    );
  }
  for (const engine of engines) {
    if (options.network === 'host' || options.network === 'none') break;
    try {
      await engine.docker.getNetwork(options.network).inspect();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      throw new UsageError(
        `the Docker engine at ${engine.endpoint} has no network '${options.network}' (is dockerd running with --bridge=none?): use --network host or --network none`,
      );
    }
  }
  const sessionId = randomBytes(4).toString('hex');
  const pool = new EnginePool(engines, sessionId);
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const cache = cacheDir === false ? undefined : new VerdictCache(cacheDir, cacheConfiguration(options));
  const evaluator = new Evaluator(
    pool,
    { ...options, logLines: LOG_TAIL_LINES, reuseImages: Boolean(options.keepImages), ...(cache ? { cache } : {}) },
    events,
  );
  return { sessionId, pool, evaluator };
}
