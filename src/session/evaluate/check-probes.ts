import type Docker from 'dockerode';

import { EngineLostError } from '../../docker/engine-calls.js';
import type { LogWatcher } from '../../docker/log-watcher.js';
import type { RunningContainer } from '../../docker/run-container.js';
import type { Clock } from '../../probes/clock.js';
import type { FailOnLog } from '../../probes/log-probe.js';
import type { Probe, ProbeResult, ProbeTarget } from '../../probes/probe.js';

export interface CheckProbesInput {
  docker: Docker;
  running: RunningContainer;
  logs: LogWatcher;
  probes: Probe[];
  failOnLog: FailOnLog[];
  network: string;
  timeoutMs: number;
  clock: Clock;
  redact(text: string): string;
  signal?: AbortSignal;
  /** Set when the engine does not run HEALTHCHECKs itself (see ProbeTarget.healthcheckDriver). */
  healthcheckDriver?: ProbeTarget['healthcheckDriver'];
  /** Set when the probe, not the engine, decides that the HEALTHCHECK failed (see ProbeTarget.healthTolerance). */
  healthTolerance?: ProbeTarget['healthTolerance'];
}

const STOPPED = 'stopped: ';
/** How long to wait, once the container stopped, for its last lines to arrive. */
const LOG_DRAIN_MS = 2000;

/** Settles with 'interrupted' once `signal` aborts (at once if it already has); `dispose` stops listening. */
function abortion(signal: AbortSignal | undefined): { aborted: Promise<string>; dispose(): void } {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<string>((resolve) => {
    onAbort = () => resolve('interrupted');
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  return { aborted, dispose: () => onAbort && signal?.removeEventListener('abort', onAbort) };
}

/** The --fail-on-log tripwires: armed on the live output, judged once more on all of it at the end. */
class Tripwires {
  readonly tripped: ProbeResult[] = [];
  private readonly matches: Array<{ cancel(): void }>;

  constructor(
    private readonly wires: FailOnLog[],
    private readonly logs: LogWatcher,
    private readonly elapsed: () => number,
    private readonly onTrip: (reason: string) => void,
  ) {
    this.matches = wires.map((wire) => {
      const match = logs.firstMatch(wire.pattern);
      void match.found.then((line) => this.trip(wire, line));
      return match;
    });
  }

  /** Once the probes are done: a line that matched but was not seen live (it arrived late) still trips. */
  judge(): void {
    for (const wire of this.wires) {
      const line = this.logs.lines().find((l) => wire.pattern.test(l));
      if (line !== undefined) this.trip(wire, line);
    }
    this.matches.forEach((m) => m.cancel());
  }

  private trip(wire: FailOnLog, line: string): void {
    if (this.tripped.some((t) => t.spec === wire.spec)) return;
    this.tripped.push({
      kind: 'fail-on-log',
      spec: wire.spec,
      ok: false,
      elapsedMs: this.elapsed(),
      reason: wire.reason(),
      evidence: { line },
    });
    this.onTrip(wire.reason());
  }
}

/** One probe's result; a probe that throws (the engine failed to answer an inspect) fails itself. */
async function runProbe(probe: Probe, target: ProbeTarget, deadline: number, elapsed: () => number): Promise<ProbeResult> {
  return probe.check(target, deadline).catch((error: Error): ProbeResult => {
    // A lost engine says nothing about the commit: no verdict, the run stops (and can be resumed).
    if (error instanceof EngineLostError) throw error;
    return { kind: probe.kind, spec: probe.spec, ok: false, elapsedMs: elapsed(), reason: `${probe.kind} probe error: ${error.message}` };
  });
}

/**
 * Runs every probe at once against one deadline, with the --fail-on-log tripwires armed.
 * The first failure — a probe's, a tripwire's, or the container's exit — stops all pending probes
 * at once (the exit probe excepted: an exit is what it waits for). Results come decisive-first.
 */
export async function checkProbes(input: CheckProbesInput): Promise<ProbeResult[]> {
  const { clock, running, logs } = input;
  const start = clock.now();
  const elapsed = (): number => clock.now() - start;
  let hasExited = false;
  void running.exited.then(() => (hasExited = true));
  let failFirst!: (reason: string) => void;
  const firstFailure = new Promise<string>((resolve) => (failFirst = resolve));
  // An abort before the check began (e.g. during the container's start) must stop the probes too.
  const { aborted, dispose } = abortion(input.signal);
  const otherFailed = firstFailure.then((reason) => `${STOPPED}another check failed (${reason})`);
  const target: ProbeTarget = {
    docker: input.docker,
    container: running.container,
    stop: Promise.race([running.exited.then((e) => e.reason), otherFailed, aborted]),
    exited: running.exited,
    logs,
    redact: input.redact,
    publishedPort: (port) => running.ports.get(port),
    networkMode: input.network,
    clock,
    ...(input.healthcheckDriver ? { healthcheckDriver: input.healthcheckDriver } : {}),
    ...(input.healthTolerance ? { healthTolerance: input.healthTolerance } : {}),
  };
  const exitTarget: ProbeTarget = { ...target, stop: Promise.race([otherFailed, aborted]) };
  const wires = new Tripwires(input.failOnLog, logs, elapsed, failFirst);

  const deadline = start + input.timeoutMs;
  const results = await Promise.all(
    input.probes.map(async (probe) => {
      const result = await runProbe(probe, probe.waitsForExit ? exitTarget : target, deadline, elapsed).catch((error: unknown) => {
        failFirst('the engine was lost');
        throw error;
      });
      if (!result.ok) failFirst(result.reason);
      return result;
    }),
  ).finally(dispose);
  input.signal?.throwIfAborted();

  // A container that stopped may still have lines on their way: let them arrive before the tripwires are judged.
  if (hasExited && input.failOnLog.length > 0) {
    const drain = new AbortController();
    await Promise.race([logs.ended, clock.sleep(LOG_DRAIN_MS, drain.signal)]);
    drain.abort();
  }
  wires.judge();

  const decisiveFirst = (a: ProbeResult, b: ProbeResult) => Number(a.reason.startsWith(STOPPED)) - Number(b.reason.startsWith(STOPPED));
  // Whatever a probe kept (reasons, URLs, evidence) leaves the tool masked.
  return [...wires.tripped, ...results.sort(decisiveFirst)].map((r) => redactResult(r, input.redact));
}

function redactResult(result: ProbeResult, redact: (text: string) => string): ProbeResult {
  const evidence = result.evidence
    ? Object.fromEntries(Object.entries(result.evidence).map(([k, v]) => [k, typeof v === 'string' ? redact(v) : v]))
    : undefined;
  return { ...result, spec: redact(result.spec), reason: redact(result.reason), ...(evidence ? { evidence } : {}) };
}
