import { CommanderError } from 'commander';

import type { Verdict } from '../bisect/index.js';
import { DeployBisectError, ExitCode, type ExitCodeValue } from '../errors.js';
import type { NarrowResult } from '../session/narrow/narrow-result.js';
import type { RunStatus } from '../session/result.js';

export const STATUS_EXIT: Record<RunStatus, ExitCodeValue> = {
  found: ExitCode.found,
  'bad-is-healthy': ExitCode.badIsHealthy,
  'good-is-unhealthy': ExitCode.goodIsUnhealthy,
  inconclusive: ExitCode.inconclusive,
};

/** Exit codes for signals, as shells report them. */
export const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/** `narrow`: 0 narrowed, 5 inconclusive, 3 the commit is healthy, 4 its parent fails too. */
export function narrowExit(result: Pick<NarrowResult, 'status' | 'reason'>): ExitCodeValue {
  if (result.status === 'narrowed') return ExitCode.found;
  if (result.status === 'inconclusive') return ExitCode.inconclusive;
  return result.reason === 'commit-is-healthy' ? ExitCode.badIsHealthy : ExitCode.goodIsUnhealthy;
}

/** `test`, as `git bisect run` reads its exit code: 0 good, 1 bad, 125 skip. */
export const TEST_EXIT: Record<Verdict, ExitCodeValue> = { good: ExitCode.found, bad: ExitCode.internal, skip: ExitCode.untestable };

/**
 * `test`: a failure that is neither a verdict nor a usage error (the engine lost or unreachable, git
 * failing, a bug) exits 128, so that `git bisect run` stops instead of reading 1 as "bad". Other
 * commands keep exit 1 for these.
 */
export function abortForBisect(error: unknown): unknown {
  if (!(error instanceof Error)) return new DeployBisectError(`internal error: ${String(error)}`, ExitCode.testAborted);
  if (error instanceof DeployBisectError && error.exitCode === ExitCode.usage) return error;
  if (error instanceof CommanderError) return error;
  const message = error instanceof DeployBisectError ? error.message : `internal error: ${error.message}`;
  return new DeployBisectError(message, ExitCode.testAborted, { cause: error });
}
