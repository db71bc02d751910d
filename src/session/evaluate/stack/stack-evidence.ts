/**
 * What a stack's outcome says: the failing service in its signature (`db: container exited with code
 * 1`), compose's own words for it first, then that service's decisive lines, then the other services'
 * last lines, each marked with its service (`web | …`). Pure.
 */
import { chooseLines, type LineGap } from '../../../text/decisive-lines.js';
import type { StackFailure } from './stack-instance.js';

/** Lines of each other service's output kept after the failing one's. */
export const OTHER_SERVICE_LINES = 3;

export interface ServiceOutput {
  service: string;
  lines: string[];
}

/** `db: has no healthcheck configured (web waits for service_healthy)`: stable across commits. */
export function failureSignature(failure: StackFailure): string {
  const waiting = failure.dependent ? ` (${failure.dependent.service} waits for ${failure.dependent.condition})` : '';
  return `${failure.service}: ${failure.reason}${waiting}`;
}

/** The failure as `docker compose up` words it: `dependency failed to start: container db is unhealthy`. */
export function composeWords(failure: StackFailure): string {
  const { service, reason } = failure;
  const exit = /^didn't complete successfully: (.*)$/.exec(reason);
  if (exit) return `service "${service}" didn't complete successfully: ${exit[1]!}`;
  const exited = /^container exited with code (\d+)$/.exec(reason);
  const words =
    reason === 'unhealthy'
      ? `container ${service} is unhealthy`
      : reason === 'has no healthcheck configured'
        ? `container ${service} has no healthcheck configured`
        : exited
          ? `container ${service} exited (${exited[1]!})`
          : `${service}: ${reason}`;
  return failure.dependent ? `dependency failed to start: ${words}` : words;
}

/**
 * The evidence within `budget` lines: `lead` first, the `focus` service's decisive and last lines (as
 * printed, so the failure patterns read them as they read a lone container's), the others' last lines.
 */
export function stackEvidence(
  outputs: readonly ServiceOutput[],
  focus: string,
  budget: number,
  lead: readonly string[] = [],
): { logTail: string[]; logGaps?: LineGap[] } {
  const others = outputs
    .filter((o) => o.service !== focus && o.lines.length > 0)
    .flatMap((o) => o.lines.slice(-OTHER_SERVICE_LINES).map((line) => `${o.service} | ${line}`));
  const own = outputs.find((o) => o.service === focus)?.lines ?? [];
  const room = Math.max(Math.ceil(budget / 2), budget - lead.length - others.length);
  const chosen = chooseLines(own, room);
  const gaps = chosen.gaps.map((gap) => ({ ...gap, before: gap.before + lead.length }));
  return { logTail: [...lead, ...chosen.lines, ...others], ...(gaps.length > 0 ? { logGaps: gaps } : {}) };
}
