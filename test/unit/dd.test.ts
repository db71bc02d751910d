import { describe, expect, it } from 'vitest';

import { dd, ddKey, splitInto, type DdVerdict } from '../../src/bisect/dd.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** A test oracle that counts its calls. */
function oracle(judge: (ids: Set<number>) => DdVerdict) {
  const calls: number[][] = [];
  return {
    calls,
    test: async (ids: readonly number[]) => {
      calls.push([...ids]);
      return judge(new Set(ids));
    },
  };
}

const ends = (n: number) =>
  new Map<string, DdVerdict>([
    [ddKey([]), 'pass'],
    [ddKey(range(n)), 'fail'],
  ]);

describe('splitInto', () => {
  it('cuts into near-equal consecutive parts that cover everything', () => {
    expect(splitInto(range(5), 2)).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(splitInto(range(3), 3)).toEqual([[1], [2], [3]]);
    expect(splitInto(range(7), 3).flat()).toEqual(range(7));
  });
});

describe('dd (general delta debugging, both sides)', () => {
  it('narrows 24 changes to the one that breaks, in about log2(24) tests', async () => {
    const o = oracle((ids) => (ids.has(17) ? 'fail' : 'pass'));
    const r = await dd(range(24), o.test, { known: ends(24) });
    expect(r.difference).toEqual([17]);
    expect(r.complete).toBe(true);
    expect(r.failing).toContain(17);
    expect(r.passing).not.toContain(17);
    expect(r.failing.filter((id) => !r.passing.includes(id))).toEqual([17]);
    expect(o.calls.length).toBeLessThanOrEqual(8);
  });

  it('narrows to two changes that fail only together: both in the difference, neither on the passing side', async () => {
    const o = oracle((ids) => (ids.has(3) && ids.has(11) ? 'fail' : 'pass'));
    const r = await dd(range(20), o.test, { known: ends(20) });
    expect(r.complete).toBe(true);
    expect(r.difference).toEqual([3, 11]);
    expect(r.passing).not.toContain(3);
    expect(r.passing).not.toContain(11);
    // 1-minimal: without either one the failing side passes.
    expect(await o.test(r.failing.filter((id) => id !== 3))).toBe('pass');
    expect(await o.test(r.failing.filter((id) => id !== 11))).toBe('pass');
    expect(o.calls.length).toBeLessThanOrEqual(20);
  });

  it('keeps the difference when it breaks the parent on its own (one test to check it)', async () => {
    const o = oracle((ids) => (ids.has(7) ? 'fail' : 'pass'));
    const r = await dd(range(8), o.test, { known: ends(8) });
    expect(r.difference).toEqual([7]);
    expect(o.calls.map(ddKey)).toContain('7');
  });

  it('never blames a change whose tests are all unresolved (unbuildable alone); narrows around it', async () => {
    // 5 cannot be built without 6; 9 breaks the service.
    const o = oracle((ids) => (ids.has(5) && !ids.has(6) ? 'unresolved' : ids.has(9) ? 'fail' : 'pass'));
    const r = await dd(range(12), o.test, { known: ends(12) });
    expect(r.difference).toEqual([9]);
    expect(r.complete).toBe(true);
  });

  it('a difference that cannot be resolved stays wide, and is still 1-minimal over the tests made', async () => {
    // Every mixed configuration is unresolved: nothing can be narrowed.
    const o = oracle(() => 'unresolved');
    const r = await dd(range(4), o.test, { known: ends(4) });
    expect(r.passing).toEqual([]);
    expect(r.failing).toEqual(range(4));
    expect(r.complete).toBe(true);
  });

  it('stops at maxTests with the best pair so far', async () => {
    const o = oracle((ids) => (ids.has(30) ? 'fail' : 'pass'));
    const r = await dd(range(40), o.test, { known: ends(40), maxTests: 2 });
    expect(o.calls).toHaveLength(2);
    expect(r.complete).toBe(false);
    expect(r.failing).toContain(30);
    expect(r.passing).not.toContain(30);
    expect(r.difference.length).toBeLessThan(40);
  });

  it('tests a configuration once, even when two candidates are the same set', async () => {
    const o = oracle((ids) => (ids.has(2) ? 'fail' : 'pass'));
    await dd(range(2), o.test, { known: ends(2) });
    expect(new Set(o.calls.map(ddKey)).size).toBe(o.calls.length);
    // {1} (add the first half = remove the second: one test), then the difference {2} on its own.
    expect(o.calls.map(ddKey)).toEqual(['1', '2']);
  });

  it('runs candidates in parallel batches and still finds the culprit', async () => {
    let inFlight = 0;
    let most = 0;
    const r = await dd(
      range(16),
      async (ids) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        return ids.includes(4) ? 'fail' : 'pass';
      },
      { known: ends(16), parallel: 3 },
    );
    expect(r.difference).toEqual([4]);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(3);
  });
});
