/**
 * The healthcheck a stack's container runs, as compose gives it: the file's over the image's (no
 * `test:` keeps the image's command with the file's timing; `disable` turns the image's off), then
 * checked every 500 ms with the same tolerance for failures, kept in time (probe-plan.ts). Pure.
 */
import type { ComposeHealthcheck } from '../../../contract/compose/model.js';
import type { HealthConfig } from '../../../docker/podman.js';
import type { HealthTolerance } from '../../../probes/probe.js';
import { healthTiming } from '../probe-plan.js';

const NS_PER_MS = 1_000_000;

export interface ServiceHealth {
  /** What the container is created with (absent: the image's, unchanged); `Test: ['NONE']` turns it off. */
  config?: HealthConfig;
  /** The check as the file and image declare it, before it is made faster (the probes' plan reads its tolerance). */
  declared?: HealthConfig;
  /** Whether the container has a check at all (compose: `has no healthcheck configured` otherwise). */
  checks: boolean;
  /** How often the check runs (Podman's are run by us, at this pace). */
  intervalMs: number;
  /** When the checks run more often than the file says: when they count as unhealthy. */
  tolerance?: HealthTolerance;
}

function hasTest(config: HealthConfig | undefined): boolean {
  return Boolean(config?.Test && config.Test.length > 0 && config.Test[0] !== 'NONE');
}

/** The file's check over the image's; `healthIntervalMs`: --health-interval, which sets the pace instead. */
export function serviceHealth(
  image: HealthConfig | undefined,
  compose: ComposeHealthcheck | null,
  healthIntervalMs?: number,
): ServiceHealth {
  if (compose?.kind === 'disabled') return { config: { Test: ['NONE'] }, declared: { Test: ['NONE'] }, checks: false, intervalMs: 0 };
  const merged: HealthConfig | undefined =
    compose === null
      ? image
      : {
          ...(compose.test
            ? { Test: compose.test.kind === 'CMD' ? ['CMD', ...compose.test.argv] : ['CMD-SHELL', compose.test.command] }
            : image?.Test
              ? { Test: image.Test }
              : {}),
          Interval: compose.intervalMs * NS_PER_MS,
          Timeout: compose.timeoutMs * NS_PER_MS,
          Retries: compose.retries,
          StartPeriod: compose.startPeriodMs * NS_PER_MS,
        };
  if (!merged || !hasTest(merged)) return { checks: false, intervalMs: 0 };
  const timing = healthTiming(merged, healthIntervalMs);
  const config = { ...merged, ...(timing?.healthcheck ?? {}) };
  return {
    config,
    declared: merged,
    checks: true,
    intervalMs: (config.Interval || 30_000 * NS_PER_MS) / NS_PER_MS,
    ...(timing?.tolerance ? { tolerance: timing.tolerance } : {}),
  };
}
