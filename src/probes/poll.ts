import type { Clock } from './clock.js';

/** One attempt: finished (with a value), or not yet (with the reason, kept for a timeout message). */
export type Attempt<T> = { done: true; value: T } | { done: false; reason: string };

export type PollResult<T> = { kind: 'done'; value: T } | { kind: 'timeout'; lastReason: string } | { kind: 'stopped'; reason: string };

export interface PollOptions {
  clock: Clock;
  /** Absolute time (clock.now() scale) after which polling gives up. */
  deadline: number;
  intervalMs: number;
  /** Resolves when polling must stop at once (e.g. the container exited); its value is the reason. */
  stop?: Promise<string>;
}

/**
 * The single polling primitive every probe uses: call `attempt` until it is done, the deadline
 * passes, or `stop` resolves — whichever comes first. `stop` is checked between attempts and
 * also ends a pending attempt or sleep, so an exited container fails the probe without waiting.
 */
export async function poll<T>(attempt: () => Promise<Attempt<T>>, options: PollOptions): Promise<PollResult<T>> {
  const { clock, deadline, intervalMs } = options;
  let stopped: string | undefined;
  const stop = options.stop?.then((reason) => {
    stopped = reason;
    return { kind: 'stopped', reason } as const;
  });
  let lastReason = 'no attempt finished';
  for (;;) {
    if (stopped !== undefined) return { kind: 'stopped', reason: stopped };
    // An attempt that hangs (a command that never ends, a server that never answers) must not outlive
    // the deadline. A real timer on purpose: the injected clock paces the polling; this guard is for
    // attempts that hang in real time, and a fake clock's instant sleeps must not trigger it.
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<PollResult<T>>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout', lastReason }), Math.max(0, deadline - clock.now()));
    });
    const step = await Promise.race([attempt(), expiry, ...(stop ? [stop] : [])]).finally(() => clearTimeout(timer));
    if ('kind' in step) return step;
    if (step.done) return { kind: 'done', value: step.value };
    lastReason = step.reason;
    const left = deadline - clock.now();
    if (left <= 0) return { kind: 'timeout', lastReason };
    const pause = clock.sleep(Math.min(intervalMs, left));
    const waited = stop ? await Promise.race([pause.then(() => undefined), stop]) : await pause;
    if (waited && 'kind' in waited) return waited;
  }
}
