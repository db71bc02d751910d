import { deadlineTimer } from './clock.js';
import { startResult, type Probe, type ProbeResult, type ProbeTarget } from './probe.js';

/** `log:<regex>` — the container's output (stdout and stderr) has a line matching the regex. */
export class LogProbe implements Probe {
  readonly kind = 'log';
  constructor(
    readonly spec: string,
    readonly pattern: RegExp,
  ) {}

  async check(target: ProbeTarget, deadline: number): Promise<ProbeResult> {
    const { clock } = target;
    const finish = startResult(this, clock);
    const match = target.logs.firstMatch(this.pattern);
    const cancel = new AbortController();
    const timeout = deadlineTimer(clock, deadline, cancel.signal);
    try {
      // The line is wrapped: a log line reading `timeout` must not pass for the deadline.
      const first = await Promise.race([
        match.found.then((line) => ({ line })),
        target.stop.then((reason) => ({ stopped: reason })),
        timeout,
      ]);
      if (typeof first === 'object' && 'line' in first) return this.matched(finish, first.line);
      if (typeof first === 'object') {
        // The container stopped: its last lines may still be on their way. Wait for the stream's end, then decide.
        await Promise.race([target.logs.ended, clock.sleep(2000, cancel.signal)]);
        const late = target.logs.lines().find((line) => this.pattern.test(line));
        if (late !== undefined) return this.matched(finish, late);
        return finish(false, first.stopped);
      }
      return finish(false, `log did not match /${this.pattern.source}/`);
    } finally {
      cancel.abort();
      match.cancel();
    }
  }

  private matched(finish: ReturnType<typeof startResult>, line: string): ProbeResult {
    return finish(true, `log matched /${this.pattern.source}/`, { line });
  }
}

/**
 * `--fail-on-log <regex>`: a tripwire, not a probe that must pass. The moment a line of output
 * matches, the commit is bad, without waiting for the timeout.
 */
export class FailOnLog {
  constructor(readonly pattern: RegExp) {}

  get spec(): string {
    return `--fail-on-log ${this.pattern.source}`;
  }

  reason(): string {
    return `log matched --fail-on-log /${this.pattern.source}/`;
  }
}
