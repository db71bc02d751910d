import type { ImageFacts } from '../../docker/engine-adapter.js';
import { formatDuration } from '../../duration.js';
import { HealthcheckProbe } from '../../probes/healthcheck-probe.js';
import { HttpProbe } from '../../probes/http-probe.js';
import { DEFAULT_RUNNING_MS } from '../../probes/parse-probe.js';
import type { HealthTolerance, Probe } from '../../probes/probe.js';
import { RunningProbe } from '../../probes/running-probe.js';
import { parseStatusMatcher } from '../../probes/status-matcher.js';

export type { ImageFacts } from '../../docker/engine-adapter.js';

export interface ProbePlanOptions {
  /** The parsed `--probe`s; empty = the defaults. */
  userProbes: readonly Probe[];
  network: string;
  /** `--no-default-http` turns the default HTTP GET off. */
  defaultHttp: boolean;
  healthIntervalMs?: number;
  /** The probes' deadline: the default running probe must be able to pass within it. */
  timeoutMs?: number;
}

export interface ProbePlan {
  probes: Probe[];
  /** HEALTHCHECK timing overrides in nanoseconds (the engine keeps the image's test). */
  healthcheck?: { Interval?: number; Retries?: number };
  /** When the checks run more often than the image says: when the probe calls them failed (the image's tolerance). */
  healthTolerance?: HealthTolerance;
  /** Container ports to publish in bridge mode. */
  publish: number[];
}

const NS_PER_MS = 1_000_000;
/**
 * When the user does not set --health-interval, checks run at most this far apart; the image's
 * tolerance for failures (its start period plus interval × retries, and retries failures in a row)
 * is kept by the probe, which calls the check failed only then.
 */
export const FAST_HEALTH_INTERVAL_MS = 500;
/** The engine is told to allow this many failures in a row: the probe decides (see FAST_HEALTH_INTERVAL_MS). */
export const ENGINE_RETRIES_UNBOUNDED = 1_000_000;
/** The default HTTP probe accepts any answer that is not a server error: the service is up and serving. */
const DEFAULT_HTTP_STATUS = '100-499';

/**
 * The probes for one image. With `--probe`s, those. Without: the image's HEALTHCHECK when it has one;
 * else `running:10s`, plus an HTTP GET / on the first EXPOSEd tcp port when the network lets us reach it.
 */
export function planProbes(image: ImageFacts, options: ProbePlanOptions): ProbePlan {
  const check = image.healthcheck;
  const hasHealthcheck = Boolean(check?.Test && check.Test.length > 0 && check.Test[0] !== 'NONE');
  let probes = [...options.userProbes];
  if (probes.length === 0) {
    if (hasHealthcheck) {
      probes = [new HealthcheckProbe()];
    } else {
      // running:10s, or a second less than a shorter --timeout (it must be able to pass).
      const timeout = options.timeoutMs ?? Infinity;
      const runningMs = timeout > DEFAULT_RUNNING_MS + 1000 ? DEFAULT_RUNNING_MS : Math.max(Math.floor(timeout / 2), timeout - 1000);
      probes = [new RunningProbe(`running:${formatDuration(runningMs)}`, runningMs)];
      const port = firstTcpPort(image.exposedPorts);
      if (options.defaultHttp && options.network !== 'none' && port !== undefined) {
        probes.push(new HttpProbe(`http://127.0.0.1:${port}/`, { expectStatus: parseStatusMatcher(DEFAULT_HTTP_STATUS) }));
      }
    }
  }
  const publish = [...new Set(probes.flatMap((p) => (p.hostPort === undefined ? [] : [p.hostPort])))];
  const plan: ProbePlan = { probes, publish };
  const timing = hasHealthcheck ? healthTiming(check!, options.healthIntervalMs) : undefined;
  if (timing) plan.healthcheck = timing.healthcheck;
  if (timing?.tolerance) plan.healthTolerance = timing.tolerance;
  return plan;
}

function firstTcpPort(exposed: string[]): number | undefined {
  const ports = exposed.filter((p) => !p.endsWith('/udp')).map((p) => Number(p.split('/')[0]));
  return ports.find((p) => Number.isInteger(p) && p > 0);
}

export function healthTiming(
  check: NonNullable<ImageFacts['healthcheck']>,
  overrideMs: number | undefined,
): { healthcheck: NonNullable<ProbePlan['healthcheck']>; tolerance?: HealthTolerance } | undefined {
  if (overrideMs !== undefined) return { healthcheck: { Interval: overrideMs * NS_PER_MS } };
  const intervalMs = (check.Interval || 30_000 * NS_PER_MS) / NS_PER_MS;
  const retries = check.Retries || 3;
  if (intervalMs <= FAST_HEALTH_INTERVAL_MS) return undefined;
  // Checked more often, so healthy is seen sooner; the same tolerance for failures, kept by the probe
  // in time (the engine's own count would shrink it, and its checks drift by each check's duration).
  const startPeriodMs = (check.StartPeriod ?? 0) / NS_PER_MS;
  return {
    healthcheck: { Interval: FAST_HEALTH_INTERVAL_MS * NS_PER_MS, Retries: ENGINE_RETRIES_UNBOUNDED },
    tolerance: { failures: retries, afterMs: startPeriodMs + intervalMs * retries },
  };
}
