/**
 * The library: `bisect`, `testCommit` and `explain`, taking the config file's options (the same
 * schema, the same defaults as the command line), reporting progress as events, cancelled by an
 * AbortSignal, and returning the objects the CLI prints with --json. The CLI is a thin layer over
 * these (program.ts turns its parsed options into the same calls).
 */
import type { EventEmitter } from 'node:events';
import { configKey, configurableOptions, toOptionValue, validateConfig } from './cli/config-file.js';
import { OPTIONS } from './cli/options.js';
import {
  toCacheDir,
  toEngineOptions,
  toEvaluatorOptions,
  toFlakyOptions,
  toJobs,
  toRegression,
  toSourceOptions,
  toStateOptions,
  type RawOptions,
} from './cli/to-options.js';
import type { ConfigOptions } from './config-options.js';
import type { Verdict } from './bisect/index.js';
import type { SessionEvents } from './session/events.js';
import { explainRange, type ExplainRangeResult } from './session/explain-range.js';
import type { BisectResult } from './session/result.js';
import { runBisect } from './session/run-bisect.js';
import { testCommit as runTestCommit, type TestCommitResult } from './session/test-commit.js';

export type { ConfigOptions } from './config-options.js';

/** Where the repository is, and how the call reports and stops, besides the config's options. */
export interface CallOptions extends ConfigOptions {
  /** The repository (any directory inside it); default: the current directory. */
  repo?: string;
  /** Cancels the run: its containers and images are removed, and the promise rejects. */
  signal?: AbortSignal;
  /**
   * Progress: an EventEmitter that gets `start`, `step` (a commit about to be evaluated), `phase`,
   * `build-output`, `output` (container lines; only when it has listeners), `probe` (each probe's
   * result), `verdict`, `notice`, `cleanup` and `done` (the result) — or the callbacks of SessionEvents.
   */
  events?: EventEmitter | SessionEvents;
}

export interface BisectCallOptions extends CallOptions {
  good: string;
  bad: string;
  /** The saved state's file (default under the cache directory), or false for none. */
  state?: string;
  /** Discard the saved state and start over. */
  restart?: boolean;
  /** Verdicts a person knows: `<commit>=good|bad|skip`. */
  mark?: string[];
}

/** Options as the command line would hold them: the table's defaults, then the caller's values. */
export function rawOptions(options: ConfigOptions & { repo?: string; state?: string; restart?: boolean; mark?: string[] }): RawOptions {
  const { repo, state, restart, mark, ...config } = options;
  validateConfig('options', withoutUndefined(config));
  const raw: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    const key = configKey(spec);
    if (/(^|[ ,])--no-/.test(spec.flags) && !OPTIONS.some((o) => o !== spec && configKey(o) === key)) raw[key] = true;
    else if (spec.defaultValue !== undefined && typeof spec.defaultValue !== 'boolean') raw[key] = spec.defaultValue;
  }
  const specs = configurableOptions();
  for (const [key, value] of Object.entries(config)) if (value !== undefined) raw[key] = toOptionValue(specs.get(key)!, value);
  if (repo !== undefined) raw.repo = repo;
  if (state !== undefined) raw.state = state;
  if (restart !== undefined) raw.restart = restart;
  if (mark !== undefined) raw.mark = mark;
  return raw as unknown as RawOptions;
}

/** Finds the first commit between `good` and `bad` whose deployment fails. */
export function bisect(options: BisectCallOptions): Promise<BisectResult> {
  const { good, bad, signal, events, ...rest } = options;
  return bisectWith(rawOptions(rest), good, bad, { ...(signal ? { signal } : {}), events: sessionEvents(events) });
}

/** `bisect` from options as the command line holds them (the CLI's entry). */
export async function bisectWith(
  raw: RawOptions,
  good: string,
  bad: string,
  call: { signal?: AbortSignal; events?: SessionEvents; marks?: Array<{ ref: string; verdict: Verdict }> } = {},
): Promise<BisectResult> {
  const { state, marks } = toStateOptions(raw);
  const allMarks = [...(call.marks ?? []), ...(marks ?? [])];
  const result = await runBisect(
    {
      ...toEvaluatorOptions(raw),
      good,
      bad,
      regression: toRegression(raw),
      firstParent: Boolean(raw.firstParent),
      verify: raw.verify !== false,
      keepImages: Boolean(raw.keepImages),
      ...(raw.jobs !== undefined ? { jobs: toJobs(raw) } : {}),
      ...toEngineOptions(raw),
      ...toCacheDir(raw),
      ...toFlakyOptions(raw),
      state,
      ...(allMarks.length > 0 ? { marks: allMarks } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
    },
    call.events ?? {},
  );
  (call.events as { done?(result: unknown): void } | undefined)?.done?.(result);
  return result;
}

/** Builds and probes one commit. */
export function testCommit(options: CallOptions & { commit: string }): Promise<TestCommitResult> {
  const { commit, signal, events, ...rest } = options;
  return testCommitWith(rawOptions(rest), commit, { ...(signal ? { signal } : {}), events: sessionEvents(events) });
}

export async function testCommitWith(raw: RawOptions, commit: string, call: { signal?: AbortSignal; events?: SessionEvents } = {}): Promise<TestCommitResult> {
  const result = await runTestCommit(
    {
      ...toEvaluatorOptions(raw),
      commit,
      keepImages: Boolean(raw.keepImages),
      ...toCacheDir(raw),
      ...toEngineOptions(raw),
      ...(call.signal ? { signal: call.signal } : {}),
    },
    call.events ?? {},
  );
  (call.events as { done?(result: unknown): void } | undefined)?.done?.(result);
  return result;
}

/** What changed in the deployment between two commits (git objects only: no engine needed). */
export function explain(options: Pick<ConfigOptions, 'file' | 'context' | 'target'> & { repo?: string; good: string; bad: string }): Promise<ExplainRangeResult> {
  const { good, bad, ...rest } = options;
  return explainRange({ ...toSourceOptions(rawOptions(rest)), good, bad });
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
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
