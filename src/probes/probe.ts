import type Docker from 'dockerode';

import type { LogWatcher } from '../docker/log-watcher.js';
import type { ExitInfo } from '../docker/run-container.js';
import type { Clock } from './clock.js';

/** What a probe may look at: the running container, how to reach it, and how it ended if it did. */
export interface ProbeTarget {
  docker: Docker;
  container: Docker.Container;
  /**
   * Resolves with a one-line reason when probing must end at once: the container stopped
   * (`container exited with code 1`) or another probe already failed. Never rejects.
   */
  stop: Promise<string>;
  /** Resolves when the container has stopped, with its exit code (for the exit probe). */
  exited: Promise<ExitInfo>;
  /** The container's output, live. */
  logs: LogWatcher;
  /** Masks secret values in text a probe keeps as evidence (exec output, response bodies). */
  redact(text: string): string;
  /** Host port published for a container port in bridge mode; undefined when not published. */
  publishedPort(containerPort: number): number | undefined;
  networkMode: string;
  clock: Clock;
  /**
   * Set when the engine records HEALTHCHECK results but does not schedule the checks (Podman without
   * systemd): the healthcheck probe runs one every `intervalMs` itself.
   */
  healthcheckDriver?: { intervalMs: number; run(): Promise<void> };
  /**
   * Set when the HEALTHCHECK runs more often than the image says and the engine is told never to
   * call it unhealthy: the probe does, once `failures` checks in a row have failed and `afterMs`
   * (the image's start period plus interval × retries) has passed since the probe began.
   */
  healthTolerance?: HealthTolerance;
}

export interface HealthTolerance {
  failures: number;
  afterMs: number;
}

export interface ProbeResult {
  kind: string;
  /** The probe as the user wrote it. */
  spec: string;
  ok: boolean;
  elapsedMs: number;
  /** One line: why it passed or failed. Stable across commits for the same failure (used as a signature). */
  reason: string;
  /** Facts behind the verdict: status code, body excerpt, health log, exit code... */
  evidence?: Record<string, unknown>;
}

/** One way of telling a healthy deployment from a broken one. */
export interface Probe {
  readonly kind: string;
  readonly spec: string;
  /**
   * The container port the probe reaches from the host (http, tcp): published in bridge mode, out of
   * reach on a remote engine or without a network. Absent: it runs inside the container or watches it.
   */
  readonly hostPort?: number;
  /** The probe cannot pass before this long (`running:<duration>`). */
  readonly passesAfterMs?: number;
  /** The probe judges how the container ends (`exit:<code>`): its stopping is the evidence, not a reason to stop probing. */
  readonly waitsForExit?: boolean;
  /** Checks until `deadline` (absolute, clock scale). Never throws for a failing service: returns ok=false. */
  check(target: ProbeTarget, deadline: number): Promise<ProbeResult>;
}

/** Starts a probe's stopwatch; the returned function builds its result with the elapsed time. */
export function startResult(
  probe: Pick<Probe, 'kind' | 'spec'>,
  clock: Clock,
): (ok: boolean, reason: string, evidence?: Record<string, unknown>) => ProbeResult {
  const start = clock.now();
  return (ok, reason, evidence) => ({
    kind: probe.kind,
    spec: probe.spec,
    ok,
    elapsedMs: clock.now() - start,
    reason,
    ...(evidence ? { evidence } : {}),
  });
}
