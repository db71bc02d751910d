/**
 * Health checks compared one by one (in the manifest's order): what is checked (kind, path, port,
 * method), what counts as healthy (codes, redirects), and the timing (interval, timeout, grace,
 * thresholds, deadline); a check added or removed.
 */
import type { HealthCheck } from '../../contract/contract.js';
import { checkText } from '../../contract/describe.js';
import { codesText } from '../../contract/health-defaults.js';
import { formatDuration } from '../../duration.js';
import type { Finding } from '../finding.js';
import { manifestFinding } from './manifest-finding.js';

const TIMING: [keyof HealthCheck, string, boolean][] = [
  ['intervalMs', 'interval', true],
  ['timeoutMs', 'timeout', true],
  ['graceMs', 'grace period', true],
  ['deadlineMs', 'deadline', true],
  ['failureThreshold', 'failure threshold', false],
  ['successThreshold', 'success threshold', false],
];

export function healthFindings(before: readonly HealthCheck[], after: readonly HealthCheck[], path: string): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const [a, b] = [before[i], after[i]];
    const key = (b ?? a)!.from.keys[0] ?? 'health check';
    if (!a || !b) {
      const text = checkText((a ?? b)!);
      out.push(
        manifestFinding(
          'manifest-health',
          path,
          key,
          a ? text : undefined,
          b ? text : undefined,
          `${path}: health check ${a ? 'removed' : 'added'}: ${text}`,
        ),
      );
      continue;
    }
    const [x, y] = [target(a), target(b)];
    if (x !== y) out.push(manifestFinding('manifest-health', path, key, x, y, `${path}: the health check changed: ${x} → ${y} (${key})`));
    const timing = TIMING.filter(([field]) => a[field] !== b[field]).map(
      ([field, name, ms]) => `${name} ${show(a[field], ms)} → ${show(b[field], ms)}`,
    );
    if (timing.length > 0)
      out.push(
        manifestFinding('manifest-health', path, key, undefined, undefined, `${path}: health check timing: ${timing.join(', ')} (${key})`),
      );
  }
  return out;
}

/** What is checked and what counts as healthy, in one line: `GET /health on 10000 2xx/3xx (headers Cookie)`. */
function target(check: HealthCheck): string {
  const what = checkText({ kind: check.kind, headers: [], graceMs: 0, successThreshold: 1, from: check.from, ...pick(check) });
  const codes = check.successCodes ? ` ${codesText(check.successCodes)}` : '';
  const extra = [
    check.headers.length > 0 ? `headers ${check.headers.map((h) => h.name).join(', ')}` : '',
    check.followRedirects ? 'redirects followed' : '',
  ].filter(Boolean);
  return `${what}${codes}${extra.length > 0 ? ` (${extra.join('; ')})` : ''}`;
}

/** The fields checkText shows, without the timing (compared on its own). */
function pick(check: HealthCheck): Partial<HealthCheck> {
  const { path, port, scheme, method, command, grpcService } = check;
  return {
    ...(path !== undefined ? { path } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(scheme !== undefined ? { scheme } : {}),
    ...(method !== undefined ? { method } : {}),
    ...(command !== undefined ? { command } : {}),
    ...(grpcService !== undefined ? { grpcService } : {}),
  };
}

function show(value: unknown, ms: boolean): string {
  if (value === undefined) return '(none)';
  return ms && typeof value === 'number' ? formatDuration(value) : String(value);
}
