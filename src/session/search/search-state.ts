/**
 * The saved state that makes a search resumable, and what earlier runs of the same search left on
 * the engines (a `kill -9`, a lost engine, a reboot).
 */
import { hostname } from 'node:os';

import type { EnginePool } from '../../docker/engine-pool.js';
import { cleanLabelled, removedAny, removedText, sumRemoved, type Removed } from '../../docker/resource-tracker.js';
import { absoluteGitDir } from '../../git/refs.js';
import type { Settings } from '../../options/settings.js';
import { count } from '../../text/plural.js';
import { shortTimestamp } from '../../text/timestamp.js';
import type { SessionEvents } from '../events.js';
import { cacheConfiguration, type OutcomeSettings } from '../open-session.js';
import { defaultStatePath, processAlive, RunState } from '../run-state.js';
import { defaultCacheDir } from '../verdict-cache.js';

export type StateSettings = OutcomeSettings &
  Pick<
    Settings,
    'state' | 'restart' | 'cache' | 'cacheDir' | 'regression' | 'firstParent' | 'runs' | 'flaky' | 'confidence' | 'flakeRate' | 'maxRuns'
  >;

/** The saved state of this repository and range (resumes an interrupted run), unless turned off. */
export async function openState(
  s: StateSettings,
  range: { good: string; bad: string },
  events: SessionEvents,
): Promise<RunState | undefined> {
  if (s.state === false) return undefined;
  const identity = {
    repo: await absoluteGitDir(s.repo),
    good: range.good,
    bad: range.bad,
    configuration: JSON.stringify({
      outcome: JSON.parse(cacheConfiguration(s)),
      regression: s.regression,
      firstParent: s.firstParent,
      runs: s.runs,
      flaky: s.flaky
        ? { confidence: s.confidence, ...(s.flakeRate !== undefined ? { flakeRate: s.flakeRate } : {}), maxRuns: s.maxRuns }
        : null,
    }),
  };
  // The state lives in the cache directory, or in the default one when the verdict cache is off.
  const cacheBase = s.cache ? (s.cacheDir ?? defaultCacheDir()) : defaultCacheDir();
  const path = s.state ?? defaultStatePath(cacheBase, identity);
  const state = new RunState(path, identity, { restart: s.restart, onWriteError: (m) => events.notice?.(m) });
  if (state.discarded) events.notice?.(`not resuming from ${path}: ${state.discarded}; starting over`);
  else if (state.finishedAt)
    events.notice?.(`replaying the search finished on ${shortTimestamp(state.finishedAt)} (${path}); --restart to run it again`);
  else if (state.loaded > 0) events.notice?.(`resuming: ${count(state.loaded, 'run')} already known from ${path}`);
  return state;
}

/** Removes what earlier runs of this search left, on every engine, once their process is gone. */
export async function reapEarlierRuns(state: RunState, pool: EnginePool, events: SessionEvents): Promise<void> {
  for (const earlier of state.earlierSessions) {
    if (earlier.host !== hostname() || processAlive(earlier.pid)) continue;
    const removed = await Promise.all(pool.lanes.map((lane) => cleanLabelled(lane.engine.docker, earlier.id).catch(() => undefined)));
    if (removed.some((r) => r === undefined)) continue; // an engine did not answer: try again next time
    const total = sumRemoved(removed as Removed[]);
    // A stack's networks and volumes count too: a run killed mid-stack may leave only those.
    if (removedAny(total)) events.notice?.(`removed ${removedText(total)} left by an earlier run of this search (session ${earlier.id})`);
    state.forget(earlier.id);
  }
}
