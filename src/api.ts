/**
 * The library: `bisect`, `testCommit`, `narrow` and `explain`, taking the config file's options (the same
 * schema, the same defaults as the command line), reporting progress as events, cancelled by an
 * AbortSignal, and returning the objects the CLI prints with --json. Both the CLI and this file turn
 * their input into the one typed Settings object (src/options/settings.ts) and call the session.
 */
import type { EventEmitter } from 'node:events';

import type { ConfigOptions } from './options/config-options.js';
import { validateConfig } from './options/config-schema.js';
import type { CommandName } from './options/row.js';
import { resolveSettings, type Settings } from './options/settings.js';
import type { SessionEvents } from './session/events.js';
import { explainRange, type ExplainRangeResult } from './session/explain-range.js';
import { runNarrow, type NarrowResult } from './session/narrow/run-narrow.js';
import { searchThenNarrow } from './session/narrow/search-then-narrow.js';
import type { BisectResult } from './session/result.js';
import { testCommit as runTestCommit, type TestCommitResult } from './session/test-commit.js';

export type { ConfigOptions } from './options/config-options.js';

/** Where the repository is, and how the call reports and stops, besides the config's options. */
export interface CallOptions extends ConfigOptions {
  /** The repository (any directory inside it); default: the current directory. */
  repo?: string;
  /** Cancels the run: its containers and images are removed, and the promise rejects. */
  signal?: AbortSignal;
  /**
   * Progress: an EventEmitter that gets `start`, `step` (a commit about to be evaluated), `phase`,
   * `build-step` (a Dockerfile step starting to build), `build-output`, `output` (container lines; only when it has listeners), `probe` (each probe's
   * result), `verdict`, `notice`, `cleanup` and `done` (the result) — or the callbacks of SessionEvents.
   */
  events?: EventEmitter | SessionEvents;
}

export interface BisectCallOptions extends CallOptions {
  good: string;
  bad: string;
  /** The saved state's file (default under the cache directory), or false for none. */
  state?: string | false;
  /** Discard the saved state and start over. */
  restart?: boolean;
  /** Verdicts a person knows: `<commit>=good|bad|skip`. */
  mark?: string[];
}

/** Keys the library takes besides the config's: they say something about one call. */
const PER_CALL = ['repo', 'state', 'restart', 'mark', 'parent'] as const;

/**
 * The Settings of a library call: the table's defaults, then the caller's values (validated as the
 * config file would be, with the same messages).
 */
export function settingsOf(
  command: CommandName,
  options: ConfigOptions & { repo?: string; state?: string | false; restart?: boolean; mark?: string[]; parent?: string },
): Settings {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const config = Object.fromEntries(Object.entries(given).filter(([k]) => !(PER_CALL as readonly string[]).includes(k)));
  validateConfig('options', config);
  return resolveSettings({ command, given });
}

/** Finds the first commit between `good` and `bad` whose deployment fails. */
export async function bisect(options: BisectCallOptions): Promise<BisectResult> {
  const { good, bad, signal, events, ...rest } = options;
  const call = { ...(signal ? { signal } : {}), events: sessionEvents(events) };
  return done(call.events, await searchThenNarrow(settingsOf('run', rest), { good, bad }, call));
}

/** Builds and probes one commit. */
export async function testCommit(options: CallOptions & { commit: string }): Promise<TestCommitResult> {
  const { commit, signal, events, ...rest } = options;
  const call = { ...(signal ? { signal } : {}), events: sessionEvents(events) };
  return done(call.events, await runTestCommit(settingsOf('test', rest), commit, call));
}

/**
 * Narrows a failing commit to the change that breaks it: its parent (or `parent`) with subsets of
 * its changes applied, built and probed, until a passing and a failing configuration differ by a
 * 1-minimal set of changes (`NarrowResult`, as `deploybisect narrow --json` prints it).
 */
export async function narrow(options: CallOptions & { commit: string; parent?: string }): Promise<NarrowResult> {
  const { commit, signal, events, ...rest } = options;
  const call = { ...(signal ? { signal } : {}), events: sessionEvents(events) };
  return done(call.events, await runNarrow(settingsOf('narrow', rest), commit, call));
}

/** What changed in the deployment between two commits (git objects only: no engine needed). */
export function explain(
  options: Pick<ConfigOptions, 'file' | 'context' | 'target'> & { repo?: string; good: string; bad: string },
): Promise<ExplainRangeResult> {
  const { good, bad, ...rest } = options;
  return explainRange(settingsOf('explain', rest), good, bad);
}

function done<T>(events: SessionEvents, result: T): T {
  (events as { done?(result: unknown): void }).done?.(result);
  return result;
}

/** SessionEvents that emit on an EventEmitter (or the callbacks as given). */
export function sessionEvents(target: EventEmitter | SessionEvents | undefined): SessionEvents {
  if (target === undefined) return {};
  if (typeof (target as EventEmitter).emit !== 'function') return target as SessionEvents;
  const emitter = target as EventEmitter;
  const events: SessionEvents & { done?(result: unknown): void } = {
    start: (e) => emitter.emit('start', e),
    evaluate: (e) => emitter.emit('step', e),
    phase: (sha, phase) => emitter.emit('phase', { sha, phase }),
    buildOutput: (sha, line) => emitter.emit('build-output', { sha, line }),
    buildStep: (sha, step) => emitter.emit('build-step', { sha, step }),
    verdict: (e) => {
      for (const probe of e.outcome.probes) emitter.emit('probe', { sha: e.sha, ...probe });
      emitter.emit('verdict', e);
    },
    notice: (message) => emitter.emit('notice', message),
    cleanup: (removed, sessionId) => emitter.emit('cleanup', { ...removed, sessionId }),
    done: (result) => emitter.emit('done', result),
  };
  // Following container output costs a log stream per container: only when someone listens.
  if (emitter.listenerCount('output') > 0) events.containerLine = (sha, line) => emitter.emit('output', { sha, line });
  return events;
}
