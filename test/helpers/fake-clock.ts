import type { Clock } from '../../src/probes/clock.js';

/**
 * Virtual time: sleep advances it at once (then runs the optional hook) and resolves after a
 * microtask. Only differences of `now()` matter to the code under test; the start is arbitrary.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  onSleep: ((now: number) => void) | undefined;
  constructor(public time = 1_000_000) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    this.onSleep?.(this.time);
    await Promise.resolve();
  }
}

/** Lets pending promise callbacks and I/O callbacks run (no real waiting). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Virtual time that only moves when the test calls advance(): sleeps stay pending until then,
 * and an aborted signal removes its timer (as the system clock does).
 */
export class ManualClock implements Clock {
  private timers: { at: number; resolve: () => void }[] = [];
  constructor(public time = 1_000_000) {}
  now(): number {
    return this.time;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return;
      const timer = { at: this.time + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => (this.timers = this.timers.filter((t) => t !== timer)), { once: true });
    });
  }
  /** Remaining time of each pending sleep. */
  pending(): number[] {
    return this.timers.map((t) => t.at - this.time);
  }
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.resolve();
      await settle();
    }
    this.time = until;
    await settle();
  }
}

export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
