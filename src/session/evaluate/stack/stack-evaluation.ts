/**
 * A commit's compose stack evaluated: each service built here gets its image through the image
 * pipeline (its context from git objects; built once per run for each distinct context and build, so
 * a service nobody changed is not built again), each image-only service the engine's own image (never
 * pulled: a missing one stops the run, naming it), then the stack is run (stack-run.ts). The outcome is
 * remembered by a fingerprint over every built service's context and the stack's key.
 */
import { createHash } from 'node:crypto';

import type { EnginePool, Lane } from '../../../docker/engine-pool.js';
import { InfrastructureError } from '../../../errors.js';
import { MissingDockerfileError, type BuildContextPlan } from '../../../git/build-context.js';
import { planOrMissing, type PlanResult } from '../../../git/context-planner.js';
import { contextTar } from '../../../git/context-tar.js';
import type { Clock } from '../../../probes/clock.js';
import { shortSha } from '../../../text/short-sha.js';
import type { Deployment } from '../../deploy/deployment.js';
import type { StackServiceSpec } from '../../deploy/stack-spec.js';
import type { Outcome } from '../../outcome.js';
import { resolveBaseImages } from '../base-images.js';
import { finishOutcome, type PartialOutcome } from '../finish-outcome.js';
import type { ImageBuilder } from '../image-builder.js';
import type { OutcomeMemo } from '../outcome-memo.js';
import { StackRunner, type StackRunOptions } from './stack-run.js';

export interface StackEvaluationOptions extends StackRunOptions {
  events: StackRunOptions['events'] & { phase?(sha: string, phase: 'build' | 'start' | 'probe'): void };
  pool: EnginePool;
  memo: OutcomeMemo;
  images: ImageBuilder;
}

export class StackEvaluation {
  private readonly plans = new Map<string, Promise<PlanResult>>();
  /** Images of this run by engine and build key. */
  private readonly built = new Map<string, string>();
  private readonly runner: StackRunner;

  constructor(private readonly o: StackEvaluationOptions & { clock: Clock }) {
    this.runner = new StackRunner(o);
  }

  /** A built service's context at the commit (planned once), or what the commit lacks. */
  private plan(sha: string, service: StackServiceSpec): Promise<PlanResult> {
    if (service.image.kind !== 'build') throw new Error('unreachable: a context for an image-only service');
    const { contextDir, dockerfile } = service.image.context;
    const key = `${sha}\0${contextDir}\0${dockerfile}`;
    let plan = this.plans.get(key);
    if (!plan) {
      plan = planOrMissing({ repoDir: this.o.repoDir, commit: sha, contextDir, dockerfile });
      this.plans.set(key, plan);
      plan.catch(() => this.plans.delete(key));
    }
    return plan;
  }

  private async plansOf(sha: string, deployment: Deployment): Promise<Map<string, PlanResult>> {
    const built = deployment.stack!.services.filter((s) => s.image.kind === 'build');
    return new Map(await Promise.all(built.map(async (s) => [s.name, await this.plan(sha, s)] as const)));
  }

  /** What the outcome is remembered by: the stack's key and each built service's context (or what it lacks). */
  async fingerprint(sha: string, deployment: Deployment): Promise<string> {
    return fingerprintOf(deployment, await this.plansOf(sha, deployment));
  }

  async evaluate(sha: string, deployment: Deployment, call: { started: number; signal?: AbortSignal }): Promise<Outcome> {
    const { started, signal } = call;
    const { clock, memo } = this.o;
    const plans = await this.plansOf(sha, deployment);
    for (const [service, result] of plans) {
      if (!('missing' in result)) continue;
      const what = result.missing instanceof MissingDockerfileError ? 'no Dockerfile' : 'no build context directory';
      const signature = `${service}: build failed: ${what} at '${result.missing.path}'`;
      return { sha, ok: false, phase: 'build', signature, probes: [], logTail: [], built: false, durationMs: clock.now() - started };
    }
    const fingerprint = fingerprintOf(deployment, plans);
    const bases = await this.basesOf(deployment, plans);
    const reuse = (outcome: Outcome, reused: NonNullable<Outcome['reused']>): Outcome => ({
      ...outcome,
      sha,
      built: false,
      reused,
      durationMs: clock.now() - started,
    });
    const known = memo.known(fingerprint, bases);
    if (known) return reuse(known.outcome, known.reused);
    const pending = memo.pending(fingerprint);
    if (pending) return reuse(await pending, 'same-context');
    const job = { sha, deployment, plans, fingerprint, bases, started };
    return memo.track(
      fingerprint,
      this.o.pool.use((lane) => this.buildAndRun(lane, job, signal)),
    );
  }

  /** What the services' images resolve to on the engines (the verdict cache's key): FROM images and image-only services. */
  private async basesOf(deployment: Deployment, plans: ReadonlyMap<string, PlanResult>): Promise<string> {
    if (!this.o.memo.caches) return '';
    const lanes = this.o.pool.lanes;
    const lines = await Promise.all(
      deployment.stack!.services.map(async (s) => {
        if (s.image.kind === 'image') {
          const ref = s.image.ref;
          const ids = await Promise.all(lanes.map((lane) => lane.adapter.imageIdOf(ref)));
          return `${s.name} ${ref}=${ids.map((id) => id ?? 'absent').join(',')}`;
        }
        const planned = (plans.get(s.name) as { planned: BuildContextPlan }).planned;
        return `${s.name} ${await resolveBaseImages(lanes, planned.dockerfileText, s.image.build.buildArg)}`;
      }),
    );
    return lines.join('\n');
  }

  private async buildAndRun(
    lane: Lane,
    job: {
      sha: string;
      deployment: Deployment;
      plans: ReadonlyMap<string, PlanResult>;
      fingerprint: string;
      bases: string;
      started: number;
    },
    signal?: AbortSignal,
  ): Promise<Outcome> {
    const { sha, deployment } = job;
    const { clock, memo, pool } = this.o;
    const finishing = { ...job, lane, lanes: pool.lanes.length, clock, memo, resolveAgain: () => this.basesOf(deployment, job.plans) };
    const done = (partial: PartialOutcome) => finishOutcome(partial, finishing);
    this.o.events.phase?.(sha, 'build');
    signal?.throwIfAborted();
    const had = await this.imagesFor(lane, sha, deployment, job.plans, signal);
    if ('failed' in had) return done({ ...had.failed, built: true });
    const run = await this.runner.run(lane, sha, deployment, had.images, signal);
    return done({ ...run, built: had.builtNow });
  }

  /**
   * Runs the stack of `sha` once more (`--runs`, `--flaky`): fresh containers, network and volumes, the
   * images this run built for it (nothing built again). Not remembered: the first outcome stands for the context.
   */
  async runAgain(sha: string, deployment: Deployment, fingerprint: string, signal?: AbortSignal): Promise<Outcome> {
    const { clock, pool } = this.o;
    const started = clock.now();
    const plans = await this.plansOf(sha, deployment);
    return pool.use(async (lane) => {
      const had = await this.imagesFor(lane, sha, deployment, plans, signal);
      const run = 'failed' in had ? had.failed : await this.runner.run(lane, sha, deployment, had.images, signal);
      return {
        sha,
        ...run,
        fingerprint,
        built: 'failed' in had || had.builtNow,
        rerun: true,
        ...(deployment.contract ? { contract: deployment.contract } : {}),
        ...(pool.lanes.length > 1 ? { engine: lane.engine.endpoint } : {}),
        durationMs: clock.now() - started,
      };
    });
  }

  /** Each service's image on `lane`: the engine's for image-only services, else built once per run for each distinct build. */
  private async imagesFor(
    lane: Lane,
    sha: string,
    deployment: Deployment,
    plans: ReadonlyMap<string, PlanResult>,
    signal?: AbortSignal,
  ): Promise<{ images: Map<string, string>; builtNow: boolean } | { failed: PartialOutcome }> {
    const images = new Map<string, string>();
    let builtNow = false;
    for (const service of deployment.stack!.services) {
      if (service.image.kind === 'image') {
        images.set(service.name, await this.engineImage(lane, sha, service.name, service.image.ref));
        continue;
      }
      const planned = (plans.get(service.name) as { planned: BuildContextPlan }).planned;
      const build = { ...service.image.build, service: service.name };
      const key = `${lane.engine.endpoint}\0${this.o.images.buildKey(planned.fingerprint, lane.builder, build)}`;
      let imageId = this.built.get(key);
      if (imageId === undefined) {
        const context = { ...planned, tar: contextTar(this.o.repoDir, planned.entries) };
        const image = await this.o.images.image(lane, sha, context, build, signal);
        if ('failed' in image) return { failed: { ...image.failed, signature: `${service.name}: ${image.failed.signature}` } };
        imageId = image.imageId;
        builtNow ||= !image.reused;
        this.built.set(key, imageId);
      }
      images.set(service.name, imageId);
    }
    return { images, builtNow };
  }

  /** The engine's image of an image-only service: nothing is pulled, so a missing one is the machine's to fix. */
  private async engineImage(lane: Lane, sha: string, service: string, ref: string): Promise<string> {
    const id = await lane.adapter.imageIdOf(ref);
    if (id !== undefined) return id;
    throw new InfrastructureError(
      `the ${service} service of ${shortSha(sha)} runs the image ${ref}, which the engine at ${lane.engine.endpoint} does not have: deploybisect pulls nothing; pull or build it there (docker pull ${ref}) and re-run to resume`,
    );
  }
}

function fingerprintOf(deployment: Deployment, plans: ReadonlyMap<string, PlanResult>): string {
  const parts = [...plans].map(([service, result]) =>
    'planned' in result ? `${service} ${result.planned.fingerprint}` : `${service} missing ${result.missing.path}`,
  );
  return createHash('sha256')
    .update([deployment.key, ...parts.sort()].join('\n'))
    .digest('hex');
}
