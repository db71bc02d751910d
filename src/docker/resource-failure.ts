/**
 * Failures that say the engine ran out of something, or went away, rather than anything about the
 * commit being built or run: a full disk (image layers, a container's writable layer, the upload of
 * the build context), a quota, the engine's own memory or cgroup failures when it starts a
 * container, a restarted engine or a dead containerd. They end the run as an infrastructure error
 * (exit 1, the state kept), never a verdict. A container whose own process is OOM-killed under
 * `--memory` is not one of them: that stays a verdict about the commit.
 */
import { InfrastructureError } from '../errors.js';
import { clipLine } from '../text/clip-line.js';
import { describeSpace, type DiskSpace } from './disk-space.js';

export type ResourceKind = 'disk' | 'memory' | 'engine';

interface Pattern {
  kind: ResourceKind;
  /** What happened to the engine, for the message: `ran out of disk space`. */
  what: string;
  test: RegExp;
}

const IO_ERROR = 'had an I/O error writing to its disk';

const PATTERNS: readonly Pattern[] = [
  { kind: 'disk', what: 'ran out of disk space', test: /no space left on device|\bENOSPC\b/i },
  { kind: 'disk', what: 'ran out of its disk quota', test: /disk quota exceeded|\bEDQUOT\b|quota exceeded/i },
  // Under BuildKit a RUN writes straight into a snapshot on the data root, and a full ext4 under overlayfs
  // may fail those writes with EIO rather than ENOSPC (busybox: `head: standard output: I/O error`).
  { kind: 'disk', what: IO_ERROR, test: /\bI\/O error\b|input\/output error|\bEIO\b/i },
  {
    kind: 'memory',
    what: 'ran out of memory',
    test: /cannot allocate memory|\bENOMEM\b|fork\/exec [^:]+: resource temporarily unavailable|OCI runtime (create|start) failed[^\n]*(cgroup|memory)/i,
  },
  {
    kind: 'engine',
    what: 'lost its containerd',
    test: /containerd[^\n]*(connection refused|transport is closing|no such file or directory)|failed to create shim[^\n]*(connection|EOF)|ttrpc: closed/i,
  },
  {
    // What a stopping (or broken) engine says about a build or container it drops: its own plumbing, never the commit's.
    kind: 'engine',
    what: 'failed inside (it is stopping or broken)',
    test: /grpc: the client connection is closing|error creating temporary lease|failed to update the store state of sandbox|daemon is shutting down/i,
  },
];

export interface ResourceFailure {
  kind: ResourceKind;
  what: string;
  /** The line of the engine's message that says so. */
  line: string;
}

/** The resource failure a message from the engine (or a build's output) shows, if it shows one. */
export function resourceFailure(text: string): ResourceFailure | undefined {
  for (const pattern of PATTERNS) {
    const line = text.split('\n').find((l) => pattern.test.test(l));
    if (line !== undefined) return { kind: pattern.kind, what: pattern.what, line: line.trim() };
  }
  return undefined;
}

/** The engine ran out of something (or lost containerd): no verdict; the run stops, the state kept. */
export class EngineResourceError extends InfrastructureError {
  constructor(
    readonly failure: ResourceFailure,
    message: string,
  ) {
    super(message);
  }
}

const ADVICE: Record<ResourceKind, string> = {
  disk: 'free space (deploybisect clean, docker system prune) or give the engine a larger disk',
  memory: "free memory on the engine's machine (or lower --memory, --jobs)",
  engine: 'wait until the engine works again (restart it, or its containerd, if it does not come back)',
};

/**
 * One line: the engine, what ran out and where, how much is free where that is known, and what to do.
 * `during` says what was going on, e.g. `building 3d517677a2`.
 */
export function resourceError(failure: ResourceFailure, endpoint: string, during: string, space?: DiskSpace): EngineResourceError {
  const free = failure.kind === 'disk' && space ? `; ${describeSpace(space)}` : '';
  // An I/O error on a disk that is (nearly) full is the full disk.
  const full = space !== undefined && space.freeBytes < Math.max(256 * 1024 ** 2, space.totalBytes * 0.05);
  const what = failure.what === IO_ERROR && full ? 'ran out of disk space' : failure.what;
  return new EngineResourceError(
    failure,
    `the Docker engine at ${endpoint} ${what} while ${during} (${clipLine(failure.line, 200, '...')})${free}: this says nothing about the commit; the state is kept: ${ADVICE[failure.kind]}, then re-run the same command to resume`,
  );
}
