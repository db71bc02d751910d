/**
 * One run of an image: the probes planned from the image, a container started with the run's
 * settings, the probes checked against it, the evidence collected (results and the last lines of
 * output), and the container removed. With --network host, runs on one machine take turns.
 */
import { dataRootSpace } from '../../docker/disk-space.js';
import type { ImageFacts } from '../../docker/engine-adapter.js';
import { EngineLostError } from '../../docker/engine-calls.js';
import type { Lane } from '../../docker/engine-pool.js';
import { engineRestarted } from '../../docker/engine-watch.js';
import { resourceLabels } from '../../docker/labels.js';
import { LogWatcher } from '../../docker/log-watcher.js';
import { resourceError, resourceFailure } from '../../docker/resource-failure.js';
import { containerLogs, type RunningContainer } from '../../docker/run-container.js';
import { InfrastructureError } from '../../errors.js';
import { resourceLimits } from '../../options/derived.js';
import type { Settings } from '../../options/settings.js';
import type { Clock } from '../../probes/clock.js';
import { ExitProbe } from '../../probes/exit-probe.js';
import { tryConnect } from '../../probes/tcp-probe.js';
import { chooseLines } from '../../text/decisive-lines.js';
import { shortSha } from '../../text/short-sha.js';
import type { ContainerSpec } from '../deploy/deployment.js';
import type { Outcome } from '../outcome.js';
import { checkProbes } from './check-probes.js';
import { ENGINE_SETTLE_MS } from './image-builder.js';
import { planProbes, type ProbePlan } from './probe-plan.js';
import type { StageOptions } from './stage-options.js';
import { startFailure } from './start-failure.js';

export type RunSettings = Pick<
  Settings,
  | 'network'
  | 'probe'
  | 'failOnLog'
  | 'defaultHttp'
  | 'timeout'
  | 'healthInterval'
  | 'env'
  | 'envFile'
  | 'secretEnv'
  | 'memory'
  | 'cpus'
  | 'pidsLimit'
  | 'imagePlatform'
>;

export type RunOutcome = Omit<Outcome, 'sha' | 'durationMs' | 'built'>;

export interface RunEvents {
  phase?(sha: string, phase: 'start' | 'probe'): void;
  containerLine?(sha: string, line: string): void;
}

/** How long the engine gets to answer a ping after a probe failed, before the failure is blamed on it. */
const ENGINE_RECHECK_MS = 10_000;
/** Free space on the engine's disk above which a container's "no space left" is its own business (a full tmpfs, a quota of its own). */
const ROOMY_BYTES = 256 * 1024 ** 2;
/** How much of a failing container's output is read to find its decisive lines (those shown are fewer). */
const OUTPUT_SCAN_LINES = 5000;

export class ContainerRunner {
  probeRuns = 0;
  private sequence = 0;
  /** With --network host, containers of the same app would fight over its ports: one machine, one container at a time. */
  private readonly probeLocks = new Map<string, Promise<unknown>>();

  private readonly settings: RunSettings;
  private readonly sessionId: string;
  private readonly redact: (text: string) => string;
  private readonly logLines: number;
  private readonly events: RunEvents;
  private readonly clock: Clock;

  constructor(options: StageOptions<RunSettings, RunEvents> & { clock: Clock }) {
    ({ settings: this.settings, sessionId: this.sessionId, redact: this.redact, logLines: this.logLines, events: this.events } = options);
    this.clock = options.clock;
  }

  /** Starts the commit's image as `spec` says (its platform's pre-deploy command first, if any) and probes it. */
  run(lane: Lane, sha: string, imageId: string, spec: ContainerSpec, signal?: AbortSignal): Promise<RunOutcome> {
    if (this.settings.network !== 'host') return this.preDeployThenProbe(lane, sha, imageId, spec, signal);
    // One lock per machine: engines on other machines have host networks of their own.
    const machine = lane.engine.machine;
    const turn = (this.probeLocks.get(machine) ?? Promise.resolve()).then(() => this.preDeployThenProbe(lane, sha, imageId, spec, signal));
    this.probeLocks.set(
      machine,
      turn.catch(() => undefined),
    );
    return turn;
  }

  /**
   * The platform's pre-deploy command (a release, a migration), run in the new image before the
   * health phase as the platform does: a non-zero exit fails the deployment, its output the evidence.
   */
  private async preDeployThenProbe(
    lane: Lane,
    sha: string,
    imageId: string,
    spec: ContainerSpec,
    signal?: AbortSignal,
  ): Promise<RunOutcome> {
    const pre = spec.preDeploy;
    if (pre) {
      const once: ContainerSpec = {
        env: spec.env,
        probes: [new ExitProbe('exit:0', 0)],
        timeoutMs: pre.timeoutMs,
        overrides: pre.overrides,
      };
      const ran = await this.startAndProbe(lane, sha, imageId, once, signal);
      if (!ran.ok) return { ...ran, phase: 'pre-deploy', signature: `pre-deploy command failed (${pre.what}): ${ran.signature}` };
    }
    return this.startAndProbe(lane, sha, imageId, spec, signal);
  }

  private async startAndProbe(lane: Lane, sha: string, imageId: string, spec: ContainerSpec, signal?: AbortSignal): Promise<RunOutcome> {
    if (lane.watch.lost) throw engineRestarted(lane.engine.endpoint, `${shortSha(sha)} waited for its turn`);
    const image = await lane.adapter.imageFacts(imageId);
    const plan = this.plan(lane, image, spec);
    this.events.phase?.(sha, 'start');
    signal?.throwIfAborted();
    await this.checkPortsFree(lane, sha, image, plan);
    const started = await this.start(lane, sha, { imageId, image, plan, spec });
    if ('failed' in started) return started.failed;
    const running = started.running;
    lane.tracker.addContainer(running.id);
    try {
      return await this.probe(lane, sha, running, { image, plan, spec }, signal);
    } finally {
      await lane.tracker.removeContainer(running.id).catch(() => undefined);
    }
  }

  /** The probes for a container of the image on the lane, as `spec` asks. */
  plan(lane: Lane, image: ImageFacts, spec: Pick<ContainerSpec, 'probes' | 'timeoutMs'>): ProbePlan {
    const s = this.settings;
    return planProbes(image, {
      userProbes: spec.probes,
      network: s.network,
      // The default GET goes to 127.0.0.1 here: it cannot reach an engine on another machine.
      defaultHttp: s.defaultHttp && lane.engine.machine === 'local',
      timeoutMs: spec.timeoutMs,
      ...(s.healthInterval !== undefined ? { healthIntervalMs: s.healthInterval } : {}),
    });
  }

  /**
   * On the host network, a port the image EXPOSEs and a probe targets must be free: the container
   * could not listen there, and the probe would take another process's answer for the commit's.
   * (A probed port the image does not EXPOSE may rightly be served by the host, e.g. a proxy.)
   */
  private async checkPortsFree(lane: Lane, sha: string, image: ImageFacts, plan: ProbePlan): Promise<void> {
    if (this.settings.network !== 'host' || lane.engine.machine !== 'local') return;
    const exposed = new Set(image.exposedPorts.map((p) => Number(p.split('/')[0])));
    for (const port of plan.publish.filter((p) => exposed.has(p))) {
      if ((await tryConnect('127.0.0.1', port, 500)) === undefined) {
        throw new InfrastructureError(
          `127.0.0.1:${port}, which the image EXPOSEs and a probe targets, already answers before the container of ${shortSha(sha)} started: the container cannot listen there on the host network, and the probe would reach that process; stop it and re-run to resume`,
        );
      }
    }
  }

  private async start(
    lane: Lane,
    sha: string,
    what: { imageId: string; image: ImageFacts; plan: ProbePlan; spec: ContainerSpec },
  ): Promise<{ running: RunningContainer } | { failed: RunOutcome }> {
    const s = this.settings;
    const { imageId, image, plan, spec } = what;
    const name = await lane.adapter.freeContainerName(() => `deploybisect-${this.sessionId}-${shortSha(sha)}-${++this.sequence}`);
    try {
      const running = await lane.adapter.start({
        image: imageId,
        name,
        labels: resourceLabels(this.sessionId, sha),
        env: spec.env,
        ...(spec.overrides ? { overrides: spec.overrides } : {}),
        networkMode: s.network,
        publish: plan.publish,
        limits: resourceLimits(s),
        ...(s.imagePlatform ? { platform: s.imagePlatform } : {}),
        // The image's check with our timing: the whole of it, since not every engine merges a partial one.
        ...(plan.healthcheck ? { healthcheck: { ...image.healthcheck, ...plan.healthcheck } } : {}),
      });
      return { running };
    } catch (error) {
      return { failed: await startFailure(lane, sha, error, this.redact) };
    }
  }

  /** Probes a started container of `sha` as the plan says; its output's decisive lines are the evidence. */
  async probe(
    lane: Lane,
    sha: string,
    running: RunningContainer,
    what: { image: ImageFacts; plan: ProbePlan; spec: ContainerSpec },
    signal?: AbortSignal,
  ): Promise<RunOutcome> {
    const { image, plan, spec } = what;
    let logs: LogWatcher | undefined;
    try {
      this.events.phase?.(sha, 'probe');
      this.probeRuns++;
      logs = LogWatcher.follow(running.container, this.redact);
      const onLine = this.events.containerLine?.bind(this.events);
      if (onLine) logs.onPrinted((line) => onLine(sha, line));
      const driver = lane.adapter.healthcheckDriver(running.id, image.healthcheck, plan.healthcheck);
      const results = await checkProbes({
        docker: lane.engine.docker,
        running,
        logs,
        probes: plan.probes,
        failOnLog: this.settings.failOnLog,
        network: this.settings.network,
        timeoutMs: spec.timeoutMs,
        clock: this.clock,
        redact: this.redact,
        ...(signal ? { signal } : {}),
        ...(driver ? { healthcheckDriver: driver } : {}),
        ...(plan.healthTolerance ? { healthTolerance: plan.healthTolerance } : {}),
      });
      const failed = results.find((r) => !r.ok);
      if (failed) await this.engineStillAnswers(lane, sha);
      // Read well beyond the budget: the line that says what happened is often not among the last ones.
      const output = (await containerLogs(running.container, OUTPUT_SCAN_LINES).catch(() => [])).map(this.redact);
      const shown = chooseLines(output, this.logLines);
      if (failed) await this.notTheEnginesFault(lane, sha, running, [...results.map((r) => r.reason), ...shown.lines]);
      return {
        ok: !failed,
        phase: 'probe',
        signature: failed ? failed.reason : results.map((r) => r.reason).join('; '),
        probes: results,
        logTail: shown.lines,
        ...(shown.gaps.length > 0 ? { logGaps: shown.gaps } : {}),
      };
    } finally {
      logs?.stop();
    }
  }

  /**
   * A probe that timed out because the engine stopped answering (its calls outlast the probe's
   * deadline) must not be taken for the commit's failure: the engine is asked once more.
   */
  private async engineStillAnswers(lane: Lane, sha: string): Promise<void> {
    await lane.adapter.answers(ENGINE_RECHECK_MS).catch((error: unknown) => {
      throw new EngineLostError(
        `the Docker engine at ${lane.engine.endpoint} stopped answering while ${shortSha(sha)} was probed (${(error as Error).message}): the state is kept; once the engine answers, re-run the same command to resume`,
        { cause: error },
      );
    });
  }

  /**
   * A failed probe is the commit's failure only if the engine is not to blame: a container the
   * engine stopped as it restarted, or one that could not write for the engine's full disk, says
   * nothing about the commit. Throws when the engine is to blame.
   */
  private async notTheEnginesFault(lane: Lane, sha: string, running: RunningContainer, evidence: string[]): Promise<void> {
    // A stopping engine stops its containers before it closes its API: look twice, unless the
    // container still runs (then the engine did not stop it, and the failure is the container's own).
    const stillRuns = await running.container
      .inspect()
      .then((info) => info.State.Running === true)
      .catch(() => false);
    if (stillRuns ? lane.watch.lost : await lane.watch.lostWithin(ENGINE_SETTLE_MS)) {
      throw engineRestarted(lane.engine.endpoint, `${shortSha(sha)} was probed`);
    }
    const resource = resourceFailure(evidence.join('\n'));
    if (resource?.kind !== 'disk') return;
    // The container's own writes failed for lack of space: the engine's disk, unless it has room to spare.
    const space = await dataRootSpace(lane.engine);
    if (!space || space.freeBytes < Math.max(ROOMY_BYTES, space.totalBytes * 0.05)) {
      throw resourceError(resource, lane.engine.endpoint, `running ${shortSha(sha)}`, space);
    }
  }
}
