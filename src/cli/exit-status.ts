import { ExitCode, type ExitCodeValue } from '../errors.js';
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
