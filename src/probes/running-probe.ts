import { formatDuration } from '../duration.js';
import { poll } from './poll.js';
import { startResult, type Probe, type ProbeResult, type ProbeTarget } from './probe.js';

/** `running:<duration>` — the container is still running once the duration has passed. */
export class RunningProbe implements Probe {
  readonly kind = 'running';
  constructor(
    readonly spec: string,
    readonly durationMs: number,
  ) {}

  get passesAfterMs(): number {
    return this.durationMs;
  }

  async check(target: ProbeTarget, deadline: number): Promise<ProbeResult> {
    const { clock } = target;
    const until = clock.now() + this.durationMs;
    const finish = startResult(this, clock);
    const result = (reason: string, ok: boolean): ProbeResult => finish(ok, reason);
    if (until > deadline) {
      return result(`running:${formatDuration(this.durationMs)} is longer than the probe timeout`, false);
    }
    const outcome = await poll(
      async () => {
        if (clock.now() < until) return { done: false, reason: 'waiting' };
        const info = await target.container.inspect();
        return { done: true, value: info.State.Running };
      },
      { clock, deadline, intervalMs: Math.min(500, this.durationMs || 1), stop: target.stop },
    );
    if (outcome.kind === 'stopped') return result(outcome.reason, false);
    if (outcome.kind === 'timeout') return result(`not running after ${formatDuration(this.durationMs)}`, false);
    return outcome.value
      ? result(`running after ${formatDuration(this.durationMs)}`, true)
      : result(`not running after ${formatDuration(this.durationMs)}`, false);
  }
}
