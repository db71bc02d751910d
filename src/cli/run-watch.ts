/**
 * What the CLI knows of the run in progress, for the lines said when it is interrupted: its session,
 * how many verdicts its saved state holds, and what it holds on the engines (what leaving at once
 * would leave behind).
 */
import type { Held } from '../docker/engine-pool.js';
import type { SessionEvents } from '../session/events.js';
import { count } from '../text/plural.js';

export interface RunWatch {
  sessionId?: string;
  /** Verdicts given so far (replayed ones included): what the saved state holds. */
  verdicts: number;
  /** Whether a re-run resumes (a search with its state on); else an interruption starts over. */
  resumable: boolean;
  held?: Held;
}

/** `events`, with the run's session, verdicts and holdings noted in `watch` on the way. */
export function watched<E extends SessionEvents>(watch: RunWatch, events: E, options: { resumable: boolean }): E {
  watch.resumable = options.resumable;
  return {
    ...events,
    start(e) {
      watch.sessionId = e.sessionId;
      events.start?.(e);
    },
    verdict(e) {
      if (e.role !== 'narrow') watch.verdicts++;
      events.verdict?.(e);
    },
    held(held, sessionId) {
      watch.held = held;
      events.held?.(held, sessionId);
    },
  };
}

/** The line said at the first signal; `again` is how to leave at once. */
export function interruptedLine(signal: 'SIGINT' | 'SIGTERM', watch: RunWatch): string {
  const what = signal === 'SIGINT' ? 'interrupted' : 'terminated';
  const again = signal === 'SIGINT' ? 'Ctrl-C again to leave now' : 'a second signal leaves now';
  if (watch.resumable && watch.sessionId) {
    return `${what}: ${count(watch.verdicts, 'verdict')} saved; run the same command again to resume (${again})`;
  }
  return `${what}: removing this run's containers and images (${again})`;
}

/** The line said when a second signal ends the process before its cleanup finished. */
export function leftLine(watch: RunWatch): string {
  if (!watch.sessionId) return 'left now';
  const held = watch.held ?? { containers: 0, images: 0 };
  const clean = `\`deploybisect clean --session ${watch.sessionId}\` removes them`;
  if (held.containers + held.images === 0) {
    return `left now: session ${watch.sessionId} may have left containers or images on the engine; ${clean}`;
  }
  return `left now: ${count(held.containers, 'container')} and ${count(held.images, 'image')} of session ${watch.sessionId} are still on the engine; ${clean}`;
}
