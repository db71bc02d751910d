import type Docker from 'dockerode';
import { buildFailureSignature, buildImage, BuildFailedError } from '../docker/build-image.js';
import { resourceLabels } from '../docker/labels.js';
import type { ResourceTracker } from '../docker/resource-tracker.js';
import { containerLogs, followLogs, startContainer, type NetworkMode, type RunningContainer } from '../docker/run-container.js';
import { createBuildContext, MissingContextError, MissingDockerfileError } from '../git/build-context.js';
import { systemClock, type Clock } from '../probes/clock.js';
import { HealthcheckProbe } from '../probes/healthcheck-probe.js';
import { HttpProbe } from '../probes/http-probe.js';
import { parseProbe, DEFAULT_RUNNING_MS, type ProbeSettings } from '../probes/parse-probe.js';
import type { Probe, ProbeResult, ProbeTarget } from '../probes/probe.js';
import { RunningProbe } from '../probes/running-probe.js';
import type { Outcome } from './outcome.js';

export interface EvaluatorOptions {
  repoDir: string;
  contextDir: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  target?: string;
  buildNetwork?: string;
  network: NetworkMode;
  env: string[];
  /** `--probe` specs; empty = the default (healthcheck when the image has one, else running:10s). */
  probes: string[];
  probeSettings: ProbeSettings;
  /** `--health-interval`: replaces the HEALTHCHECK interval, keeping its test and retries. */
  healthIntervalMs?: number;
  timeoutMs: number;
  /** Lines of container output kept per outcome. */
  logLines: number;
}

export interface EvaluatorEvents {
  buildOutput?(sha: string, line: string): void;
  containerLine?(sha: string, line: string): void;
  phase?(sha: string, phase: 'build' | 'start' | 'probe'): void;
}

const NS_PER_MS = 1_000_000;
/** When the user does not set --health-interval, checks run at most this far apart (retries scaled to match). */
const FAST_HEALTH_INTERVAL_MS = 1000;

/**
 * Turns a commit into an Outcome: build context from git objects → image → container → probes.
 * Commits whose build contexts are identical share one outcome (the image would be the same).
 */
export class Evaluator {
  builds = 0;
  probeRuns = 0;
  private readonly byFingerprint = new Map<string, Outcome>();
  private readonly userProbes: Probe[];
  private sequence = 0;

  constructor(
    private readonly docker: Docker,
    private readonly tracker: ResourceTracker,
    private readonly options: EvaluatorOptions,
    private readonly events: EvaluatorEvents = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.userProbes = options.probes.map((spec) => parseProbe(spec, options.probeSettings));
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
      return { ...known, sha, built: false, durationMs: this.clock.now() - started };
    }

    // 2. The image.
    this.events.phase?.(sha, 'build');
    signal?.throwIfAborted();
    let imageId: string;
    const tag = `deploybisect-${this.tracker.sessionId}:${sha.slice(0, 12)}`;
    try {
      this.builds++;
      const built = await buildImage(this.docker, {
        context: context.tar,
        dockerfile: context.dockerfilePath,
        tag,
        labels: resourceLabels(this.tracker.sessionId, sha),
        buildArgs: this.options.buildArgs,
        ...(this.options.target ? { target: this.options.target } : {}),
        ...(this.options.buildNetwork ? { networkMode: this.options.buildNetwork } : {}),
        onOutput: (line) => this.events.buildOutput?.(sha, line),
        ...(signal ? { signal } : {}),
      });
      imageId = built.imageId;
      this.tracker.addImage(imageId);
    } catch (error) {
      signal?.throwIfAborted();
      if (error instanceof BuildFailedError) {
        return this.remember(
          done({
            ok: false,
            phase: 'build',
            signature: buildFailureSignature(error.reason),
            probes: [],
            logTail: error.output.slice(-this.options.logLines),
            fingerprint: context.fingerprint,
            built: true,
          }),
        );
      }
      throw error;
    }

    // 3. The container and its probes.
    const outcome = await this.runProbes(sha, imageId, signal);
    return this.remember(done({ ...outcome, fingerprint: context.fingerprint, imageId, built: true }));
  }

  private remember(outcome: Outcome): Outcome {
    if (outcome.fingerprint) this.byFingerprint.set(outcome.fingerprint, outcome);
    return outcome;
  }

  private async probesFor(imageId: string): Promise<{ probes: Probe[]; healthcheck?: { Interval?: number; Retries?: number } }> {
    const image = await this.docker.getImage(imageId).inspect();
    const check = image.Config?.Healthcheck as { Test?: string[]; Interval?: number; Retries?: number } | undefined;
    const hasHealthcheck = Boolean(check?.Test && check.Test.length > 0 && check.Test[0] !== 'NONE');
    const probes = this.userProbes.length > 0
      ? this.userProbes
      : hasHealthcheck
        ? [new HealthcheckProbe()]
        : [new RunningProbe(`running:${DEFAULT_RUNNING_MS / 1000}s`, DEFAULT_RUNNING_MS)];
    if (!hasHealthcheck) return { probes };
    const intervalMs = (check?.Interval || 30_000 * NS_PER_MS) / NS_PER_MS;
    const retries = check?.Retries || 3;
    if (this.options.healthIntervalMs !== undefined) {
      return { probes, healthcheck: { Interval: this.options.healthIntervalMs * NS_PER_MS } };
    }
    if (intervalMs > FAST_HEALTH_INTERVAL_MS) {
      // Same tolerance for failures (interval × retries), checked more often: healthy is seen sooner.
      return {
        probes,
        healthcheck: {
          Interval: FAST_HEALTH_INTERVAL_MS * NS_PER_MS,
          Retries: Math.ceil((intervalMs * retries) / FAST_HEALTH_INTERVAL_MS),
        },
      };
    }
    return { probes };
  }

  private async runProbes(sha: string, imageId: string, signal?: AbortSignal): Promise<Omit<Outcome, 'sha' | 'durationMs' | 'built'>> {
    const { probes, healthcheck } = await this.probesFor(imageId);
    this.events.phase?.(sha, 'start');
    signal?.throwIfAborted();
    let running: RunningContainer;
    try {
      running = await startContainer(this.docker, {
        image: imageId,
        name: `deploybisect-${this.tracker.sessionId}-${sha.slice(0, 7)}-${++this.sequence}`,
        labels: resourceLabels(this.tracker.sessionId, sha),
        env: this.options.env,
        networkMode: this.options.network,
        publish: [...new Set(probes.filter((p): p is HttpProbe => p instanceof HttpProbe).map((p) => p.port))],
        ...(healthcheck ? { healthcheck } : {}),
      });
    } catch (error) {
      const message = ((error as { json?: { message?: string } }).json?.message ?? (error as Error).message).trim();
      return { ok: false, phase: 'start', signature: `container failed to start: ${shorten(message)}`, probes: [], logTail: [] };
    }
    this.tracker.addContainer(running.id);
    try {
      this.events.phase?.(sha, 'probe');
      this.probeRuns++;
      const onLine = this.events.containerLine?.bind(this.events);
      const unfollow = onLine ? await followLogs(running.container, (line) => onLine(sha, line)).catch(() => undefined) : undefined;
      const results = await this.checkAll(probes, running, signal).finally(() => unfollow?.());
      const logTail = await containerLogs(running.container, this.options.logLines).catch(() => []);
      const failed = results.find((r) => !r.ok);
      return {
        ok: !failed,
        phase: 'probe',
        signature: failed ? failed.reason : results.map((r) => r.reason).join('; '),
        probes: results,
        logTail,
      };
    } finally {
      await this.tracker.removeContainer(running.id).catch(() => undefined);
    }
  }

  /** All probes at once against one deadline; the first failure (or the container's exit) stops the rest. */
  private async checkAll(probes: Probe[], running: RunningContainer, signal?: AbortSignal): Promise<ProbeResult[]> {
    let failFirst!: (reason: string) => void;
    const firstFailure = new Promise<string>((resolve) => (failFirst = resolve));
    const aborted = new Promise<string>((resolve) => signal?.addEventListener('abort', () => resolve('interrupted'), { once: true }));
    const target: ProbeTarget = {
      docker: this.docker,
      container: running.container,
      stop: Promise.race([running.exited, firstFailure.then((r) => `stopped: another probe failed (${r})`), aborted]),
      publishedPort: (port) => running.ports.get(port),
      networkMode: this.options.network,
      clock: this.clock,
    };
    const deadline = this.clock.now() + this.options.timeoutMs;
    const results = await Promise.all(
      probes.map(async (probe) => {
        const result = await probe.check(target, deadline);
        if (!result.ok) failFirst(result.reason);
        return result;
      }),
    );
    signal?.throwIfAborted();
    // Report the decisive failure first: the one that did not merely stop because another failed.
    return results.sort((a, b) => Number(a.reason.startsWith('stopped:')) - Number(b.reason.startsWith('stopped:')));
  }
}

function shorten(text: string, max = 160): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}
