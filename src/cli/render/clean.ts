/** `clean`'s output: the sessions found (what would be removed, what --older-than keeps), what was removed, and its JSON. */
import type { KindCounts } from '../../docker/labelled-objects.js';
import { formatAge } from '../../duration.js';
import type { CleanPlan, SessionGroup } from '../../session/clean-plan.js';

/** What `clean` did: removed (what it could), listed only (--dry-run), or nothing, as the person asked said. */
export type CleanStatus = 'removed' | 'dry-run' | 'declined';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `1 container, 2 images` (kinds with none left out; `nothing` when all are none). */
export function countsText(counts: KindCounts): string {
  const parts = (['container', 'image', 'network', 'volume'] as const)
    .filter((kind) => counts[`${kind}s`] > 0)
    .map((kind) => plural(counts[`${kind}s`], kind));
  if (parts.length === 0) return 'nothing';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

const ageText = (group: SessionGroup): string => (group.ageMs === undefined ? 'age unknown' : `${formatAge(group.ageMs)} old`);

function sessionLines(group: SessionGroup, note = ''): string[] {
  const running = group.running > 0 ? ` (${group.running} running)` : '';
  const lines = [`  ${group.sessionId}  ${ageText(group).padEnd(11)} ${countsText(group.counts)}${running}${note}`];
  if (group.engines.length > 1) for (const e of group.engines) lines.push(`      ${e.endpoint}: ${countsText(e.counts)}`);
  return lines;
}

/** The sessions found on the engines, one line each, oldest first; those --older-than keeps, marked. */
export function renderCleanList(plan: CleanPlan, endpoints: readonly string[], olderThan?: string): string {
  const where = endpoints.join(', ');
  const found = plan.remove.length + plan.keep.length;
  if (found === 0) return `nothing labelled deploybisect.session on ${where}`;
  return [
    `${plural(found, 'session')} left by deploybisect on ${where}:`,
    ...plan.remove.flatMap((group) => sessionLines(group)),
    ...plan.keep.flatMap((group) => sessionLines(group, `  (kept: newer than --older-than ${olderThan ?? ''})`)),
  ].join('\n');
}

function minus(a: KindCounts, b: KindCounts): KindCounts {
  return {
    containers: a.containers - b.containers,
    images: a.images - b.images,
    networks: a.networks - b.networks,
    volumes: a.volumes - b.volumes,
  };
}

/** The last line: what was removed (and what could not be), would be removed, or that nothing was. */
export function cleanSummary(status: CleanStatus, plan: CleanPlan, removed: KindCounts): string {
  const sessions = plural(plan.remove.length, 'session');
  if (plan.remove.length === 0) return 'nothing to remove';
  if (status === 'dry-run') return `dry run: would remove ${countsText(plan.counts)} of ${sessions}; nothing removed`;
  if (status === 'declined') return 'nothing removed';
  const left = minus(plan.counts, removed);
  const failed = countsText(left) === 'nothing' ? '' : `; ${countsText(left)} could not be removed`;
  return `removed ${countsText(removed)} of ${sessions}${failed}`;
}

function sessionJson(group: SessionGroup) {
  return {
    sessionId: group.sessionId,
    ...(group.createdMs !== undefined ? { createdAt: new Date(group.createdMs).toISOString(), ageMs: group.ageMs } : {}),
    running: group.running,
    ...group.counts,
    engines: group.engines.map((e) => ({ endpoint: e.endpoint, ...e.counts })),
  };
}

/**
 * `clean --json`: `status`, what was removed by kind (all 0 for a dry run or a "no"), the sessions
 * removed (or that would be), and the sessions --older-than kept.
 */
export function cleanJson(status: CleanStatus, plan: CleanPlan, removed: KindCounts) {
  return { status, ...removed, sessions: plan.remove.map(sessionJson), kept: plan.keep.map(sessionJson) };
}
