/**
 * Turns a commit into an Outcome: build context from git objects → image → container → probes.
 * Commits whose build contexts are identical share one outcome (the image would be the same).
 */
import type { EnginePool, Lane } from '../../docker/engine-pool.js';
import { MissingDockerfileError, type BuildContext } from '../../git/build-context.js';
import { ContextPlanner } from '../../git/context-planner.js';
import { contextSpec, secretValues } from '../../options/derived.js';
import { systemClock, type Clock } from '../../probes/clock.js';
import { deploymentFingerprint, type Deployment } from '../deploy/deployment.js';
import { Deployments, type DeploymentsSettings } from '../deploy/deployments.js';
import type { Outcome } from '../outcome.js';
import { redactor } from '../redact.js';
import type { VerdictCache } from '../verdict-cache.js';
import { resolveBaseImages } from './base-images.js';
import { BuildAhead } from './build-ahead.js';
import { ContainerRunner, type RunSettings } from './container-run.js';
import { finishOutcome, type PartialOutcome } from './finish-outcome.js';
import { ImageBuilder, type BuildSettings, type ImageBuild } from './image-builder.js';
import { OutcomeMemo } from './outcome-memo.js';
import { refusedOutcome } from './refused-outcome.js';
import { StackEvaluation } from './stack/stack-evaluation.js';

export type EvaluationSettings = RunSettings & BuildSettings & DeploymentsSettings;

export interface EvaluatorEvents {
  buildOutput?(sha: string, line: string): void;
  buildStep?(sha: string, step: string): void;
  containerLine?(sha: string, line: string): void;
  phase?(sha: string, phase: 'build' | 'start' | 'probe' | 'explain'): void;
  notice?(text: string): void;
}

/**
 * Masks the options' secrets and the values the run's deployments generated (made as commits are read:
 * the masking is made again when there are more).
 */
function maskingWith(secrets: readonly string[], deployments: Deployments): (text: string) => string {
  let known = -1;
  let mask = redactor(secrets);
  return (text) => {
    const generated = deployments.secrets();
    if (generated.length !== known) {
      known = generated.length;
      mask = redactor([...secrets, ...generated]);
    }
    return mask(text);
  };
}

/** Lines of container (or build) output kept with each outcome. */
export const LOG_TAIL_LINES = 20;

export class Evaluator {
  private readonly memo: OutcomeMemo;
  private readonly images: ImageBuilder;
  private readonly runner: ContainerRunner;
  /** The engine each image of this run is on (to run it again there), while it is kept. */
  private readonly imageLanes = new Map<string, Lane>();
  /** What each image built in this run holds and how it runs (layers and configuration), to compare images after they are gone. */
  private readonly essences = new Map<string, string>();
  /** Images built while another candidate is probed (one engine only). */
  private readonly ahead: BuildAhead | undefined;
  /** Each commit's build context plan, made once for the run (building, building ahead, reuse, the explanation). */
  readonly planner: ContextPlanner;

  /** Each commit's deployment: as the options say, or as its platform's manifest at that commit says. */
  readonly deployments: Deployments;
  /** Compose stacks: every service built and started, then the probes against one. */
  private readonly stacks: StackEvaluation;

  constructor(
    private readonly pool: EnginePool,
    private readonly settings: EvaluationSettings,
    private readonly events: EvaluatorEvents = {},
    cache?: VerdictCache,
    private readonly clock: Clock = systemClock,
    deployments?: Deployments,
  ) {
    this.deployments = deployments ?? new Deployments(settings, { kind: 'none', lines: [] });
    const redact = maskingWith(secretValues(settings), this.deployments);
    this.planner = new ContextPlanner(contextSpec(settings), async (commit) => {
      const { context } = await this.deployments.at(commit);
      return { repoDir: settings.repo, contextDir: context.contextDir, dockerfile: context.dockerfile };
    });
    this.memo = new OutcomeMemo(cache);
    const stage = { settings, sessionId: pool.sessionId, redact, logLines: LOG_TAIL_LINES };
    this.images = new ImageBuilder({ ...stage, events });
    this.runner = new ContainerRunner({ ...stage, events, clock });
    const { memo, images, runner } = this;
    this.stacks = new StackEvaluation({ ...stage, events, clock, repoDir: settings.repo, runner, pool, memo, images });
    const [lane, ...more] = pool.lanes;
    if (lane && more.length === 0) {
      // Its own builder: the spinner and steps stay on the candidate being evaluated; --verbose shows every build's lines.
      const output = events.buildOutput?.bind(events);
      const aheadImages = new ImageBuilder({ ...stage, events: output ? { buildOutput: output } : {} });
      this.ahead = new BuildAhead(lane, aheadImages, {
        // A stack's images are built when it is evaluated (each service's context apart).
        context: async (sha) => ((await this.deployments.at(sha)).stack ? { failed: 'a stack' } : this.buildContext(sha)),
        known: async (context, sha) => {
          const deployment = await this.deployments.at(sha);
          return this.memo.has(deploymentFingerprint(context.fingerprint, deployment), await this.basesOf(context, deployment.build));
        },
        build: async (sha) => (await this.deployments.at(sha)).build,
      });
    }
  }

  /** Images built for evaluations (one built ahead and then evaluated counts once). */
  get builds(): number {
    return this.images.builds + (this.ahead?.used ?? 0);
  }

  /** Images built ahead of their evaluation, and how many of them no evaluation needed. */
  get builtAhead(): { built: number; unused: number } | undefined {
    return this.ahead && this.ahead.built > 0 ? { built: this.ahead.built, unused: this.ahead.built - this.ahead.used } : undefined;
  }

  /**
   * While `current` is evaluated, builds the images of `upcoming` (the candidates that may come
   * next) and drops what is ahead for other commits. Only where one engine serves the run.
   */
  buildAhead(upcoming: readonly string[], current: readonly string[], signal?: AbortSignal): Promise<void> {
    return this.ahead?.start(upcoming, current, this.firstBuildBytes, signal) ?? Promise.resolve();
  }

  /** Cancels and removes the images built ahead that no evaluation took. */
  async stopBuildingAhead(): Promise<void> {
    await this.ahead?.stop();
  }

  get imagesReused(): number {
    return this.images.imagesReused;
  }

  /** How much disk the run's first build took on its engine, where that can be read. */
  get firstBuildBytes(): number | undefined {
    return this.images.firstBuildBytes;
  }

  get probeRuns(): number {
    return this.runner.probeRuns;
  }

  async evaluate(sha: string, signal?: AbortSignal): Promise<Outcome> {
    const started = this.clock.now();
    // 0. How the commit is deployed: a manifest that does not parse is refused, as the platform would.
    const deployment = await this.deployments.at(sha);
    const contract = deployment.contract ? { contract: deployment.contract } : {};
    if (deployment.refused) return refusedOutcome(sha, deployment.refused, this.clock.now() - started);
    if (deployment.stack) return this.stacks.evaluate(sha, deployment, { started, ...(signal ? { signal } : {}) });
    // 1. The build context, from git objects.
    const context = await this.buildContext(sha);
    if ('failed' in context) return { sha, built: false, ...context.failed, ...contract, durationMs: this.clock.now() - started };
    return this.evaluateContext(sha, context, deployment, { started, ...(signal ? { signal } : {}) });
  }

  /**
   * Evaluates a build context made by the caller (`narrow`: the parent's with some changes
   * applied), labelled `sha` (any name) in place of a commit, deployed as `deployment` says (a refused
   * one fails without a build); identical deployments of identical contexts share one outcome. `shareImage`:
   * an image this run built for the same build is probed again instead of building one (configurations
   * that differ only in their deployment).
   */
  async evaluateContext(
    sha: string,
    context: BuildContext,
    deployment: Deployment,
    call: { signal?: AbortSignal; started?: number; shareImage?: boolean } = {},
  ): Promise<Outcome> {
    const { signal, started = this.clock.now() } = call;
    if (deployment.refused) {
      context.tar.destroy();
      return refusedOutcome(sha, deployment.refused, this.clock.now() - started);
    }
    const fingerprint = deploymentFingerprint(context.fingerprint, deployment);
    const reuse = (outcome: Outcome, reused: NonNullable<Outcome['reused']>): Outcome => ({
      ...outcome,
      sha,
      built: false,
      reused,
      durationMs: this.clock.now() - started,
    });
    const bases = await this.basesOf(context, deployment.build);
    const known = this.memo.known(fingerprint, bases);
    if (known) {
      context.tar.destroy();
      return reuse(known.outcome, known.reused);
    }
    // With --jobs, another commit with the same context may be on its way: share its evaluation.
    const pending = this.memo.pending(fingerprint);
    if (pending) {
      context.tar.destroy();
      return reuse(await pending, 'same-context');
    }
    return this.memo.track(
      fingerprint,
      this.pool.use((lane) =>
        this.buildAndRun(lane, { sha, context, deployment, fingerprint, bases, started, share: call.shareImage === true }, signal),
      ),
    );
  }

  /** What the context's FROM images resolve to on the engines, for the verdict cache's key ('' without a cache). */
  private async basesOf(context: Pick<BuildContext, 'dockerfileText'>, build: ImageBuild): Promise<string> {
    if (!this.memo.caches) return '';
    return resolveBaseImages(this.pool.lanes, context.dockerfileText, build.buildArg);
  }

  private async buildContext(sha: string): Promise<BuildContext | { failed: PartialOutcome }> {
    const result = await this.planner.context(sha);
    if ('context' in result) return result.context;
    const error = result.missing;
    const what =
      error instanceof MissingDockerfileError ? `no Dockerfile at '${error.path}'` : `no build context directory '${error.path}'`;
    return { failed: { ok: false, phase: 'build', signature: `build failed: ${what}`, probes: [], logTail: [] } };
  }

  /** 2. The image; 3. the container and its probes. */
  private async buildAndRun(
    lane: Lane,
    job: {
      sha: string;
      context: BuildContext;
      deployment: Deployment;
      fingerprint: string;
      bases: string;
      started: number;
      share: boolean;
    },
    signal?: AbortSignal,
  ): Promise<Outcome> {
    const { sha, context, deployment } = job;
    const finishing = { ...job, lane, lanes: this.pool.lanes.length, clock: this.clock, memo: this.memo };
    const done = (partial: PartialOutcome) =>
      finishOutcome(partial, { ...finishing, resolveAgain: () => this.basesOf(context, deployment.build) });
    this.events.phase?.(sha, 'build');
    signal?.throwIfAborted();
    const ready = await this.ahead?.take(sha, context.fingerprint);
    if (ready) context.tar.destroy();
    const image = ready ?? (await this.images.image(lane, sha, context, deployment.build, signal, job.share));
    if ('failed' in image) return done({ ...image.failed, built: true });
    this.imageLanes.set(image.imageId, lane);
    const essence = await lane.adapter.imageEssence(image.imageId).catch(() => undefined);
    if (essence) this.essences.set(image.imageId, essence);
    const run = await this.runner.run(lane, sha, image.imageId, deployment.run, signal);
    return done({ ...run, imageId: image.imageId, built: !image.reused, ...(image.reused ? { imageReused: true } : {}) });
  }

  /**
   * Runs `sha` once more (`--runs`, `--flaky`): a fresh container from the image its first
   * evaluation built (a stack: the whole stack again, from its images), probed the same way; evaluates
   * it when it was not evaluated yet. A build
   * failure is not repeated (the same context fails the same way); its outcome is returned again.
   */
  async evaluateAgain(sha: string, signal?: AbortSignal): Promise<Outcome> {
    const started = this.clock.now();
    const fingerprint = await this.fingerprintOf(sha);
    const first = fingerprint ? this.memo.get(fingerprint) : undefined;
    if (!fingerprint || !first) return this.evaluate(sha, signal);
    const deployment = await this.deployments.at(sha);
    // A stack runs again whole (fresh containers, network, volumes), from the images this run built for it.
    const stackRuns = deployment.stack && first.phase !== 'build' && first.phase !== 'deploy';
    if (stackRuns) return this.stacks.runAgain(sha, deployment, fingerprint, signal);
    const lane = first.imageId ? this.imageLanes.get(first.imageId) : undefined;
    if (!first.imageId || !lane) return { ...first, sha, built: false, reused: 'same-context', durationMs: this.clock.now() - started };
    const imageId = first.imageId;
    const outcome = await this.pool.use((l) => this.runner.run(l, sha, imageId, deployment.run, signal), lane);
    return {
      ...outcome,
      sha,
      fingerprint,
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
  sameImage(a: string, b: string): boolean | undefined {
    const x = this.essences.get(a);
    const y = this.essences.get(b);
    return x === undefined || y === undefined ? undefined : x === y;
  }

  /**
   * The commit's image is no longer needed (its runs are done): removed now, so a long search on a
   * small disk holds only the images in flight (its layers stay where another image shares them).
   * Kept with --keep-images.
   */
  async release(outcomes: readonly Outcome[]): Promise<void> {
    for (const imageId of new Set(outcomes.map((o) => o.imageId))) if (imageId) await this.releaseImage(imageId);
  }

  /** An image of this run that is no longer needed (`narrow`'s configurations, once probed): removed now, unless --keep-images. */
  async releaseImage(imageId: string): Promise<void> {
    const lane = this.imageLanes.get(imageId);
    if (this.settings.keepImages || !lane) return;
    this.imageLanes.delete(imageId);
    this.images.forget(imageId);
    await lane.tracker.removeImage(imageId);
  }

  /**
   * The outcome of an earlier evaluation with the same build context as `sha`, if any (no build):
   * this run's, else `recorded` (outcomes a resumed run replayed from its saved state).
   */
  async knownOutcome(sha: string, recorded?: (fingerprint: string) => Outcome | undefined): Promise<Outcome | undefined> {
    const fingerprint = await this.fingerprintOf(sha);
    const known = fingerprint ? (this.memo.get(fingerprint) ?? recorded?.(fingerprint)) : undefined;
    return known ? { ...known, sha, built: false } : undefined;
  }

  /** What the commit's outcome is remembered by (its context's fingerprint and its deployment). */
  private async fingerprintOf(sha: string): Promise<string | undefined> {
    const deployment = await this.deployments.at(sha);
    if (deployment.stack) return this.stacks.fingerprint(sha, deployment).catch(() => undefined);
    const result = await this.planner.plan(sha).catch(() => undefined);
    if (!result || !('planned' in result)) return undefined;
    return deploymentFingerprint(result.planned.fingerprint, deployment);
  }
}
