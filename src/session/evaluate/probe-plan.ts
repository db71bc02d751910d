import type { ImageFacts } from '../../docker/engine-adapter.js';
import { formatDuration } from '../../duration.js';
import { HealthcheckProbe } from '../../probes/healthcheck-probe.js';
import { HttpProbe } from '../../probes/http-probe.js';
import { DEFAULT_RUNNING_MS } from '../../probes/parse-probe.js';
import type { Probe } from '../../probes/probe.js';
import { RunningProbe } from '../../probes/running-probe.js';
import { parseStatusMatcher } from '../../probes/status-matcher.js';
import { TcpProbe } from '../../probes/tcp-probe.js';

export type { ImageFacts } from '../../docker/engine-adapter.js';

export interface ProbePlanOptions {
  /** The parsed `--probe`s; empty = the defaults. */
  userProbes: Probe[];
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
  /** Container ports to publish in bridge mode. */
  publish: number[];
}

const NS_PER_MS = 1_000_000;
/** When the user does not set --health-interval, checks run at most this far apart (retries scaled to match). */
export const FAST_HEALTH_INTERVAL_MS = 1000;
/** The default HTTP probe accepts any answer that is not a server error: the service is up and serving. */
const DEFAULT_HTTP_STATUS = '100-499';

/**
 * The probes for one image. With `--probe`s, those. Without: the image's HEALTHCHECK when it has one;
 * else `running:10s`, plus an HTTP GET / on the first EXPOSEd tcp port when the network lets us reach it.
 */
export function planProbes(image: ImageFacts, options: ProbePlanOptions): ProbePlan {
  const check = image.healthcheck;
  const hasHealthcheck = Boolean(check?.Test && check.Test.length > 0 && check.Test[0] !== 'NONE');
  let probes = options.userProbes;
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
  const publish = [...new Set(probes.flatMap((p) => (p instanceof HttpProbe ? [p.port] : p instanceof TcpProbe ? [p.port] : [])))];
  const plan: ProbePlan = { probes, publish };
  const healthcheck = hasHealthcheck ? healthTiming(check!, options.healthIntervalMs) : undefined;
  if (healthcheck) plan.healthcheck = healthcheck;
  return plan;
}

function firstTcpPort(exposed: string[]): number | undefined {
  const ports = exposed.filter((p) => !p.endsWith('/udp')).map((p) => Number(p.split('/')[0]));
  return ports.find((p) => Number.isInteger(p) && p > 0);
}

function healthTiming(check: NonNullable<ImageFacts['healthcheck']>, overrideMs: number | undefined): ProbePlan['healthcheck'] {
  if (overrideMs !== undefined) return { Interval: overrideMs * NS_PER_MS };
  const intervalMs = (check.Interval || 30_000 * NS_PER_MS) / NS_PER_MS;
  const retries = check.Retries || 3;
  if (intervalMs <= FAST_HEALTH_INTERVAL_MS) return undefined;
  // Same tolerance for failures (interval × retries), checked more often: healthy is seen sooner.
  return { Interval: FAST_HEALTH_INTERVAL_MS * NS_PER_MS, Retries: Math.ceil((intervalMs * retries) / FAST_HEALTH_INTERVAL_MS) };
}
