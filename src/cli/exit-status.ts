import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { RunStatus } from '../session/result.js';

export const STATUS_EXIT: Record<RunStatus, ExitCodeValue> = {
  found: ExitCode.found,
  'bad-is-healthy': ExitCode.badIsHealthy,
  'good-is-unhealthy': ExitCode.goodIsUnhealthy,
  inconclusive: ExitCode.inconclusive,
};

/** Exit codes for signals, as shells report them. */
export const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };
