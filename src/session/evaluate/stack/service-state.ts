/**
 * Whether a stack's service is where compose wants it, from one look at its container: started,
 * healthy, completed successfully (depends_on's conditions), or up as `docker compose up --wait`
 * decides it (running, healthy where it has a check; a one-shot exited 0). Pure.
 */
import type { HealthTolerance } from '../../../probes/probe.js';

/** What the engine says of a container, as far as readiness goes. */
export interface ServiceState {
  status: 'created' | 'running' | 'restarting' | 'exited' | 'dead' | 'paused' | 'removing' | (string & {});
  exitCode: number;
  oomKilled: boolean;
  /** Absent: the container has no healthcheck. */
  health?: { status: 'starting' | 'healthy' | 'unhealthy' | (string & {}); failingStreak: number; lastOutput?: string };
  restartCount: number;
}

/** What is waited for. */
/** `completed` is a one-shot's `up` too: exited 0. */
export type Want = 'started' | 'healthy' | 'completed' | 'up';

export type Judgement = { kind: 'ready' } | { kind: 'pending'; why: string } | { kind: 'failed'; reason: string };

/** Reads the fields of an inspect that readiness uses. */
export function stateOf(info: {
  State: {
    Status: string;
    ExitCode: number;
    OOMKilled?: boolean;
    Health?: { Status: string; FailingStreak?: number; Log?: { Output?: string }[] } | undefined;
  };
  RestartCount?: number;
}): ServiceState {
  const health = info.State.Health;
  const lastOutput = health?.Log?.at(-1)?.Output;
  return {
    status: info.State.Status,
    exitCode: info.State.ExitCode,
    oomKilled: Boolean(info.State.OOMKilled),
    ...(health && health.Status !== '' && health.Status !== 'none'
      ? { health: { status: health.Status, failingStreak: health.FailingStreak ?? 0, ...(lastOutput ? { lastOutput } : {}) } }
      : {}),
    restartCount: info.RestartCount ?? 0,
  };
}

const exitText = (state: ServiceState) => (state.oomKilled ? 'OOM killed' : `container exited with code ${state.exitCode}`);

/**
 * The service against what is wanted of it, `sinceStartMs` after it started: its check counts as
 * unhealthy once `tolerance` says so (the checks run faster than the file asks).
 */
export function judge(state: ServiceState, want: Want, sinceStartMs: number, tolerance?: HealthTolerance): Judgement {
  const stopped = state.status === 'exited' || state.status === 'dead';
  if (want === 'started') return state.status === 'created' ? { kind: 'pending', why: 'not started' } : { kind: 'ready' };
  if (want === 'completed') {
    if (!stopped) return { kind: 'pending', why: state.status === 'created' ? 'not started' : 'still running' };
    if (state.exitCode === 0 && !state.oomKilled) return { kind: 'ready' };
    return { kind: 'failed', reason: `didn't complete successfully: ${state.oomKilled ? 'OOM killed' : `exit ${state.exitCode}`}` };
  }
  if (stopped) return { kind: 'failed', reason: exitText(state) };
  if (state.status === 'restarting') return { kind: 'pending', why: `restarting (${state.restartCount} restarts)` };
  if (state.status !== 'running') return { kind: 'pending', why: state.status };
  if (!state.health) return want === 'healthy' ? { kind: 'failed', reason: 'has no healthcheck configured' } : { kind: 'ready' };
  if (state.health.status === 'healthy') return { kind: 'ready' };
  if (state.health.status === 'unhealthy') return { kind: 'failed', reason: 'unhealthy' };
  if (tolerance && state.health.failingStreak >= tolerance.failures && sinceStartMs >= tolerance.afterMs) {
    return { kind: 'failed', reason: 'unhealthy' };
  }
  return { kind: 'pending', why: `healthcheck ${state.health.status}` };
}

/** What a pending service is said to be at the deadline: `not healthy before the timeout (healthcheck starting)`. */
export function timedOut(want: Want, why: string): string {
  const goal = want === 'up' ? 'up' : want;
  return `not ${goal} before the timeout (${why})`;
}
