import { describe, expect, it } from 'vitest';

import { poll, type Attempt } from '../../src/probes/poll.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** A clock whose sleep never ends: only `stop` can get polling out of it. */
class StuckClock extends FakeClock {
  override sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise(() => {});
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Records when (virtual time) each attempt ran; fails until attempt number `succeedOn` (never if undefined). */
function recorder(clock: FakeClock, succeedOn?: number) {
  const at: number[] = [];
  const attempt = async (): Promise<Attempt<string>> => {
    at.push(clock.now());
    const n = at.length;
    return n === succeedOn ? { done: true, value: `value ${n}` } : { done: false, reason: `not yet (${n})` };
  };
  return { at, attempt };
}

describe('poll', () => {
  it('is done on the first success, without sleeping', async () => {
    const clock = new FakeClock();
    const { at, attempt } = recorder(clock, 1);
    const result = await poll(attempt, { clock, deadline: clock.now() + 10_000, intervalMs: 500 });
    expect(result).toEqual({ kind: 'done', value: 'value 1' });
    expect(at).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries every interval until an attempt succeeds', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { at, attempt } = recorder(clock, 3);
    const result = await poll(attempt, { clock, deadline: start + 10_000, intervalMs: 500 });
    expect(result).toEqual({ kind: 'done', value: 'value 3' });
    expect(at.map((t) => t - start)).toEqual([0, 500, 1000]);
    expect(clock.sleeps).toEqual([500, 500]);
  });

  it('times out with the last reason once the deadline has passed, attempting once more at the deadline', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { at, attempt } = recorder(clock);
    const result = await poll(attempt, { clock, deadline: start + 1000, intervalMs: 300 });
    // 0, 300, 600, 900, then the last pause is cut to the 100 ms left: one attempt at the deadline.
    expect(at.map((t) => t - start)).toEqual([0, 300, 600, 900, 1000]);
    expect(clock.sleeps).toEqual([300, 300, 300, 100]);
    expect(result).toEqual({ kind: 'timeout', lastReason: 'not yet (5)' });
    expect(clock.now()).toBe(start + 1000);
  });

  it('makes deadline / interval + 1 attempts when the interval divides the deadline', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { at, attempt } = recorder(clock);
    const result = await poll(attempt, { clock, deadline: start + 2000, intervalMs: 250 });
    expect(at).toHaveLength(9);
    expect(result).toEqual({ kind: 'timeout', lastReason: 'not yet (9)' });
  });

  it('counts the time attempts take against the deadline', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const at: number[] = [];
    const slow = async (): Promise<Attempt<never>> => {
      at.push(clock.now() - start);
      clock.time += 400;
      return { done: false, reason: `slow ${at.length}` };
    };
    const result = await poll(slow, { clock, deadline: start + 1000, intervalMs: 300 });
    // 0..400, pause 300, 700..1100: past the deadline.
    expect(at).toEqual([0, 700]);
    expect(result).toEqual({ kind: 'timeout', lastReason: 'slow 2' });
  });

  it('still makes one attempt when the deadline has already passed', async () => {
    const clock = new FakeClock();
    const { at, attempt } = recorder(clock);
    const result = await poll(attempt, { clock, deadline: clock.now() - 1, intervalMs: 100 });
    expect(at).toHaveLength(1);
    expect(result).toEqual({ kind: 'timeout', lastReason: 'not yet (1)' });
    expect(clock.sleeps).toEqual([]);
  });

  it('can succeed on the attempt made at the deadline', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { at, attempt } = recorder(clock, 3);
    const result = await poll(attempt, { clock, deadline: start + 1000, intervalMs: 500 });
    expect(at.map((t) => t - start)).toEqual([0, 500, 1000]);
    expect(result).toEqual({ kind: 'done', value: 'value 3' });
  });

  it('ignores a stop that never resolves', async () => {
    const clock = new FakeClock();
    const { attempt } = recorder(clock, 2);
    const result = await poll(attempt, { clock, deadline: clock.now() + 1000, intervalMs: 100, stop: new Promise(() => {}) });
    expect(result).toEqual({ kind: 'done', value: 'value 2' });
  });

  it('ignores a stop that never resolves until the timeout', async () => {
    const clock = new FakeClock();
    const { at, attempt } = recorder(clock);
    const result = await poll(attempt, { clock, deadline: clock.now() + 1000, intervalMs: 250, stop: new Promise(() => {}) });
    expect(at).toHaveLength(5);
    expect(result).toEqual({ kind: 'timeout', lastReason: 'not yet (5)' });
  });

  it('stops with the reason when stop resolves mid-way, and attempts nothing more', async () => {
    const clock = new FakeClock();
    const stop = deferred<string>();
    let attempts = 0;
    const attempt = async (): Promise<Attempt<string>> => {
      attempts++;
      if (attempts === 3) stop.resolve('container exited with code 1');
      return { done: false, reason: `not yet (${attempts})` };
    };
    const result = await poll(attempt, { clock, deadline: clock.now() + 60_000, intervalMs: 100, stop: stop.promise });
    expect(result).toEqual({ kind: 'stopped', reason: 'container exited with code 1' });
    expect(attempts).toBe(3);
    await flushMicrotasks();
    expect(attempts).toBe(3);
  }, 2000);

  it('ends a pending attempt that never resolves as soon as stop resolves', async () => {
    const clock = new FakeClock();
    const stop = deferred<string>();
    let attempts = 0;
    const attempt = (): Promise<Attempt<string>> => {
      attempts++;
      if (attempts < 2) return Promise.resolve({ done: false, reason: 'starting' });
      return new Promise(() => {}); // hangs forever
    };
    let settled = false;
    const polling = poll(attempt, { clock, deadline: clock.now() + 60_000, intervalMs: 100, stop: stop.promise }).finally(() => {
      settled = true;
    });
    await flushMicrotasks();
    expect(attempts).toBe(2);
    expect(settled).toBe(false);
    const timeBefore = clock.now();
    stop.resolve('container exited with code 137');
    expect(await polling).toEqual({ kind: 'stopped', reason: 'container exited with code 137' });
    expect(attempts).toBe(2);
    expect(clock.now()).toBe(timeBefore);
  }, 2000);

  it('ends a pending pause as soon as stop resolves', async () => {
    const clock = new StuckClock();
    const stop = deferred<string>();
    const { at, attempt } = recorder(clock);
    let settled = false;
    const polling = poll(attempt, { clock, deadline: clock.now() + 60_000, intervalMs: 1000, stop: stop.promise }).finally(() => {
      settled = true;
    });
    await flushMicrotasks();
    expect(at).toHaveLength(1);
    expect(clock.sleeps).toEqual([1000]);
    expect(settled).toBe(false);
    stop.resolve('stopped: another probe failed (http 500 from /)');
    expect(await polling).toEqual({ kind: 'stopped', reason: 'stopped: another probe failed (http 500 from /)' });
    await flushMicrotasks();
    expect(at).toHaveLength(1);
  }, 2000);

  it('returns stopped when stop had already resolved before polling started', async () => {
    const clock = new FakeClock();
    let attempts = 0;
    const attempt = (): Promise<Attempt<string>> => {
      attempts++;
      return new Promise(() => {});
    };
    const result = await poll(attempt, {
      clock,
      deadline: clock.now() + 60_000,
      intervalMs: 100,
      stop: Promise.resolve('container exited with code 2'),
    });
    expect(result).toEqual({ kind: 'stopped', reason: 'container exited with code 2' });
    expect(attempts).toBeLessThanOrEqual(1);
  }, 2000);
});
