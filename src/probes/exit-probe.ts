import { formatDuration } from '../duration.js';
import { deadlineTimer } from './clock.js';
import { startResult, type Probe, type ProbeResult, type ProbeTarget } from './probe.js';

/** `exit:<code>` — for one-shot containers (migrations, jobs): the container exits with that code. */
export class ExitProbe implements Probe {
  readonly kind = 'exit';
  /** The container's exit is this probe's goal, not a reason to stop it. */
  readonly waitsForExit = true;
  constructor(
    readonly spec: string,
    readonly expected: number,
  ) {}

  async check(target: ProbeTarget, deadline: number): Promise<ProbeResult> {
    const { clock } = target;
    const start = clock.now();
    const finish = startResult(this, clock);
    const cancel = new AbortController();
    const timeout = deadlineTimer(clock, deadline, cancel.signal);
    const otherFailure = target.stop.then((reason) => ({ stopped: reason }));
    try {
      const first = await Promise.race([target.exited, timeout, otherFailure]);
      if (first === 'timeout') {
        return finish(false, `container still running after ${formatDuration(clock.now() - start)}, expected exit code ${this.expected}`);
      }
      if ('stopped' in first) {
        // `stop` also fires on the container's exit; the exit decides then.
        const exit = await Promise.race([target.exited, clock.sleep(1000, cancel.signal).then(() => undefined)]);
        if (!exit) return finish(false, first.stopped);
        return this.judge(finish, exit);
      }
      return this.judge(finish, first);
    } finally {
      cancel.abort();
    }
  }

  private judge(
    finish: ReturnType<typeof startResult>,
    exit: { code: number | undefined; oomKilled: boolean; reason: string },
  ): ProbeResult {
    const evidence = { exitCode: exit.code };
    if (exit.oomKilled) return finish(false, exit.reason, evidence);
    if (exit.code === this.expected) return finish(true, `container exited with code ${exit.code}`, evidence);
    return finish(false, `container exited with code ${exit.code ?? 'unknown'}, expected ${this.expected}`, evidence);
  }
}
