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
}

const STOPPED = 'stopped: ';
/** How long to wait, once the container stopped, for its last lines to arrive. */
const LOG_DRAIN_MS = 2000;

/**
 * Runs every probe at once against one deadline, with the --fail-on-log tripwires armed.
 * The first failure — a probe's, a tripwire's, or the container's exit — stops all pending probes
 * at once (the exit probe excepted: an exit is what it waits for). Results come decisive-first.
 */
export async function checkProbes(input: CheckProbesInput): Promise<ProbeResult[]> {
  const { clock, running, logs } = input;
  const start = clock.now();
  let hasExited = false;
  void running.exited.then(() => (hasExited = true));
  let failFirst!: (reason: string) => void;
  const firstFailure = new Promise<string>((resolve) => (failFirst = resolve));
  // An abort before the check began (e.g. during the container's start) must stop the probes too.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<string>((resolve) => {
    onAbort = () => resolve('interrupted');
    if (input.signal?.aborted) onAbort();
    else input.signal?.addEventListener('abort', onAbort, { once: true });
  });
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
  };
  const exitTarget: ProbeTarget = { ...target, stop: Promise.race([otherFailed, aborted]) };

  const tripped: ProbeResult[] = [];
  const trip = (wire: FailOnLog, line: string): void => {
    if (tripped.some((t) => t.spec === wire.spec)) return;
    tripped.push({
      kind: 'fail-on-log',
      spec: wire.spec,
      ok: false,
      elapsedMs: clock.now() - start,
      reason: wire.reason(),
      evidence: { line },
    });
    failFirst(wire.reason());
  };
  const wires = input.failOnLog.map((wire) => {
    const match = logs.firstMatch(wire.pattern);
    void match.found.then((line) => trip(wire, line));
    return match;
  });

  const deadline = start + input.timeoutMs;
  const results = await Promise.all(
    input.probes.map(async (probe) => {
      const waitsForExit = (probe as { waitsForExit?: boolean }).waitsForExit === true;
      // A probe that throws (the engine failed to answer an inspect) fails itself, and stops the others like any failure.
      const result = await probe.check(waitsForExit ? exitTarget : target, deadline).catch((error: Error): ProbeResult => {
        // A lost engine says nothing about the commit: no verdict, the run stops (and can be resumed).
        if (error instanceof EngineLostError) {
          failFirst('the engine was lost');
          throw error;
        }
        return {
          kind: probe.kind,
          spec: probe.spec,
          ok: false,
          elapsedMs: clock.now() - start,
          reason: `${probe.kind} probe error: ${error.message}`,
        };
      });
      if (!result.ok) failFirst(result.reason);
      return result;
    }),
  ).finally(() => {
    if (onAbort) input.signal?.removeEventListener('abort', onAbort);
  });
  input.signal?.throwIfAborted();

  // A container that stopped may still have lines on their way: let them arrive before the tripwires are judged.
  if (hasExited && input.failOnLog.length > 0) {
    const drain = new AbortController();
    await Promise.race([logs.ended, clock.sleep(LOG_DRAIN_MS, drain.signal)]);
    drain.abort();
  }
  for (const wire of input.failOnLog) {
    const line = logs.lines().find((l) => wire.pattern.test(l));
    if (line !== undefined) trip(wire, line);
  }
  wires.forEach((w) => w.cancel());

  const decisiveFirst = (a: ProbeResult, b: ProbeResult) => Number(a.reason.startsWith(STOPPED)) - Number(b.reason.startsWith(STOPPED));
  // Whatever a probe kept (reasons, URLs, evidence) leaves the tool masked.
  return [...tripped, ...results.sort(decisiveFirst)].map((r) => redactResult(r, input.redact));
}

function redactResult(result: ProbeResult, redact: (text: string) => string): ProbeResult {
  const evidence = result.evidence
    ? Object.fromEntries(Object.entries(result.evidence).map(([k, v]) => [k, typeof v === 'string' ? redact(v) : v]))
    : undefined;
  return { ...result, spec: redact(result.spec), reason: redact(result.reason), ...(evidence ? { evidence } : {}) };
}
