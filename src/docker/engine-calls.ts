/**
 * Every request to an engine goes through docker-modem's `dial`. Wrapped here so that:
 *
 * - a request that gets no answer ends after a time limit (an engine that hangs must not hang the
 *   tool): every call but the long-lived ones (builds, which have --build-timeout; log and event
 *   streams; attach and exec sessions; waiting for a container to stop), and those that bring their
 *   own AbortSignal;
 * - an engine that stops answering (refused, reset, socket gone) or a call that times out becomes an
 *   EngineLostError: one line naming the engine and what to do, never a verdict on a commit.
 */
import type Docker from 'dockerode';

import { formatDuration } from '../duration.js';
import { InfrastructureError } from '../errors.js';

export const DEFAULT_ENGINE_CALL_TIMEOUT_MS = 2 * 60_000;

/** The engine stopped answering, or did not answer in time. The search cannot go on on it; the state is kept. */
export class EngineLostError extends InfrastructureError {}

/** Errors that mean the engine itself is gone or unreachable, not that a request was refused. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

export function isConnectionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && CONNECTION_CODES.has(code)) return true;
  return /socket hang up/i.test((error as Error | undefined)?.message ?? '');
}

interface DialOptions {
  path?: string;
  method?: string;
  isStream?: boolean;
  hijack?: boolean;
  abortSignal?: AbortSignal;
}

/** Calls that may rightly take long: they have limits of their own, or none is right for them. */
function isLongLived(options: DialOptions): boolean {
  if (options.isStream || options.hijack || options.abortSignal) return true;
  return /^\/(v[\d.]+\/)?(build|containers\/[^/]+\/wait)(\?|$)/.test(options.path ?? '');
}

/** Makes every call to `docker` time out after `timeoutMs` (see above) and report a lost engine plainly. */
export function guardEngineCalls(docker: Docker, endpoint: string, timeoutMs = DEFAULT_ENGINE_CALL_TIMEOUT_MS): Docker {
  const modem = docker.modem as unknown as { dial(options: DialOptions, callback: (error: unknown, data?: unknown) => void): unknown };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    const what = `${options.method ?? 'GET'} ${(options.path ?? '').split('?')[0]}`;
    const lost = (error: unknown) =>
      new EngineLostError(
        `lost the Docker engine at ${endpoint} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message} on ${what}): the state is kept; once the engine is back, re-run the same command to resume (it removes what this run left)`,
        { cause: error },
      );
    if (isLongLived(options)) {
      return dial(options, (error, data) => callback(error && isConnectionError(error) ? lost(error) : error, data));
    }
    const limit = AbortSignal.timeout(timeoutMs);
    return dial({ ...options, abortSignal: limit }, (error, data) => {
      if (error && limit.aborted) {
        callback(
          new EngineLostError(
            `the Docker engine at ${endpoint} did not answer ${what} within ${formatDuration(timeoutMs)} (--engine-timeout): it is hung or overloaded; the state is kept, re-run the same command to resume`,
            { cause: error },
          ),
        );
        return;
      }
      callback(error && isConnectionError(error) ? lost(error) : error, data);
    });
  };
  return docker;
}
