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
