/**
 * Building ahead: while a candidate's container is probed (mostly waiting), the images of the
 * candidates that come next for either verdict are built, so the next step starts with its image
 * ready; what turns out unneeded is removed (a build not started yet is not started; one under way
 * is let finish, so no image it commits can appear after the run's cleanup). One engine and one job at a time only,
 * and only with room on the disk: each image ahead can hold what the first build took.
 */
import { dataRootSpace } from '../../docker/disk-space.js';
import type { Lane } from '../../docker/engine-pool.js';
import type { BuildContext } from '../../git/build-context.js';
import type { BuiltImage, ImageBuild, ImageBuilder } from './image-builder.js';

/** The free space building ahead leaves untouched besides twice what its images may take. */
const SPARE_BYTES = 256 * 1024 ** 2;

export interface AheadImage {
  fingerprint: string;
  image: BuiltImage;
}

interface Ahead {
  /** Set when no evaluation needs it any more: a build not started yet is not started. */
  dropped: boolean;
  result: Promise<AheadImage | undefined>;
}

export interface BuildAheadSources {
  /** The commit's build context, or why it has none (then nothing is built ahead). */
  context(sha: string): Promise<BuildContext | { failed: unknown }>;
  /** Whether an outcome for this commit's context is known or on its way (then nothing is built ahead). */
  known(context: BuildContext, sha: string): Promise<boolean>;
  /** What the commit's image is built with (its build arguments and target). */
  build(sha: string): Promise<ImageBuild>;
}

export class BuildAhead {
  private readonly pending = new Map<string, Ahead>();
  private readonly discarding = new Set<Promise<void>>();
  private chain: Promise<void> = Promise.resolve();
  /** Images built ahead that an evaluation then used. */
  used = 0;

  constructor(
    private readonly lane: Lane,
    private readonly images: ImageBuilder,
    private readonly sources: BuildAheadSources,
  ) {}

  /** The run's: once it is aborted (Ctrl-C), nothing more is built and builds under way stop. */
  private signal: AbortSignal | undefined;

  /** Images built ahead, used or not (aborted builds included). */
  get built(): number {
    return this.images.builds;
  }

  /**
   * Starts building `upcoming` (those not built or building yet) and drops what is ahead for any
   * other commit than `upcoming` and `current`. Never rejects: building ahead only ever saves time.
   */
  start(
    upcoming: readonly string[],
    current: readonly string[],
    firstBuildBytes: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    this.signal = signal;
    this.chain = this.chain.then(() => this.startNow(upcoming, current, firstBuildBytes)).catch(() => undefined);
    return this.chain;
  }

  private async startNow(upcoming: readonly string[], current: readonly string[], firstBuildBytes: number | undefined): Promise<void> {
    for (const [sha, ahead] of this.pending) {
      if (!upcoming.includes(sha) && !current.includes(sha)) this.discard(sha, ahead);
    }
    const wanted = upcoming.filter((sha) => !this.pending.has(sha) && !current.includes(sha));
    if (wanted.length === 0 || this.signal?.aborted || !(await this.roomFor(wanted.length, firstBuildBytes))) return;
    for (const sha of wanted) {
      const ahead: Ahead = { dropped: false, result: Promise.resolve(undefined) };
      ahead.result = this.build(sha, ahead);
      ahead.result.catch(() => undefined); // observed by take() or discard()
      this.pending.set(sha, ahead);
    }
  }

  /**
   * The image built ahead for `sha` with this context, if any (waiting for it to finish); a build
   * made for another context is removed. Rejects as the build did (a full disk, a lost engine).
   */
  async take(sha: string, fingerprint: string): Promise<BuiltImage | undefined> {
    const ahead = this.pending.get(sha);
    if (!ahead) return undefined;
    this.pending.delete(sha);
    const ready = await ahead.result;
    if (!ready) return undefined;
    if (ready.fingerprint !== fingerprint) {
      if ('imageId' in ready.image) await this.lane.tracker.removeImage(ready.image.imageId);
      return undefined;
    }
    if (!('imageId' in ready.image) || !ready.image.reused) this.used++;
    return ready.image;
  }

  /** Drops everything ahead; resolves once the builds under way have ended and their images are gone. */
  async stop(): Promise<void> {
    await this.chain;
    for (const [sha, ahead] of this.pending) this.discard(sha, ahead);
    await Promise.all([...this.discarding]);
  }

  private async build(sha: string, ahead: Ahead): Promise<AheadImage | undefined> {
    const context = await this.sources.context(sha);
    if ('failed' in context) return undefined;
    if (ahead.dropped || this.signal?.aborted || (await this.sources.known(context, sha))) {
      context.tar.destroy();
      return undefined;
    }
    const build = await this.sources.build(sha);
    return { fingerprint: context.fingerprint, image: await this.images.image(this.lane, sha, context, build, this.signal) };
  }

  private discard(sha: string, ahead: Ahead): void {
    this.pending.delete(sha);
    ahead.dropped = true;
    const gone = ahead.result
      .then(async (ready) => {
        if (ready && 'imageId' in ready.image && !ready.image.reused) await this.lane.tracker.removeImage(ready.image.imageId);
      })
      .catch(() => undefined)
      .finally(() => this.discarding.delete(gone));
    this.discarding.add(gone);
  }

  /**
   * Room for `count` more images like the first build (undefined: it took under 1 MiB), twice over,
   * plus a spare. Where the engine's free space cannot be read (a remote engine), nothing is built ahead.
   */
  private async roomFor(count: number, firstBuildBytes: number | undefined): Promise<boolean> {
    const space = await dataRootSpace(this.lane.engine);
    return space !== undefined && space.freeBytes >= 2 * count * (firstBuildBytes ?? 0) + SPARE_BYTES;
  }
}
