/**
 * A stack's service judged from one look at its container (src/session/evaluate/stack/service-state.ts),
 * as compose decides it: depends_on's three conditions and `docker compose up --wait` ("up"), for a
 * container created, running, healthy, unhealthy, starting, exited 0, exited non-zero, OOM killed, dead
 * or restarting; then what a service still pending is said to be at the deadline.
 */
import { describe, expect, it } from 'vitest';

import { judge, stateOf, timedOut, type ServiceState, type Want } from '../../src/session/evaluate/stack/service-state.js';

const state = (over: Partial<ServiceState> = {}): ServiceState => ({
  status: 'running',
  exitCode: 0,
  oomKilled: false,
  restartCount: 0,
  ...over,
});
const health = (status: string, failingStreak = 0) => ({ health: { status, failingStreak } });

const STATES: Record<string, ServiceState> = {
  created: state({ status: 'created' }),
  running: state(),
  healthy: state(health('healthy')),
  unhealthy: state(health('unhealthy', 3)),
  starting: state(health('starting')),
  'exited 0': state({ status: 'exited', exitCode: 0 }),
  'exited 3': state({ status: 'exited', exitCode: 3 }),
  'OOM killed': state({ status: 'exited', exitCode: 137, oomKilled: true }),
  dead: state({ status: 'dead', exitCode: 1 }),
  restarting: state({ status: 'restarting', exitCode: 1, restartCount: 2 }),
  paused: state({ status: 'paused' }),
};

/** What compose does for each state and want ('ready', 'pending: why', or 'failed: reason'). */
const EXPECTED: Record<Want, Record<string, string>> = {
  // service_started: once the container was started, whatever became of it.
  started: {
    created: 'pending: not started',
    running: 'ready',
    healthy: 'ready',
    unhealthy: 'ready',
    starting: 'ready',
    'exited 0': 'ready',
    'exited 3': 'ready',
    'OOM killed': 'ready',
    dead: 'ready',
    restarting: 'ready',
    paused: 'ready',
  },
  // service_healthy: its healthcheck says healthy; none at all is compose's "has no healthcheck configured".
  healthy: {
    created: 'pending: created',
    running: 'failed: has no healthcheck configured',
    healthy: 'ready',
    unhealthy: 'failed: unhealthy',
    starting: 'pending: healthcheck starting',
    'exited 0': 'failed: container exited with code 0',
    'exited 3': 'failed: container exited with code 3',
    'OOM killed': 'failed: OOM killed',
    dead: 'failed: container exited with code 1',
    restarting: 'pending: restarting (2 restarts)',
    paused: 'pending: paused',
  },
  // service_completed_successfully: exited, with 0.
  completed: {
    created: 'pending: not started',
    running: 'pending: still running',
    healthy: 'pending: still running',
    unhealthy: 'pending: still running',
    starting: 'pending: still running',
    'exited 0': 'ready',
    'exited 3': "failed: didn't complete successfully: exit 3",
    'OOM killed': "failed: didn't complete successfully: OOM killed",
    dead: "failed: didn't complete successfully: exit 1",
    restarting: 'pending: still running',
    paused: 'pending: still running',
  },
  // up --wait: running, healthy where it has a check; any exit fails (a one-shot is judged as `completed`).
  up: {
    created: 'pending: created',
    running: 'ready',
    healthy: 'ready',
    unhealthy: 'failed: unhealthy',
    starting: 'pending: healthcheck starting',
    'exited 0': 'failed: container exited with code 0',
    'exited 3': 'failed: container exited with code 3',
    'OOM killed': 'failed: OOM killed',
    dead: 'failed: container exited with code 1',
    restarting: 'pending: restarting (2 restarts)',
    paused: 'pending: paused',
  },
};

const said = (want: Want, s: ServiceState, sinceMs = 0, tolerance?: { failures: number; afterMs: number }) => {
  const j = judge(s, want, sinceMs, tolerance);
  return j.kind === 'ready' ? 'ready' : j.kind === 'pending' ? `pending: ${j.why}` : `failed: ${j.reason}`;
};

describe('judge', () => {
  for (const want of ['started', 'healthy', 'completed', 'up'] as const) {
    it(`${want}: every state as compose decides it`, () => {
      const got = Object.fromEntries(Object.entries(STATES).map(([name, s]) => [name, said(want, s)]));
      expect(got).toEqual(EXPECTED[want]);
    });
  }

  it("a check still starting counts as unhealthy once its failures reach the file's tolerance, kept in time", () => {
    const tolerance = { failures: 3, afterMs: 9_000 };
    const failing = state(health('starting', 3));
    // Checks run faster than the file asks: three failures before 9 s are not yet what the file would call unhealthy.
    expect(said('healthy', failing, 4_000, tolerance)).toBe('pending: healthcheck starting');
    expect(said('healthy', failing, 9_000, tolerance)).toBe('failed: unhealthy');
    expect(said('up', failing, 12_000, tolerance)).toBe('failed: unhealthy');
    expect(said('healthy', state(health('starting', 2)), 60_000, tolerance)).toBe('pending: healthcheck starting');
    // Without a tolerance the engine's own status decides.
    expect(said('healthy', failing, 60_000)).toBe('pending: healthcheck starting');
    // A service only started is not held to its check.
    expect(said('started', state(health('unhealthy', 9)), 60_000, tolerance)).toBe('ready');
  });
});

describe('stateOf', () => {
  it('reads the inspect fields readiness uses; a health status of none (a check disabled) is no check', () => {
    const inspected = stateOf({
      State: {
        Status: 'running',
        ExitCode: 0,
        Health: { Status: 'unhealthy', FailingStreak: 4, Log: [{ Output: 'first' }, { Output: 'refused' }] },
      },
      RestartCount: 1,
    });
    expect(inspected).toEqual({
      status: 'running',
      exitCode: 0,
      oomKilled: false,
      health: { status: 'unhealthy', failingStreak: 4, lastOutput: 'refused' },
      restartCount: 1,
    });
    const disabled = stateOf({ State: { Status: 'running', ExitCode: 0, Health: { Status: 'none' } } });
    expect(disabled.health).toBeUndefined();
    expect(said('healthy', disabled)).toBe('failed: has no healthcheck configured');
    const oom = stateOf({ State: { Status: 'exited', ExitCode: 137, OOMKilled: true } });
    expect(said('up', oom)).toBe('failed: OOM killed');
  });
});

describe('timedOut', () => {
  it('says what was waited for and where it stood', () => {
    expect(timedOut('healthy', 'healthcheck starting')).toBe('not healthy before the timeout (healthcheck starting)');
    expect(timedOut('completed', 'still running')).toBe('not completed before the timeout (still running)');
    expect(timedOut('up', 'restarting (2 restarts)')).toBe('not up before the timeout (restarting (2 restarts))');
    expect(timedOut('started', 'not started')).toBe('not started before the timeout (not started)');
  });
});
