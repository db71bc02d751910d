/**
 * Failures that say the engine ran out of something, or went away, rather than anything about the
 * commit being built or run: a full disk (image layers, a container's writable layer, the upload of
 * the build context), a quota, the engine's own memory or cgroup failures when it starts a
 * container, a restarted engine or a dead containerd. They end the run as an infrastructure error
 * (exit 1, the state kept), never a verdict. A container whose own process is OOM-killed under
 * `--memory` is not one of them: that stays a verdict about the commit.
 */
export type ResourceKind = 'disk' | 'memory' | 'engine';

interface Pattern {
  kind: ResourceKind;
  /** What ran out or failed, for the message. */
  what: string;
  test: RegExp;
}

const PATTERNS: readonly Pattern[] = [
  { kind: 'disk', what: 'disk space', test: /no space left on device|\bENOSPC\b/i },
  { kind: 'disk', what: 'disk quota', test: /disk quota exceeded|\bEDQUOT\b|quota exceeded/i },
  {
    kind: 'memory',
    what: "the engine's memory",
    test: /cannot allocate memory|\bENOMEM\b|fork\/exec [^:]+: resource temporarily unavailable|OCI runtime (create|start) failed[^\n]*(cgroup|memory)/i,
  },
  {
    kind: 'engine',
    what: 'containerd (the engine could not reach it)',
    test: /containerd[^\n]*(connection refused|transport is closing|no such file or directory)|failed to create shim[^\n]*(connection|EOF)|ttrpc: closed/i,
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
