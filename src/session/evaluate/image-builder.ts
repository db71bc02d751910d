/**
 * The image of a commit: a kept one of the same build (`--keep-images`), one this run built for the
 * same build and still holds (when the caller shares: `narrow`'s configurations that differ only in
 * their deployment), or a new one built from the context made of git objects, stopped at `--build-timeout`.
 */
import { createHash } from 'node:crypto';

import { sameWording } from '../../docker/build-failure.js';
import { BuildFailedError, buildFailureSignature, BuildIncompleteError, stepImages } from '../../docker/build-image.js';
import { dataRootSpace, describeSpace, mebibytes } from '../../docker/disk-space.js';
import type { Lane } from '../../docker/engine-pool.js';
import { engineRestarted } from '../../docker/engine-watch.js';
import { LABEL_BUILD, resourceLabels } from '../../docker/labels.js';
import { resourceError, resourceFailure } from '../../docker/resource-failure.js';
import { formatDuration } from '../../duration.js';
import { InfrastructureError, UsageError } from '../../errors.js';
import type { BuildContext } from '../../git/build-context.js';
import { secretFingerprints } from '../../options/build-secrets.js';
import type { Settings } from '../../options/settings.js';
import { maskedAsPrinted } from '../../text/clean-text.js';
import { shortSha } from '../../text/short-sha.js';
import type { Outcome } from '../outcome.js';
import type { StageOptions } from './stage-options.js';

/** How long a failure waits for a stopping engine to show itself before it is believed. */
export const ENGINE_SETTLE_MS = 1500;

/** What one commit's image is built with: its build arguments and target (the options', or its platform's). */
export interface ImageBuild {
  buildArg: Readonly<Record<string, string>>;
  target?: string;
  /** A stack's service the image is for: its tag says so (the commit's services are built side by side). */
  service?: string;
}

export type BuildSettings = Pick<
  Settings,
  'buildArg' | 'target' | 'buildNetwork' | 'imagePlatform' | 'buildTimeout' | 'keepImages' | 'secret' | 'builder'
>;

export interface BuildEvents {
  buildOutput?(sha: string, line: string): void;
  /** A step of the Dockerfile started building (`[2/6] RUN npm ci`). */
  buildStep?(sha: string, step: string): void;
  notice?(text: string): void;
}

export type BuiltImage = { imageId: string; reused: boolean } | { failed: Omit<Outcome, 'sha' | 'durationMs' | 'built'> };

export class ImageBuilder {
  builds = 0;
  /** Evaluations that probed a kept image (or, sharing, one this run built) instead of building one. */
  imagesReused = 0;
  /** The images this run built, by engine and build key, until they are removed (forget). */
  private readonly held = new Map<string, string>();
  /** How much of its engine's disk the run's first build took (where the engine's free space can be read). */
  firstBuildBytes: number | undefined;

  private readonly settings: BuildSettings;
  private readonly sessionId: string;
  private readonly redact: (text: string) => string;
  private readonly logLines: number;
  private readonly events: BuildEvents;

  constructor(options: StageOptions<BuildSettings, BuildEvents>) {
    ({ settings: this.settings, sessionId: this.sessionId, redact: this.redact, logLines: this.logLines, events: this.events } = options);
  }

  /** What decides the image besides the context: a kept image is reused only for the same key. */
  buildKey(fingerprint: string, builder: 'buildkit' | 'classic', build: ImageBuild): string {
    const s = this.settings;
    const inputs = JSON.stringify([
      fingerprint,
      Object.entries(build.buildArg).sort(),
      build.target ?? null,
      s.imagePlatform ?? null,
      s.buildNetwork ?? null,
      builder,
      secretFingerprints(s.secret),
    ]);
    return createHash('sha256').update(inputs).digest('hex').slice(0, 32);
  }

  /**
   * The commit's image on the lane's engine, or the build failure's outcome. The context's tar is always
   * released. `share`: an image this run built for the same build on this engine is taken if it is still there.
   */
  async image(lane: Lane, sha: string, context: BuildContext, build: ImageBuild, signal?: AbortSignal, share = false): Promise<BuiltImage> {
    const buildKey = this.buildKey(context.fingerprint, lane.builder, build);
    const heldKey = `${lane.engine.endpoint}\n${buildKey}`;
    try {
      const kept =
        (share ? this.held.get(heldKey) : undefined) ?? (this.settings.keepImages ? await lane.adapter.keptImage(buildKey) : undefined);
      if (kept) {
        this.imagesReused++;
        return { imageId: kept, reused: true };
      }
      // BuildKit's cache holds disk whichever builder this run uses (the engine's other builds, earlier runs).
      if ((await lane.adapter.buildCapabilities()).buildkit) await this.makeRoom(lane);
      const first = this.firstBuildBytes === undefined ? await dataRootSpace(lane.engine) : undefined;
      const imageId = await this.build(lane, sha, context, { ...build, key: buildKey }, signal);
      lane.tracker.addImage(imageId);
      this.held.set(heldKey, imageId);
      if (first) {
        // A build whose layers were all cached took nothing: the next one is measured instead.
        const took = first.freeBytes - ((await dataRootSpace(lane.engine))?.freeBytes ?? first.freeBytes);
        if (took > 1024 ** 2) this.firstBuildBytes = took;
      }
      return { imageId, reused: false };
    } catch (error) {
      signal?.throwIfAborted();
      return { failed: await this.failure(lane, sha, context, error) };
    } finally {
      // The engine may stop reading early (an error, Ctrl-C): the git processes behind the tar must end too.
      context.tar.destroy();
    }
  }

  /** The image is removed: no evaluation may take it any more. */
  forget(imageId: string): void {
    for (const [key, id] of this.held) if (id === imageId) this.held.delete(key);
  }

  /**
   * BuildKit keeps the layers of every build in its cache after the image is removed: on an engine
   * short of disk (less free than two builds like the first, or before any, than 256 MiB or 5% of
   * it), its unused cache is pruned before the next build (kept images keep their layers), and that
   * is said once per engine.
   */
  private async makeRoom(lane: Lane): Promise<void> {
    const space = await dataRootSpace(lane.engine);
    if (!space) return;
    const need = this.firstBuildBytes !== undefined ? 2 * this.firstBuildBytes : Math.max(256 * 1024 ** 2, space.totalBytes * 0.05);
    if (space.freeBytes >= need) return;
    const freed = await lane.adapter.pruneBuildCache().catch(() => 0);
    await spaceSettled(lane, space.freeBytes + freed * 0.9);
    if (this.pruneSaid.has(lane.engine.endpoint)) return;
    this.pruneSaid.add(lane.engine.endpoint);
    this.events.notice?.(
      `the engine at ${lane.engine.endpoint} is short of disk space (${describeSpace(space)}): BuildKit's unused build cache (layers of the images already judged) is pruned before builds while it is; ${mebibytes(freed)} freed the first time`,
    );
  }

  private readonly pruneSaid = new Set<string>();

  /**
   * A build that failed: the commit's outcome, unless the engine is to blame (it restarted, dropped
   * the build, or ran out of disk, quota or memory): then the run stops, and no verdict is made.
   */
  private async failure(
    lane: Lane,
    sha: string,
    context: BuildContext,
    error: unknown,
  ): Promise<Omit<Outcome, 'sha' | 'durationMs' | 'built'>> {
    const during = `building ${shortSha(sha)}`;
    const restarted = () => engineRestarted(lane.engine.endpoint, `${shortSha(sha)} was being built`);
    if (lane.watch.lost || error instanceof BuildIncompleteError) throw restarted();
    const text =
      error instanceof BuildFailedError
        ? [error.reason, ...error.output.slice(-20)].join('\n')
        : ((error as { json?: { message?: string } }).json?.message ?? (error as Error).message ?? '');
    const resource = resourceFailure(text);
    if (resource) throw resourceError(resource, lane.engine.endpoint, during, await dataRootSpace(lane.engine));
    // A stopping engine fails the builds it drops before it closes its API: look twice.
    if (await lane.watch.lostWithin(ENGINE_SETTLE_MS)) throw restarted();
    if (!(error instanceof BuildFailedError)) throw error;
    this.missingSecret(sha, context.dockerfileText, [error.reason, ...error.evidence]);
    // The failed build's last step image is left untagged and unlabelled (`clean` could not find it): it goes now,
    // unless it is a tagged image (the FROM image, when the first step after it failed) or the parent of others.
    const leftover = stepImages(error.output).at(-1);
    if (leftover) await lane.tracker.removeUntaggedImage(leftover);
    return {
      ok: false,
      phase: 'build',
      signature: this.redact(buildFailureSignature(sameWording(error.reason, context.dockerfileText))),
      ...(error.step ? { buildStep: this.redact(error.step) } : {}),
      probes: [],
      logTail: error.evidence.slice(-this.logLines).map(this.redact),
      fingerprint: context.fingerprint,
    };
  }

  /**
   * A build that failed for a secret it mounts and was not given (`secret token not found`, or a
   * RUN that could not read /run/secrets/token) says nothing about the commit: the run stops and
   * says which secret to give, and how.
   */
  private missingSecret(sha: string, dockerfile: string, evidence: string[]): void {
    const given = new Set(this.settings.secret.map((s) => s.id));
    for (const id of mountedSecrets(dockerfile).filter((i) => !given.has(i))) {
      const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (!evidence.some((line) => new RegExp(`secret ${escaped} not found|/run/secrets/${escaped}\\b`).test(line))) continue;
      throw new UsageError(
        `the build of ${shortSha(sha)} needs the secret ${id} (RUN --mount=type=secret,id=${id}), which was not given: pass --secret id=${id},env=<VARIABLE> or --secret id=${id},src=<file>`,
      );
    }
  }

  private async build(
    lane: Lane,
    sha: string,
    context: BuildContext,
    build: ImageBuild & { key: string },
    signal?: AbortSignal,
  ): Promise<string> {
    this.builds++;
    lane.builds++;
    const s = this.settings;
    // A build that hangs (a stuck RUN, a pull that never ends) ends at --build-timeout.
    const limit = AbortSignal.timeout(s.buildTimeout);
    const built = await lane.adapter
      .build({
        context: context.tar,
        dockerfile: context.dockerfilePath,
        tag: `deploybisect-${this.sessionId}:${shortSha(sha)}${build.service ? `-${build.service}` : ''}`,
        labels: { ...resourceLabels(this.sessionId, sha), [LABEL_BUILD]: build.key },
        buildArgs: build.buildArg,
        ...(build.target ? { target: build.target } : {}),
        ...((s.buildNetwork ?? lane.buildNetwork) ? { networkMode: s.buildNetwork ?? lane.buildNetwork } : {}),
        ...(s.imagePlatform ? { platform: s.imagePlatform } : {}),
        builder: lane.builder,
        secrets: s.secret,
        onOutput: (line) => this.events.buildOutput?.(sha, maskedAsPrinted(line, this.redact)),
        onStep: (step) => this.events.buildStep?.(sha, this.redact(step)),
        signal: signal ? AbortSignal.any([signal, limit]) : limit,
      })
      .catch((error: unknown) => {
        if (limit.aborted && !signal?.aborted) {
          throw new InfrastructureError(
            `the build of ${shortSha(sha)} on ${lane.engine.endpoint} did not finish within ${formatDuration(s.buildTimeout)} (--build-timeout): re-run to resume, with a longer --build-timeout if the build is just slow`,
          );
        }
        throw error;
      });
    return built.imageId;
  }
}

/** The ids of the secrets a Dockerfile mounts (`RUN --mount=type=secret,id=token`). */
export function mountedSecrets(dockerfile: string): string[] {
  const ids = new Set<string>();
  for (const mount of dockerfile.matchAll(/--mount=(\S+)/g)) {
    const fields = new Map(mount[1]!.split(',').map((f) => f.split('=') as [string, string]));
    if (fields.get('type') === 'secret') ids.add(fields.get('id') ?? fields.get('target')?.split('/').pop() ?? '');
  }
  return [...ids].filter((id) => id !== '');
}

/**
 * The engine frees a pruned cache's disk a moment after it answers: wait (up to 3 s) until the free
 * space reaches `expected`, so that what the next build takes is measured against a settled disk.
 */
async function spaceSettled(lane: Lane, expected: number): Promise<void> {
  for (let i = 0; i < 15; i++) {
    if (((await dataRootSpace(lane.engine))?.freeBytes ?? Infinity) >= expected) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
