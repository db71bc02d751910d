/**
 * The programmatic API: the same engine the CLI uses. Errors are thrown as DeployBisectError
 * subclasses carrying the exit code the CLI would use. `bisect`, `testCommit`, `narrow` and `explain` take the
 * config file's options; `resolveSettings` with `runBisect` and `explainRange` are the lower-level calls under them.
 */
export {
  bisect,
  testCommit,
  narrow,
  explain,
  sessionEvents,
  settingsOf,
  type BisectCallOptions,
  type CallOptions,
  type ConfigOptions,
} from './api.js';
export { resolveSettings, type Settings } from './options/settings.js';
export { runBisect, type BisectRequest, type CallControl } from './session/search/run-bisect.js';
export { type TestCommitResult } from './session/test-commit.js';
export { cleanAll } from './session/clean-sessions.js';
export type { BisectResult, RunStatus, Step, CommitSummary } from './session/result.js';
export type { NarrowResult, NarrowChange, NarrowSide, NarrowTest } from './session/narrow/narrow-result.js';
export type { Outcome, Phase, Regression } from './session/outcome.js';
export type { SessionEvents } from './session/events.js';
export type { ProbeResult } from './probes/probe.js';
export { BisectSearch, type CommitGraph, type CommitNode, type Verdict, type SearchStatus } from './bisect/index.js';
export { DeployBisectError, UsageError, InfrastructureError, GitError, ExitCode } from './errors.js';
export { explainRange, type ExplainSettings, type ExplainRangeResult } from './session/explain-range.js';
export { explainChange, type Explanation, type ExplainSpec } from './explain/explain-change.js';
export type { Finding, FindingKind } from './explain/finding.js';
