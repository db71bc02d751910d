import { createHash } from 'node:crypto';
import { formatDuration } from '../duration.js';
import type Docker from 'dockerode';
import { InfrastructureError } from '../errors.js';
import { EngineLostError } from '../docker/engine-calls.js';
import { withTimeout } from '../docker/engine.js';
import { buildFailureSignature, buildImage, BuildFailedError } from '../docker/build-image.js';
import type { EnginePool, Lane } from '../docker/engine-pool.js';
import { podmanImageHealthcheck, runPodmanHealthcheck, type HealthConfig } from '../docker/podman.js';
import { LABEL_BUILD, resourceLabels } from '../docker/labels.js';
import { LogWatcher } from '../docker/log-watcher.js';
import { containerLogs, startContainer, type NetworkMode, type ResourceLimits, type RunningContainer } from '../docker/run-container.js';
import { createBuildContext, MissingContextError, MissingDockerfileError, planBuildContext } from '../git/build-context.js';
import { systemClock, type Clock } from '../probes/clock.js';
import { FailOnLog } from '../probes/log-probe.js';
import { parseProbe, parseRegex, type ProbeSettings } from '../probes/parse-probe.js';
import type { Probe } from '../probes/probe.js';
import { tryConnect } from '../probes/tcp-probe.js';
import { clipLine } from '../text/clip-line.js';
import { checkProbes } from './check-probes.js';
import type { Outcome } from './outcome.js';
import { planProbes, type ImageFacts } from './probe-plan.js';
import { redactor } from './redact.js';
import type { VerdictCache } from './verdict-cache.js';

export interface EvaluatorOptions {
  repoDir: string;
  contextDir: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  target?: string;
  buildNetwork?: string;
  network: NetworkMode;
  env: string[];
  /** `--probe` specs; empty = the defaults (see probe-plan.ts). */
  probes: string[];
  probeSettings: ProbeSettings;
  /** `--fail-on-log` regexes: a matching line of output makes the commit bad at once. */
  failOnLog: string[];
  /** Without --probe and HEALTHCHECK: also GET / on the first EXPOSEd port (`--no-default-http` = false). */
  defaultHttp: boolean;
  /** Values never to show: masked as *** in output, outcomes and JSON. */
  secrets: string[];
  limits: ResourceLimits;
  platform?: string;
  /** `--health-interval`: replaces the HEALTHCHECK interval, keeping its test and retries. */
  healthIntervalMs?: number;
  timeoutMs: number;
  /** Lines of container output kept per outcome. */
  logLines: number;
  /** Outcomes remembered across runs; absent with `--no-cache`. */
  cache?: VerdictCache;
  /** `--build-timeout`: a build that takes longer is stopped and reported (default 20 min). */
  buildTimeoutMs?: number;
  /**
   * `--keep-images`: before building, look for a kept image of the same build (context fingerprint,
   * build args, target, platform, build network) on the engine, and probe that instead.
   */
  reuseImages?: boolean;
}

export interface EvaluatorEvents {
  buildOutput?(sha: string, line: string): void;
  containerLine?(sha: string, line: string): void;
  phase?(sha: string, phase: 'build' | 'start' | 'probe' | 'explain'): void;
}

/**
 * Turns a commit into an Outcome: build context from git objects → image → container → probes.
 * Commits whose build contexts are identical share one outcome (the image would be the same).
 */
export class Evaluator {
  builds = 0;
  probeRuns = 0;
  /** Evaluations that probed a kept image instead of building one. */
  imagesReused = 0;
  private readonly byFingerprint = new Map<string, Outcome>();
  /** The engine each image of this run is on (to run it again there). */
  private readonly imageLanes = new Map<string, Lane>();
  private readonly inFlight = new Map<string, Promise<Outcome>>();
  private readonly userProbes: Probe[];
  private readonly failOnLog: FailOnLog[];
  private readonly redact: (text: string) => string;
  private sequence = 0;

  constructor(
    private readonly pool: EnginePool,
    private readonly options: EvaluatorOptions,
    private readonly events: EvaluatorEvents = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.userProbes = options.probes.map((spec) => parseProbe(spec, options.probeSettings));
    this.failOnLog = options.failOnLog.map((source) => new FailOnLog(parseRegex(source, '--fail-on-log')));
    this.redact = redactor(options.secrets);
  }

  async evaluate(sha: string, signal?: AbortSignal): Promise<Outcome> {
    const started = this.clock.now();
    const done = (partial: Omit<Outcome, 'sha' | 'durationMs' | 'built'> & { built?: boolean }): Outcome => ({
      sha,
      built: false,
      ...partial,
      durationMs: this.clock.now() - started,
    });

    // 1. The build context, from git objects.
    let context;
    try {
      context = await createBuildContext({
        repoDir: this.options.repoDir,
        commit: sha,
        contextDir: this.options.contextDir,
        dockerfile: this.options.dockerfile,
      });
    } catch (error) {
      if (error instanceof MissingDockerfileError || error instanceof MissingContextError) {
        const what = error instanceof MissingDockerfileError ? `no Dockerfile at '${error.path}'` : `no build context directory '${error.path}'`;
        return done({ ok: false, phase: 'build', signature: `build failed: ${what}`, probes: [], logTail: [] });
      }
      throw error;
    }
    const known = this.byFingerprint.get(context.fingerprint);
    if (known) {
      context.tar.destroy();
      return { ...known, sha, built: false, reused: 'same-context', durationMs: this.clock.now() - started };
    }
    const cached = this.options.cache?.get(context.fingerprint);
    if (cached) {
      context.tar.destroy();
      const outcome: Outcome = { ...cached, sha, built: false, reused: 'cache', durationMs: this.clock.now() - started };
      this.byFingerprint.set(context.fingerprint, outcome);
      return outcome;
    }

    // With --jobs, another commit with the same context may be on its way: share its evaluation.
    const pending = this.inFlight.get(context.fingerprint);
    if (pending) {
      context.tar.destroy();
      const shared = await pending;
      return { ...shared, sha, built: false, reused: 'same-context', durationMs: this.clock.now() - started };
    }
    const evaluation = this.buildAndProbe(sha, context, started, signal);
    this.inFlight.set(context.fingerprint, evaluation);
    try {
      return await evaluation;
    } finally {
      this.inFlight.delete(context.fingerprint);
    }
  }

  private buildAndProbe(
    sha: string,
    context: Awaited<ReturnType<typeof createBuildContext>>,
    started: number,
    signal?: AbortSignal,
  ): Promise<Outcome> {
    return this.pool.use((lane) => this.buildAndProbeOn(lane, sha, context, started, signal));
  }

  private async buildAndProbeOn(
    lane: Lane,
    sha: string,
    context: Awaited<ReturnType<typeof createBuildContext>>,
    started: number,
    signal?: AbortSignal,
  ): Promise<Outcome> {
    const engine = lane.engine.endpoint;
    const done = (partial: Omit<Outcome, 'sha' | 'durationMs' | 'built'> & { built?: boolean }): Outcome => ({
      sha,
      built: false,
      ...partial,
      ...(this.pool.lanes.length > 1 ? { engine } : {}),
      durationMs: this.clock.now() - started,
    });
    const docker = lane.engine.docker;
    const buildKey = this.buildKey(context.fingerprint);
    // 2. The image: a kept one of the same build (--keep-images), or a new one.
    this.events.phase?.(sha, 'build');
    signal?.throwIfAborted();
    let imageId: string | undefined = this.options.reuseImages ? await keptImage(lane, buildKey) : undefined;
    const imageReused = imageId !== undefined;
    if (imageReused) {
      this.imagesReused++;
      context.tar.destroy();
    }
    const tag = `deploybisect-${this.pool.sessionId}:${sha.slice(0, 12)}`;
    try {
      if (!imageId) {
        this.builds++;
        lane.builds++;
        // A build that hangs (a stuck RUN, a pull that never ends) ends at --build-timeout.
        const limit = AbortSignal.timeout(this.options.buildTimeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS);
        const buildSignal = signal ? AbortSignal.any([signal, limit]) : limit;
        const built = await buildImage(docker, {
          context: context.tar,
          dockerfile: context.dockerfilePath,
          tag,
          labels: { ...resourceLabels(this.pool.sessionId, sha), [LABEL_BUILD]: buildKey },
          buildArgs: this.options.buildArgs,
          ...(this.options.target ? { target: this.options.target } : {}),
          ...(this.options.buildNetwork ? { networkMode: this.options.buildNetwork } : {}),
          ...(this.options.platform ? { platform: this.options.platform } : {}),
          onOutput: (line) => this.events.buildOutput?.(sha, this.redact(line)),
          signal: buildSignal,
        }).catch((error: unknown) => {
          if (limit.aborted && !signal?.aborted) {
            throw new InfrastructureError(
              `the build of ${sha.slice(0, 12)} on ${engine} did not finish within ${formatDuration(this.options.buildTimeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS)} (--build-timeout): re-run to resume, with a longer --build-timeout if the build is just slow`,
            );
          }
          throw error;
        });
        imageId = built.imageId;
        lane.tracker.addImage(imageId);
      }
      this.imageLanes.set(imageId, lane);
    } catch (error) {
      signal?.throwIfAborted();
      if (error instanceof BuildFailedError) {
        return this.remember(
          done({
            ok: false,
            phase: 'build',
            signature: this.redact(buildFailureSignature(error.reason)),
            probes: [],
            logTail: error.output.slice(-this.options.logLines).map(this.redact),
            fingerprint: context.fingerprint,
            built: true,
          }),
        );
      }
      throw error;
    } finally {
      // The engine may stop reading early (an error, Ctrl-C): the git processes behind the tar must end too.
      context.tar.destroy();
    }

    // 3. The container and its probes.
    const outcome = await this.runProbes(lane, sha, imageId, signal);
    return this.remember(done({ ...outcome, fingerprint: context.fingerprint, imageId, built: !imageReused, ...(imageReused ? { imageReused } : {}) }));
  }

  /** What decides the image besides the context: a kept image is reused only for the same key. */
  private buildKey(fingerprint: string): string {
    const o = this.options;
    const inputs = JSON.stringify([fingerprint, Object.entries(o.buildArgs).sort(), o.target ?? null, o.platform ?? null, o.buildNetwork ?? null]);
    return createHash('sha256').update(inputs).digest('hex').slice(0, 32);
  }

  /**
   * Runs `sha` once more (`--runs`, `--flaky`): a fresh container from the image its first
   * evaluation built, probed the same way; evaluates it when it was not evaluated yet. A build
   * failure is not repeated (the same context fails the same way); its outcome is returned again.
   */
  async evaluateAgain(sha: string, signal?: AbortSignal): Promise<Outcome> {
    const started = this.clock.now();
    const plan = await planBuildContext({
      repoDir: this.options.repoDir,
      commit: sha,
      contextDir: this.options.contextDir,
      dockerfile: this.options.dockerfile,
    }).catch(() => undefined);
    const first = plan ? this.byFingerprint.get(plan.fingerprint) : undefined;
    if (!plan || !first) return this.evaluate(sha, signal);
    const lane = first.imageId ? this.imageLanes.get(first.imageId) : undefined;
    if (!first.imageId || !lane) return { ...first, sha, built: false, reused: 'same-context', durationMs: this.clock.now() - started };
    const imageId = first.imageId;
    const outcome = await this.pool.use((l) => this.runProbes(l, sha, imageId, signal), lane);
    return {
      ...outcome,
      sha,
      fingerprint: plan.fingerprint,
      imageId,
      built: false,
      rerun: true,
      ...(this.pool.lanes.length > 1 ? { engine: lane.engine.endpoint } : {}),
      durationMs: this.clock.now() - started,
    };
  }

  /**
   * Whether two images of this run hold the same file system and run the same way (layers and
   * runtime configuration; labels, which name the commit, left out). Undefined when unknown.
   */
  async sameImage(a: string, b: string): Promise<boolean | undefined> {
    const laneA = this.imageLanes.get(a);
    const laneB = this.imageLanes.get(b);
    if (!laneA || !laneB) return undefined;
    try {
      const [x, y] = await Promise.all([laneA.engine.docker.getImage(a).inspect(), laneB.engine.docker.getImage(b).inspect()]);
      const essence = (i: typeof x) => {
        const { Labels: _labels, Image: _image, Hostname: _hostname, ...config } = (i.Config ?? {}) as unknown as Record<string, unknown>;
        return JSON.stringify([i.RootFS?.Layers ?? [], config]);
      };
      return essence(x) === essence(y);
    } catch {
      return undefined;
    }
  }

  /** The outcome of an earlier evaluation with the same build context as `sha`, if any (no build). */
  async knownOutcome(sha: string): Promise<Outcome | undefined> {
    try {
      const plan = await planBuildContext({
        repoDir: this.options.repoDir,
        commit: sha,
        contextDir: this.options.contextDir,
        dockerfile: this.options.dockerfile,
      });
      const known = this.byFingerprint.get(plan.fingerprint);
      return known ? { ...known, sha, built: false } : undefined;
    } catch {
      return undefined;
    }
  }

  private remember(outcome: Outcome): Outcome {
    if (outcome.fingerprint) {
      this.byFingerprint.set(outcome.fingerprint, outcome);
      if (cacheable(outcome)) this.options.cache?.set(outcome.fingerprint, outcome);
    }
    return outcome;
  }

  /**
   * With --network host, containers of the same app would fight over its ports: probing is then one
   * container at a time, while builds still overlap.
   */
  private readonly probeLocks = new Map<string, Promise<unknown>>();

  private runProbes(lane: Lane, sha: string, imageId: string, signal?: AbortSignal): Promise<Omit<Outcome, 'sha' | 'durationMs' | 'built'>> {
    if (this.options.network !== 'host') return this.startAndProbe(lane, sha, imageId, signal);
    // One lock per machine: engines on other machines have host networks of their own.
    const machine = lane.engine.machine;
    const turn = (this.probeLocks.get(machine) ?? Promise.resolve()).then(() => this.startAndProbe(lane, sha, imageId, signal));
    this.probeLocks.set(machine, turn.catch(() => undefined));
    return turn;
  }

  /**
   * A container name no container on the engine has: the session's, the commit's and a sequence
   * number, the number moved on past a name that is taken (a leftover of a run with the same id).
   */
  private async freeContainerName(docker: Docker, sha: string): Promise<string> {
    for (;;) {
      const name = `deploybisect-${this.pool.sessionId}-${sha.slice(0, 7)}-${++this.sequence}`;
      const taken = await docker.listContainers({ all: true, filters: { name: [`^/?${name}$`] } });
      if (taken.length === 0) return name;
    }
  }

  private async startAndProbe(lane: Lane, sha: string, imageId: string, signal?: AbortSignal): Promise<Omit<Outcome, 'sha' | 'durationMs' | 'built'>> {
    const docker = lane.engine.docker;
    const tracker = lane.tracker;
    const image = await docker.getImage(imageId).inspect();
    // Podman's Docker-compatible image inspect leaves the HEALTHCHECK out; its own endpoint has it.
    const podman = lane.engine.podman;
    const imageHealthcheck = (image.Config?.Healthcheck as HealthConfig | undefined) ??
      (podman ? await podmanImageHealthcheck(docker, podman.apiVersion, imageId).catch(() => undefined) : undefined);
    const plan = planProbes(
      {
        ...(imageHealthcheck ? { healthcheck: imageHealthcheck } : {}),
        exposedPorts: Object.keys(image.Config?.ExposedPorts ?? {}),
      },
      {
        userProbes: this.userProbes,
        network: this.options.network,
        // The default GET goes to 127.0.0.1 here: it cannot reach an engine on another machine.
        defaultHttp: this.options.defaultHttp && lane.engine.machine === 'local',
        timeoutMs: this.options.timeoutMs,
        ...(this.options.healthIntervalMs !== undefined ? { healthIntervalMs: this.options.healthIntervalMs } : {}),
      },
    );
    this.events.phase?.(sha, 'start');
    signal?.throwIfAborted();
    // On the host network, a port the image EXPOSEs and a probe targets must be free: the container
    // could not listen there, and the probe would take another process's answer for the commit's.
    // (A probed port the image does not EXPOSE may rightly be served by the host, e.g. a proxy.)
    if (this.options.network === 'host' && lane.engine.machine === 'local') {
      const exposed = new Set(Object.keys(image.Config?.ExposedPorts ?? {}).map((p) => Number(p.split('/')[0])));
      for (const port of plan.publish.filter((p) => exposed.has(p))) {
        if ((await tryConnect('127.0.0.1', port, 500)) === undefined) {
          throw new InfrastructureError(
            `127.0.0.1:${port}, which the image EXPOSEs and a probe targets, already answers before the container of ${sha.slice(0, 12)} started: the container cannot listen there on the host network, and the probe would reach that process; stop it and re-run to resume`,
          );
        }
      }
    }
    const name = await this.freeContainerName(docker, sha);
    let running: RunningContainer;
    try {
      running = await startContainer(docker, {
        image: imageId,
        name,
        // Podman never sets OOMKilled: there, a SIGKILL under the memory limit is taken for one.
        ...(podman ? { oomFromExit137: true } : {}),
        labels: resourceLabels(this.pool.sessionId, sha),
        env: this.options.env,
        networkMode: this.options.network,
        publish: plan.publish,
        limits: this.options.limits,
        ...(this.options.platform ? { platform: this.options.platform } : {}),
        // The image's check with our timing: the whole of it, since not every engine merges a partial one.
        ...(plan.healthcheck ? { healthcheck: { ...imageHealthcheck, ...plan.healthcheck } } : {}),
      });
    } catch (error) {
      if (error instanceof InfrastructureError) throw error;
      const message = ((error as { json?: { message?: string } }).json?.message ?? (error as Error).message).trim();
      // A port another process holds fails every commit alike: no verdict, stop and say so.
      if (/port is already allocated|address already in use/i.test(message)) {
        throw new InfrastructureError(
          `the container of ${sha.slice(0, 12)} could not start on ${lane.engine.endpoint}: ${clipLine(this.redact(message), 160, '...')}; free the port and re-run to resume`,
        );
      }
      return { ok: false, phase: 'start', signature: `container failed to start: ${clipLine(this.redact(message), 160, '...')}`, probes: [], logTail: [] };
    }
    tracker.addContainer(running.id);
    let logs: LogWatcher | undefined;
    try {
      this.events.phase?.(sha, 'probe');
      this.probeRuns++;
      logs = LogWatcher.follow(running.container, this.redact);
      const onLine = this.events.containerLine?.bind(this.events);
      if (onLine) logs.onLine((line) => onLine(sha, line));
      const results = await checkProbes({
        docker,
        running,
        logs,
        probes: plan.probes,
        failOnLog: this.failOnLog,
        network: this.options.network,
        timeoutMs: this.options.timeoutMs,
        clock: this.clock,
        redact: this.redact,
        ...(signal ? { signal } : {}),
        // Podman runs HEALTHCHECKs from systemd timers, which a machine without systemd lacks: we run them.
        ...(podman && imageHealthcheck
          ? {
              healthcheckDriver: {
                intervalMs: healthIntervalMs(imageHealthcheck, plan.healthcheck),
                run: () => runPodmanHealthcheck(docker, podman.apiVersion, running.id),
              },
            }
          : {}),
      });
      const failed = results.find((r) => !r.ok);
      // A probe that timed out because the engine stopped answering (its calls outlast the probe's
      // deadline) must not be taken for the commit's failure: the engine is asked once more.
      if (failed) {
        await withTimeout(docker.ping(), ENGINE_RECHECK_MS, 'no answer').catch((error: unknown) => {
          throw new EngineLostError(
            `the Docker engine at ${lane.engine.endpoint} stopped answering while ${sha.slice(0, 12)} was probed (${(error as Error).message}): the state is kept; once the engine answers, re-run the same command to resume`,
            { cause: error },
          );
        });
      }
      const logTail = (await containerLogs(running.container, this.options.logLines).catch(() => [])).map(this.redact);
      return {
        ok: !failed,
        phase: 'probe',
        signature: failed ? failed.reason : results.map((r) => r.reason).join('; '),
        probes: results,
        logTail,
      };
    } finally {
      logs?.stop();
      await tracker.removeContainer(running.id).catch(() => undefined);
    }
  }
}

export const DEFAULT_BUILD_TIMEOUT_MS = 20 * 60_000;
/** How long the engine gets to answer a ping after a probe failed, before the failure is blamed on it. */
const ENGINE_RECHECK_MS = 10_000;

/** The newest image on the lane's engine built with this key (kept by an earlier --keep-images run), if any. */
async function keptImage(lane: Lane, buildKey: string): Promise<string | undefined> {
  const images = await lane.engine.docker.listImages({ filters: { label: [`${LABEL_BUILD}=${buildKey}`] } }).catch(() => []);
  return images.sort((a, b) => b.Created - a.Created)[0]?.Id;
}

/** Build failures that say more about the network or a registry than about the commit. */
const TRANSIENT_BUILD_FAILURE =
  /pull access denied|toomanyrequests|rate limit|TLS handshake|i\/o timeout|Temporary failure in name resolution|connection (refused|reset)|no such host|network is unreachable|timed? ?out/i;

/**
 * Outcomes worth remembering across runs: not a container that the engine failed to start, and not
 * a build that failed for a reason outside the commit (a registry, the network).
 */
function cacheable(outcome: Outcome): boolean {
  if (outcome.phase === 'start' && !outcome.ok) return false;
  if (outcome.phase === 'build' && !outcome.ok && TRANSIENT_BUILD_FAILURE.test([outcome.signature, ...outcome.logTail].join('\n'))) return false;
  return true;
}

/** How often the HEALTHCHECK runs: our override, else the image's interval (Docker's default 30 s). */
function healthIntervalMs(image: HealthConfig, override: { Interval?: number } | undefined): number {
  const ns = override?.Interval || image.Interval || 30_000_000_000;
  return ns / 1_000_000;
}
