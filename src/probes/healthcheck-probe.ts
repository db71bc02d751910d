import { cleanText } from '../text/clean-text.js';
import { poll } from './poll.js';
import { startResult, type Probe, type ProbeResult, type ProbeTarget } from './probe.js';

interface HealthLogEntry {
  ExitCode?: number;
  Output?: string;
}

/** `healthcheck` — the image's own HEALTHCHECK reports healthy (and fails once it reports unhealthy). */
export class HealthcheckProbe implements Probe {
  readonly kind = 'healthcheck';
  constructor(readonly spec = 'healthcheck') {}

  async check(target: ProbeTarget, deadline: number): Promise<ProbeResult> {
    const { clock } = target;
    const finish = startResult(this, clock);
    let lastOutput = '';
    let lastPassed = false;
    const driver = target.healthcheckDriver;
    // As the engine would: the first check one interval after the start, then one per interval.
    let nextCheck = clock.now() + (driver?.intervalMs ?? 0);
    const tolerance = target.healthTolerance;
    const unhealthyFrom = clock.now() + (tolerance?.afterMs ?? 0);
    const outcome = await poll<{ status: string }>(
      async () => {
        if (driver && clock.now() >= nextCheck) {
          nextCheck = clock.now() + driver.intervalMs;
          // A failed call (the container just stopped) is no verdict: the inspect below and `stop` tell.
          await driver.run().catch(() => undefined);
        }
        const info = await target.container.inspect();
        const health = (info.State as { Health?: { Status: string; FailingStreak?: number; Log?: HealthLogEntry[] } }).Health;
        if (!health) return { done: true, value: { status: 'none' } };
        const last = health.Log?.at(-1);
        if (last) lastOutput = last.Output ? target.redact(cleanText(last.Output).trim()) : '';
        lastPassed = last?.ExitCode === 0;
        if (health.Status === 'healthy' || health.Status === 'unhealthy') return { done: true, value: { status: health.Status } };
        if (tolerance && (health.FailingStreak ?? 0) >= tolerance.failures && clock.now() >= unhealthyFrom) {
          return { done: true, value: { status: 'unhealthy' } };
        }
        return { done: false, reason: `healthcheck still ${health.Status}` };
      },
      { clock, deadline, intervalMs: 250, stop: target.stop },
    );
    const evidence = lastOutput ? { lastOutput: lastOutput.slice(-500) } : undefined;
    // A passing check keeps the last check's output only when that check passed (not an earlier failure's text).
    const result = (ok: boolean, reason: string): ProbeResult => finish(ok, reason, ok && !lastPassed ? undefined : evidence);
    switch (outcome.kind) {
      case 'stopped':
        return result(false, outcome.reason);
      case 'timeout':
        return result(false, 'healthcheck not healthy before the timeout');
      case 'done':
        if (outcome.value.status === 'none') return result(false, 'image has no HEALTHCHECK');
        return outcome.value.status === 'healthy' ? result(true, 'healthcheck healthy') : result(false, 'healthcheck unhealthy');
    }
  }
}
