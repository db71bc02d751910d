/** Guards added after review: hung attempts, throwing probes, a default probe that fits the timeout, cacheability. */
import { describe, expect, it } from 'vitest';

import { LogWatcher } from '../../src/docker/log-watcher.js';
import type { ExitInfo, RunningContainer } from '../../src/docker/run-container.js';
import { systemClock } from '../../src/probes/clock.js';
import { poll } from '../../src/probes/poll.js';
import type { Probe } from '../../src/probes/probe.js';
import { checkProbes } from '../../src/session/evaluate/check-probes.js';
import { planProbes } from '../../src/session/evaluate/probe-plan.js';

describe('poll', () => {
  it('gives up at the deadline even when an attempt never settles', async () => {
    const started = Date.now();
    const result = await poll(() => new Promise<never>(() => {}), { clock: systemClock, deadline: Date.now() + 200, intervalMs: 50 });
    expect(result).toEqual({ kind: 'timeout', lastReason: 'no attempt finished' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('checkProbes', () => {
  it('turns a probe that throws into a failed result that stops the others, and masks what it kept', async () => {
    const never = new Promise<ExitInfo>(() => {});
    const running = { container: {}, id: 'c1', exited: never, ports: new Map() } as unknown as RunningContainer;
    const throwing: Probe = {
      kind: 'exec',
      spec: 'exec:curl -H "token: s3cret"',
      check: () => Promise.reject(new Error('engine said no to s3cret')),
    };
    const waiting: Probe = {
      kind: 'running',
      spec: 'running:30s',
      check: async (target) => ({ kind: 'running', spec: 'running:30s', ok: false, elapsedMs: 0, reason: await target.stop }),
    };
    const results = await checkProbes({
      docker: {} as never,
      running,
      logs: LogWatcher.manual(),
      probes: [waiting, throwing],
      failOnLog: [],
      network: 'none',
      timeoutMs: 5000,
      clock: systemClock,
      redact: (text) => text.replaceAll('s3cret', '***'),
    });
    expect(results[0]).toMatchObject({
      kind: 'exec',
      ok: false,
      spec: 'exec:curl -H "token: ***"',
      reason: 'exec probe error: engine said no to ***',
    });
    expect(results[1]!.reason).toBe('stopped: another check failed (exec probe error: engine said no to ***)');
  });
});

describe('planProbes', () => {
  it('shortens the default running probe so it can pass within a short --timeout', () => {
    const plan = (timeoutMs?: number) =>
      planProbes(
        { exposedPorts: [] },
        { userProbes: [], network: 'none', defaultHttp: true, ...(timeoutMs ? { timeoutMs } : {}) },
      ).probes.map((p) => p.spec);
    expect(plan()).toEqual(['running:10s']);
    expect(plan(60_000)).toEqual(['running:10s']);
    expect(plan(5000)).toEqual(['running:4.0s']);
    expect(plan(1000)).toEqual(['running:500ms']);
  });
});
