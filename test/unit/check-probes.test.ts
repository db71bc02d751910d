import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';

import { LogWatcher } from '../../src/docker/log-watcher.js';
import type { ExitInfo, RunningContainer } from '../../src/docker/run-container.js';
import { ExitProbe } from '../../src/probes/exit-probe.js';
import { FailOnLog } from '../../src/probes/log-probe.js';
import { startResult, type Probe, type ProbeResult, type ProbeTarget } from '../../src/probes/probe.js';
import { checkProbes, type CheckProbesInput } from '../../src/session/evaluate/check-probes.js';
import { deferred, FakeClock, ManualClock, settle } from '../helpers/fake-clock.js';

/** A probe whose behaviour the test writes; remembers the target and deadline it was given. */
class FakeProbe implements Probe {
  readonly kind = 'fake';
  target: ProbeTarget | undefined;
  deadline: number | undefined;
  constructor(
    readonly spec: string,
    private readonly behaviour: (probe: FakeProbe, target: ProbeTarget, deadline: number) => Promise<ProbeResult>,
  ) {}
  check(target: ProbeTarget, deadline: number): Promise<ProbeResult> {
    this.target = target;
    this.deadline = deadline;
    return this.behaviour(this, target, deadline);
  }
}

/** Passes after `ms` unless stopped first (then fails with the stop reason), like a real probe. */
function passesAfter(spec: string, ms: number): FakeProbe {
  return new FakeProbe(spec, async (probe, target) => {
    const finish = startResult(probe, target.clock);
    const cancel = new AbortController();
    const first = await Promise.race([
      target.clock.sleep(ms, cancel.signal).then(() => undefined),
      target.stop.then((reason) => ({ reason })),
    ]);
    cancel.abort();
    return first ? finish(false, first.reason) : finish(true, `passed after ${ms}ms`);
  });
}

/** Fails with `reason` after `ms` (or with the stop reason if stopped first). */
function failsAfter(spec: string, ms: number, reason: string): FakeProbe {
  return new FakeProbe(spec, async (probe, target) => {
    const finish = startResult(probe, target.clock);
    const cancel = new AbortController();
    const first = await Promise.race([
      target.clock.sleep(ms, cancel.signal).then(() => undefined),
      target.stop.then((stopped) => ({ stopped })),
    ]);
    cancel.abort();
    return first ? finish(false, first.stopped) : finish(false, reason);
  });
}

const exit = (code: number): ExitInfo => ({ code, oomKilled: false, reason: `container exited with code ${code}` });

function fakeRunning(exited: Promise<ExitInfo> = new Promise<ExitInfo>(() => {})): RunningContainer {
  return { container: {} as Docker.Container, id: 'c0ffee', exited, ports: new Map([[8080, 49153]]) };
}

function input(overrides: Partial<CheckProbesInput> & Pick<CheckProbesInput, 'clock' | 'probes'>): CheckProbesInput {
  return {
    docker: {} as Docker,
    running: fakeRunning(),
    logs: LogWatcher.manual(),
    failOnLog: [],
    network: 'bridge',
    timeoutMs: 60_000,
    redact: (text) => text.replaceAll('hunter2', '***'),
    ...overrides,
  };
}

/** Starts checkProbes and tracks whether it has settled. */
function start(args: CheckProbesInput) {
  const state: { done: boolean; results?: ProbeResult[]; error?: unknown } = { done: false };
  const promise = checkProbes(args).then(
    (results) => {
      state.done = true;
      state.results = results;
      return results;
    },
    (error: unknown) => {
      state.done = true;
      state.error = error;
      throw error;
    },
  );
  promise.catch(() => undefined);
  return { state, promise };
}

describe('checkProbes: the target each probe gets', () => {
  it('gives every probe the same deadline (start + timeout) and a target built from the running container', async () => {
    const clock = new ManualClock();
    const began = clock.now();
    const a = passesAfter('a', 100);
    const b = passesAfter('b', 200);
    const running = fakeRunning();
    const logs = LogWatcher.manual();
    const docker = { marker: 'docker' } as unknown as Docker;
    const run = start(input({ clock, probes: [a, b], running, logs, docker, network: 'host', timeoutMs: 5000 }));
    await settle();
    expect(a.deadline).toBe(began + 5000);
    expect(b.deadline).toBe(began + 5000);
    const target = a.target!;
    expect(target).toBe(b.target);
    expect(target.docker).toBe(docker);
    expect(target.container).toBe(running.container);
    expect(target.exited).toBe(running.exited);
    expect(target.logs).toBe(logs);
    expect(target.networkMode).toBe('host');
    expect(target.clock).toBe(clock);
    expect(target.publishedPort(8080)).toBe(49153);
    expect(target.publishedPort(9999)).toBeUndefined();
    expect(target.redact('pw hunter2')).toBe('pw ***');
    await clock.advance(200);
    const results = await run.promise;
    expect(results.map((r) => [r.spec, r.ok, r.reason, r.elapsedMs])).toEqual([
      ['a', true, 'passed after 100ms', 100],
      ['b', true, 'passed after 200ms', 200],
    ]);
  });

  it('returns an empty list for no probes and no tripwires', async () => {
    expect(await checkProbes(input({ clock: new FakeClock(), probes: [] }))).toEqual([]);
  });
});

describe('checkProbes: the first failure stops the rest', () => {
  it('stops pending probes with "stopped: another check failed (…)" and puts the decisive result first', async () => {
    const clock = new ManualClock();
    const slow = passesAfter('slow', 10_000);
    const other = passesAfter('other', 20_000);
    const bad = failsAfter('bad', 1500, 'http 500 from /');
    const run = start(input({ clock, probes: [slow, other, bad] }));
    await clock.advance(1499);
    expect(run.state.done).toBe(false);
    await clock.advance(1);
    expect(run.state.done).toBe(true);
    const results = run.state.results!;
    expect(results.map((r) => r.spec)).toEqual(['bad', 'slow', 'other']);
    expect(results[0]).toEqual({ kind: 'fake', spec: 'bad', ok: false, elapsedMs: 1500, reason: 'http 500 from /' });
    expect(results[1]).toMatchObject({ ok: false, elapsedMs: 1500, reason: 'stopped: another check failed (http 500 from /)' });
    expect(results[2]).toMatchObject({ ok: false, elapsedMs: 1500, reason: 'stopped: another check failed (http 500 from /)' });
    expect(results[1]!.reason.startsWith('stopped: another check failed (')).toBe(true);
    // The stopped probes gave up their timers: nothing keeps waiting for the timeout.
    expect(clock.pending()).toEqual([]);
  });

  it('names only the first failure when two probes fail', async () => {
    const clock = new ManualClock();
    const first = failsAfter('first', 100, 'tcp connection refused on port 5432');
    const second = new FakeProbe('second', async (probe, target) => {
      const finish = startResult(probe, target.clock);
      await target.stop; // fails on its own once the first has failed, with its own reason
      return finish(false, "exec 'pg_isready' exited with code 2");
    });
    const waiting = passesAfter('waiting', 10_000);
    const run = start(input({ clock, probes: [waiting, second, first] }));
    await clock.advance(100);
    const results = await run.promise;
    expect(results.map((r) => r.reason)).toEqual([
      "exec 'pg_isready' exited with code 2",
      'tcp connection refused on port 5432',
      'stopped: another check failed (tcp connection refused on port 5432)',
    ]);
  });

  it('keeps the input order when all pass', async () => {
    const clock = new FakeClock();
    const results = await checkProbes(input({ clock, probes: [passesAfter('x', 300), passesAfter('y', 100), passesAfter('z', 200)] }));
    expect(results.map((r) => r.spec)).toEqual(['x', 'y', 'z']);
    expect(results.every((r) => r.ok)).toBe(true);
  });
});

describe('checkProbes: the container exit', () => {
  it('stops the probes with the exit reason', async () => {
    const clock = new ManualClock();
    const exited = deferred<ExitInfo>();
    const a = passesAfter('a', 10_000);
    const b = passesAfter('b', 10_000);
    const run = start(input({ clock, probes: [a, b], running: fakeRunning(exited.promise) }));
    await clock.advance(700);
    exited.resolve(exit(1));
    const results = await run.promise;
    expect(results).toEqual([
      { kind: 'fake', spec: 'a', ok: false, elapsedMs: 700, reason: 'container exited with code 1' },
      { kind: 'fake', spec: 'b', ok: false, elapsedMs: 700, reason: 'container exited with code 1' },
    ]);
    // No tripwires: no waiting for the log stream after the exit.
    expect(clock.pending()).toEqual([]);
  });

  it('does not stop a probe that waits for the exit; it gets the exit, with a stop that ignores it', async () => {
    const clock = new ManualClock();
    const exited = deferred<ExitInfo>();
    let stopSeen: string | undefined;
    const waiter = new FakeProbe('waiter', async (probe, target) => {
      const finish = startResult(probe, target.clock);
      void target.stop.then((reason) => (stopSeen = reason));
      const info = await target.exited;
      // Give a stop tied to the exit every chance to fire.
      await settle();
      await settle();
      return finish(stopSeen === undefined, `saw exit ${info.code}, stop ${stopSeen ?? 'pending'}`);
    });
    Object.assign(waiter, { waitsForExit: true });
    const running = fakeRunning(exited.promise);
    const run = start(input({ clock, probes: [waiter], running }));
    await settle();
    expect(waiter.target!.exited).toBe(running.exited);
    await clock.advance(400);
    exited.resolve(exit(0));
    const results = await run.promise;
    expect(stopSeen).toBeUndefined();
    expect(results).toEqual([{ kind: 'fake', spec: 'waiter', ok: true, elapsedMs: 400, reason: 'saw exit 0, stop pending' }]);
  });

  it('gives a probe that waits for the exit its own target, and other probes the exit as a stop', async () => {
    const clock = new ManualClock();
    const exited = deferred<ExitInfo>();
    const waiter = new FakeProbe('waiter', async (probe, target) => {
      const finish = startResult(probe, target.clock);
      const info = await target.exited;
      return finish(true, `saw exit ${info.code}`);
    });
    Object.assign(waiter, { waitsForExit: true });
    const other = passesAfter('other', 10_000);
    const running = fakeRunning(exited.promise);
    const run = start(input({ clock, probes: [other, waiter], running }));
    await settle();
    expect(waiter.target).toBeDefined();
    expect(waiter.target).not.toBe(other.target);
    expect(waiter.target!.stop).not.toBe(other.target!.stop);
    expect(waiter.target!.exited).toBe(running.exited);
    expect(waiter.target!.logs).toBe(other.target!.logs);
    expect(waiter.target!.publishedPort(8080)).toBe(49153);
    await clock.advance(400);
    exited.resolve(exit(0));
    const results = await run.promise;
    expect(results.map((r) => [r.spec, r.ok, r.reason])).toEqual([
      ['other', false, 'container exited with code 0'],
      ['waiter', true, 'saw exit 0'],
    ]);
  });

  it('lets the real exit probe pass on the expected exit code', async () => {
    const clock = new ManualClock();
    const exited = deferred<ExitInfo>();
    const run = start(input({ clock, probes: [new ExitProbe('exit:0', 0)], running: fakeRunning(exited.promise) }));
    await clock.advance(3000);
    expect(run.state.done).toBe(false);
    exited.resolve(exit(0));
    const results = await run.promise;
    expect(results).toEqual([
      { kind: 'exit', spec: 'exit:0', ok: true, elapsedMs: 3000, reason: 'container exited with code 0', evidence: { exitCode: 0 } },
    ]);
  });

  it('still stops a probe that waits for the exit when another check fails', async () => {
    const clock = new ManualClock();
    const bad = failsAfter('bad', 500, 'log did not match /migrated/');
    const exitProbe = new ExitProbe('exit:0', 0);
    const run = start(input({ clock, probes: [exitProbe, bad] }));
    await clock.advance(500);
    // The exit probe gives a stop one more second for the exit to arrive, then fails with the stop reason.
    await clock.advance(1000);
    const results = await run.promise;
    expect(results.map((r) => [r.spec, r.reason])).toEqual([
      ['bad', 'log did not match /migrated/'],
      ['exit:0', 'stopped: another check failed (log did not match /migrated/)'],
    ]);
  });
});

describe('checkProbes: --fail-on-log tripwires', () => {
  it('fails at once when a line matches, stopping the probes; the tripwire comes first', async () => {
    const clock = new ManualClock();
    const logs = LogWatcher.manual();
    const probe = passesAfter('http://127.0.0.1:8080/', 30_000);
    const run = start(input({ clock, probes: [probe], logs, failOnLog: [new FailOnLog(/FATAL/)] }));
    logs.push('starting');
    await clock.advance(250);
    expect(run.state.done).toBe(false);
    logs.push('FATAL: cannot connect to database');
    logs.push('FATAL: second line');
    const results = await run.promise;
    expect(results).toEqual([
      {
        kind: 'fail-on-log',
        spec: '--fail-on-log FATAL',
        ok: false,
        elapsedMs: 250,
        reason: 'log matched --fail-on-log /FATAL/',
        evidence: { line: 'FATAL: cannot connect to database' },
      },
      {
        kind: 'fake',
        spec: 'http://127.0.0.1:8080/',
        ok: false,
        elapsedMs: 250,
        reason: 'stopped: another check failed (log matched --fail-on-log /FATAL/)',
      },
    ]);
    expect(clock.now()).toBe(1_000_250);
  });

  it('trips on a line seen before the probes started', async () => {
    const clock = new ManualClock();
    const logs = LogWatcher.manual();
    logs.push('panic: nil map');
    const results = await checkProbes(input({ clock, probes: [passesAfter('p', 30_000)], logs, failOnLog: [new FailOnLog(/^panic:/)] }));
    expect(results[0]).toEqual({
      kind: 'fail-on-log',
      spec: '--fail-on-log ^panic:',
      ok: false,
      elapsedMs: 0,
      reason: 'log matched --fail-on-log /^panic:/',
      evidence: { line: 'panic: nil map' },
    });
    expect(results[1]!.reason).toBe('stopped: another check failed (log matched --fail-on-log /^panic:/)');
  });

  it('adds no tripwire result when nothing matches', async () => {
    const clock = new FakeClock();
    const logs = LogWatcher.manual();
    logs.push('all good');
    const probe = new FakeProbe('p', async (p, target) => {
      const finish = startResult(p, target.clock);
      target.logs.push('still fine');
      await target.clock.sleep(100);
      return finish(true, 'ok');
    });
    const results = await checkProbes(input({ clock, probes: [probe], logs, failOnLog: [new FailOnLog(/FATAL/), new FailOnLog(/panic/)] }));
    expect(results).toEqual([{ kind: 'fake', spec: 'p', ok: true, elapsedMs: 100, reason: 'ok' }]);
  });

  it('still trips on a line that arrives after the container exited, before the log stream ends', async () => {
    const clock = new ManualClock();
    const logs = LogWatcher.manual();
    const exited = deferred<ExitInfo>();
    const run = start(
      input({
        clock,
        probes: [passesAfter('running:10s', 10_000)],
        logs,
        running: fakeRunning(exited.promise),
        failOnLog: [new FailOnLog(/FATAL/)],
      }),
    );
    await clock.advance(1200);
    exited.resolve(exit(1));
    await settle();
    // The probes are done; it waits (up to 2s) for the last lines.
    expect(run.state.done).toBe(false);
    expect(clock.pending()).toEqual([2000]);
    logs.push('FATAL: out of disk');
    await settle();
    expect(run.state.done).toBe(false); // waits for the stream's end, not just the first line
    logs.end();
    const results = await run.promise;
    expect(results.map((r) => [r.kind, r.reason, r.evidence])).toEqual([
      ['fail-on-log', 'log matched --fail-on-log /FATAL/', { line: 'FATAL: out of disk' }],
      ['fake', 'container exited with code 1', undefined],
    ]);
    expect(clock.pending()).toEqual([]);
  });

  it('after the exit, gives up waiting for the log stream after 2s', async () => {
    const clock = new ManualClock();
    const logs = LogWatcher.manual();
    const exited = deferred<ExitInfo>();
    const run = start(
      input({ clock, probes: [passesAfter('p', 10_000)], logs, running: fakeRunning(exited.promise), failOnLog: [new FailOnLog(/FATAL/)] }),
    );
    exited.resolve(exit(137));
    await settle();
    await clock.advance(1999);
    expect(run.state.done).toBe(false);
    await clock.advance(1);
    const results = await run.promise;
    expect(results.map((r) => r.reason)).toEqual(['container exited with code 137']);
  });

  it('after the exit, stops waiting as soon as the stream ends', async () => {
    const clock = new ManualClock();
    const logs = LogWatcher.manual();
    const exited = deferred<ExitInfo>();
    const run = start(
      input({ clock, probes: [passesAfter('p', 10_000)], logs, running: fakeRunning(exited.promise), failOnLog: [new FailOnLog(/FATAL/)] }),
    );
    exited.resolve(exit(0));
    logs.push('bye');
    logs.end();
    const results = await run.promise;
    expect(results.map((r) => r.reason)).toEqual(['container exited with code 0']);
    expect(clock.now()).toBe(1_000_000);
    expect(clock.pending()).toEqual([]);
  });

  it('reports each tripwire that matched, once', async () => {
    const clock = new ManualClock();
    const logs = LogWatcher.manual();
    logs.push('panic: a');
    logs.push('FATAL b');
    logs.push('panic: c');
    const results = await checkProbes(
      input({ clock, probes: [passesAfter('p', 30_000)], logs, failOnLog: [new FailOnLog(/panic/), new FailOnLog(/FATAL/)] }),
    );
    expect(results.map((r) => [r.spec, r.evidence?.line ?? r.reason])).toEqual([
      ['--fail-on-log panic', 'panic: a'],
      ['--fail-on-log FATAL', 'FATAL b'],
      ['p', 'stopped: another check failed (log matched --fail-on-log /panic/)'],
    ]);
  });
});

describe('checkProbes: abort', () => {
  it('stops the probes with "interrupted" and throws', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const probe = passesAfter('p', 30_000);
    const run = start(input({ clock, probes: [probe], signal: controller.signal }));
    await clock.advance(100);
    let stopReason: string | undefined;
    void probe.target!.stop.then((r) => (stopReason = r));
    controller.abort();
    await expect(run.promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(stopReason).toBe('interrupted');
    expect(clock.now()).toBe(1_000_100);
  });

  it('throws without running the probes to their end when the signal was aborted before the check began', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    controller.abort();
    const probe = passesAfter('p', 30_000);
    const run = start(input({ clock, probes: [probe], signal: controller.signal }));
    await settle();
    await settle();
    expect(run.state.done).toBe(true);
    expect(run.state.error).toMatchObject({ name: 'AbortError' });
    expect(clock.now()).toBe(1_000_000);
  });
});
