/**
 * One run of a candidate's stack: its services started as `docker compose up --wait` would (stack-
 * instance.ts), then the probes against the main service, the evidence from every service's output,
 * and everything removed. On the host network, a machine runs one stack at a time, and a port the
 * stack's services declare must be free and theirs alone: a clash is the machine's problem, never a
 * verdict.
 */
import type { Lane } from '../../../docker/engine-pool.js';
import { engineRestarted } from '../../../docker/engine-watch.js';
import { containerLogs } from '../../../docker/run-container.js';
import { InfrastructureError } from '../../../errors.js';
import type { Clock } from '../../../probes/clock.js';
import { tryConnect } from '../../../probes/tcp-probe.js';
import { shortSha } from '../../../text/short-sha.js';
import type { Deployment } from '../../deploy/deployment.js';
import type { StackSpec } from '../../deploy/stack-spec.js';
import type { ContainerRunner, RunEvents, RunOutcome, RunSettings } from '../container-run.js';
import { ENGINE_SETTLE_MS } from '../image-builder.js';
import type { ProbePlan } from '../probe-plan.js';
import type { StageOptions } from '../stage-options.js';
import { serviceHealth } from './service-health.js';
import { composeWords, failureSignature, stackEvidence, type ServiceOutput } from './stack-evidence.js';
import { StackInstance, type ServiceRun, type StackFailure } from './stack-instance.js';

/** How much of each service's output is read to find its decisive lines. */
const OUTPUT_SCAN_LINES = 5000;
/** A service's words for a port another holds. */
const ADDRESS_IN_USE = /address already in use|EADDRINUSE|Address in use|bind: address/i;

export type StackRunOptions = StageOptions<RunSettings, RunEvents> & { clock: Clock; repoDir: string; runner: ContainerRunner };

export class StackRunner {
  private sequence = 0;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly o: StackRunOptions) {}

  /** Runs the stack of `deployment` with the services' images (by service name). */
  run(lane: Lane, sha: string, deployment: Deployment, images: ReadonlyMap<string, string>, signal?: AbortSignal): Promise<RunOutcome> {
    if (this.o.settings.network !== 'host') return this.once(lane, sha, deployment, images, signal);
    // The services of two stacks on one host network would fight over their ports: one stack per machine at a time.
    const machine = lane.engine.machine;
    const turn = (this.locks.get(machine) ?? Promise.resolve()).then(() => this.once(lane, sha, deployment, images, signal));
    this.locks.set(
      machine,
      turn.catch(() => undefined),
    );
    return turn;
  }

  private async once(
    lane: Lane,
    sha: string,
    deployment: Deployment,
    images: ReadonlyMap<string, string>,
    signal?: AbortSignal,
  ): Promise<RunOutcome> {
    const stack = deployment.stack!;
    const { settings, clock, runner } = this.o;
    if (lane.watch.lost) throw engineRestarted(lane.engine.endpoint, `${shortSha(sha)} waited for its turn`);
    const services = await Promise.all(
      stack.services.map(async (spec): Promise<ServiceRun> => {
        const imageId = images.get(spec.name)!;
        const image = await lane.adapter.imageFacts(imageId);
        return { spec, imageId, image, health: serviceHealth(image.healthcheck, spec.healthcheck, settings.healthInterval) };
      }),
    );
    const main = services.find((s) => s.spec.name === stack.main)!;
    const mainImage = { ...main.image, ...(main.health.declared ? { healthcheck: main.health.declared } : {}) };
    const plan = runner.plan(lane, mainImage, deployment.run);
    if (settings.network === 'host' && lane.engine.machine === 'local') await checkPortsFree(sha, stack, services, plan);
    const instance = new StackInstance(
      {
        lane,
        sha,
        repoDir: this.o.repoDir,
        sessionId: this.o.sessionId,
        tag: `${shortSha(sha)}-${++this.sequence}`,
        settings,
        clock,
        redact: this.o.redact,
        publish: plan.publish,
        main: stack.main,
        ...(this.o.events.containerLine ? { onLine: (line: string) => this.o.events.containerLine!(sha, line) } : {}),
      },
      services,
    );
    this.o.events.phase?.(sha, 'start');
    try {
      const failure = await instance.up(clock.now() + deployment.run.timeoutMs, signal);
      if (failure) return await this.failed(lane, sha, instance, failure);
      const probed = await runner.probe(lane, sha, main.running!, { image: mainImage, plan, spec: deployment.run }, signal);
      const evidence = stackEvidence(await outputsOf(instance, this.o.redact), stack.main, this.o.logLines);
      return { ...probed, signature: `${stack.main}: ${probed.signature}`, logTail: evidence.logTail, ...gapsOf(evidence) };
    } finally {
      await instance.down();
    }
  }

  /** A stack that did not come up: the service at fault leads, unless the engine or the host network is to blame. */
  private async failed(lane: Lane, sha: string, instance: StackInstance, failure: StackFailure): Promise<RunOutcome> {
    if (await lane.watch.lostWithin(ENGINE_SETTLE_MS)) throw engineRestarted(lane.engine.endpoint, `the stack of ${shortSha(sha)} started`);
    const outputs = await outputsOf(instance, this.o.redact);
    const own = outputs.find((o) => o.service === failure.service)?.lines ?? [];
    const clash = this.o.settings.network === 'host' ? own.find((line) => ADDRESS_IN_USE.test(line)) : undefined;
    if (clash) {
      throw new InfrastructureError(
        `on the host network, the ${failure.service} service of ${shortSha(sha)} could not listen (${clash.trim()}): another service of the stack or a process of this machine holds its port; services must listen on distinct ports (--network bridge on an engine with networks gives each stack its own); re-run to resume`,
      );
    }
    const evidence = stackEvidence(outputs, failure.service, this.o.logLines, [composeWords(failure)]);
    return { ok: false, phase: 'stack', signature: failureSignature(failure), probes: [], logTail: evidence.logTail, ...gapsOf(evidence) };
  }
}

const gapsOf = (evidence: ReturnType<typeof stackEvidence>) => (evidence.logGaps ? { logGaps: evidence.logGaps } : {});

async function outputsOf(instance: StackInstance, redact: (text: string) => string): Promise<ServiceOutput[]> {
  return Promise.all(
    instance.services.map(async (run) => ({
      service: run.spec.name,
      lines: run.running ? (await containerLogs(run.running.container, OUTPUT_SCAN_LINES).catch(() => [])).map(redact) : [],
    })),
  );
}

/**
 * On the host network every service listens on the machine's own ports: a port two services declare,
 * or one that already answers, would make the stack fail (or answer) for another's sake.
 */
async function checkPortsFree(sha: string, stack: StackSpec, services: readonly ServiceRun[], plan: ProbePlan): Promise<void> {
  const owners = new Map<number, string[]>();
  for (const run of services) for (const port of run.spec.ports) owners.set(port, [...(owners.get(port) ?? []), run.spec.name]);
  for (const [port, names] of owners) {
    if (names.length > 1) {
      throw new InfrastructureError(
        `${names.join(' and ')} both listen on port ${port} (${stack.manifest}): on the host network services must listen on distinct ports; give the stack a network of its own (--network bridge on an engine with networks)`,
      );
    }
  }
  const main = services.find((s) => s.spec.name === stack.main)!;
  const exposed = main.image.exposedPorts.map((p) => Number(p.split('/')[0]));
  const probed = plan.publish.filter((p) => exposed.includes(p) && !owners.has(p));
  for (const port of [...owners.keys(), ...probed]) {
    if ((await tryConnect('127.0.0.1', port, 500)) === undefined) {
      const who = owners.get(port)?.join(' and ') ?? stack.main;
      throw new InfrastructureError(
        `127.0.0.1:${port}, where ${who} listens, already answers before the stack of ${shortSha(sha)} started: on the host network the stack's services share this machine's ports; stop what listens there and re-run to resume`,
      );
    }
  }
}
