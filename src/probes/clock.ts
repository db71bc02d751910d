/** Time as the probes see it; tests inject a fake one so polling is testable without sleeping. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; an aborted signal cancels the timer (the promise then never resolves). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
    }),
};

/** Resolves with 'timeout' at `deadline` (clock scale) unless cancelled by `signal`. */
export function deadlineTimer(clock: Clock, deadline: number, signal: AbortSignal): Promise<'timeout'> {
  return clock.sleep(Math.max(0, deadline - clock.now()), signal).then(() => 'timeout' as const);
}
