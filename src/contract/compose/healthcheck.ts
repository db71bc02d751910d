/**
 * A service's `healthcheck:` with compose's defaults, which are the Dockerfile HEALTHCHECK's (moby
 * reference): interval 30s, timeout 30s, retries 3, start_period 0s, start_interval 5s. `disable: true`
 * and `test: ["NONE"]` turn the image's check off; a string test is `CMD-SHELL`; no test keeps the
 * image's command with the timings given.
 */
import { isMapping } from './canonical.js';
import { parseGoDuration } from './go-duration.js';
import type { ComposeHealthcheck, HealthTest } from './model.js';
import { booleanAt, integerAt, type FailAt } from './values.js';
import type { TreePath } from './yaml-file.js';

export const HEALTHCHECK_DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  retries: 3,
  startPeriodMs: 0,
  startIntervalMs: 5_000,
} as const;

type TimingKey = 'interval' | 'timeout' | 'start_period' | 'start_interval';

function durationAt(value: unknown, path: TreePath, failAt: FailAt): number | null {
  if (value === null || value === undefined) return null;
  const ms = parseGoDuration(String(value));
  if (ms === null || ms < 0) return failAt(path, `${path.join('.')}: invalid duration ${JSON.stringify(value)}`);
  return ms;
}

/** The test, or 'NONE', or null for "the image's command". */
function testOf(value: unknown, path: TreePath, failAt: FailAt): HealthTest | 'NONE' | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return { kind: 'CMD-SHELL', command: value };
  const words = (value as unknown[]).map(String);
  if (words.length === 0) return null;
  const [form, ...rest] = words;
  if (form === 'NONE') return 'NONE';
  if (form === 'CMD') return { kind: 'CMD', argv: rest };
  if (form === 'CMD-SHELL') return { kind: 'CMD-SHELL', command: rest.join(' ') };
  return failAt(path, 'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"');
}

export function toHealthcheck(value: unknown, path: TreePath, failAt: FailAt): ComposeHealthcheck | null {
  if (!isMapping(value)) return null;
  if (booleanAt(value['disable'], [...path, 'disable'], failAt) === true) return { kind: 'disabled', by: 'disable' };
  const test = testOf(value['test'], [...path, 'test'], failAt);
  if (test === 'NONE') return { kind: 'disabled', by: 'NONE' };
  const timing = (key: TimingKey): number | null => durationAt(value[key], [...path, key], failAt);
  const retries = integerAt(value['retries'], [...path, 'retries'], failAt);
  const given = (['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval'] as const).filter(
    (key) => value[key] !== undefined && value[key] !== null,
  );
  return {
    kind: 'check',
    test,
    intervalMs: timing('interval') ?? HEALTHCHECK_DEFAULTS.intervalMs,
    timeoutMs: timing('timeout') ?? HEALTHCHECK_DEFAULTS.timeoutMs,
    retries: retries ?? HEALTHCHECK_DEFAULTS.retries,
    startPeriodMs: timing('start_period') ?? HEALTHCHECK_DEFAULTS.startPeriodMs,
    startIntervalMs: timing('start_interval') ?? HEALTHCHECK_DEFAULTS.startIntervalMs,
    given,
  };
}
