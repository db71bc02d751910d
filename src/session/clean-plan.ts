/**
 * What `clean` would remove, grouped by session: pure, from the labelled objects each engine listed.
 * A session's age is that of its oldest object; `--older-than` keeps the sessions younger than it
 * (and those whose age no engine says).
 */
import { addCounts, countKinds, noCounts, type KindCounts, type LabelledObject } from '../docker/labelled-objects.js';

/** The labelled objects one engine listed. */
export interface EngineObjects {
  endpoint: string;
  objects: readonly LabelledObject[];
}

export interface SessionGroup {
  sessionId: string;
  /** When its oldest object was created (ms since the epoch), when an engine said. */
  createdMs?: number;
  /** How old that makes it, at the time of the listing. */
  ageMs?: number;
  /** Containers still running: a run may be using them now. */
  running: number;
  counts: KindCounts;
  /** Where its objects are: one entry per engine that has some. */
  engines: { endpoint: string; counts: KindCounts }[];
}

export interface CleanPlan {
  /** The sessions to remove, oldest first. */
  remove: SessionGroup[];
  /** The sessions `--older-than` keeps, oldest first. */
  keep: SessionGroup[];
  /** What `remove` holds, by kind. */
  counts: KindCounts;
}

function groupOf(sessionId: string, found: readonly EngineObjects[], nowMs: number): SessionGroup {
  const engines = found
    .map(({ endpoint, objects }) => ({ endpoint, objects: objects.filter((o) => o.sessionId === sessionId) }))
    .filter((e) => e.objects.length > 0);
  const all = engines.flatMap((e) => e.objects);
  const times = all.flatMap((o) => (o.createdMs === undefined ? [] : [o.createdMs]));
  const createdMs = times.length > 0 ? Math.min(...times) : undefined;
  return {
    sessionId,
    ...(createdMs !== undefined ? { createdMs, ageMs: Math.max(0, nowMs - createdMs) } : {}),
    running: all.filter((o) => o.running).length,
    counts: countKinds(all),
    engines: engines.map((e) => ({ endpoint: e.endpoint, counts: countKinds(e.objects) })),
  };
}

const oldestFirst = (a: SessionGroup, b: SessionGroup) =>
  (a.createdMs ?? Infinity) - (b.createdMs ?? Infinity) || a.sessionId.localeCompare(b.sessionId);

/** The sessions found, split into those to remove and those `olderThanMs` keeps. */
export function planClean(found: readonly EngineObjects[], options: { nowMs: number; olderThanMs?: number }): CleanPlan {
  const ids = [...new Set(found.flatMap((e) => e.objects.map((o) => o.sessionId)))];
  const groups = ids.map((id) => groupOf(id, found, options.nowMs)).sort(oldestFirst);
  const { olderThanMs } = options;
  const old = (g: SessionGroup) => olderThanMs === undefined || (g.ageMs !== undefined && g.ageMs >= olderThanMs);
  const remove = groups.filter(old);
  return { remove, keep: groups.filter((g) => !old(g)), counts: remove.reduce((sum, g) => addCounts(sum, g.counts), noCounts()) };
}
