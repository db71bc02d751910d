import type { Readable } from 'node:stream';
import type Docker from 'dockerode';

import { cleanText } from '../text/clean-text.js';
import { LineSplitter } from '../text/line-splitter.js';

export interface BuildImageOptions {
  /** Uncompressed tar of the build context. */
  context: NodeJS.ReadableStream | Readable;
  /** Path of the Dockerfile inside the context. */
  dockerfile: string;
  tag: string;
  labels: Record<string, string>;
  buildArgs?: Record<string, string>;
  target?: string;
  /** Network mode for RUN steps (e.g. `host`). */
  networkMode?: string;
  /** `os[/arch[/variant]]`. */
  platform?: string;
  /** Each line of build output, as the program printed it (escape codes kept); the lines kept are clean. */
  onOutput?: (line: string) => void;
  /** Each step of the Dockerfile as it starts (`[2/6] RUN npm ci`, `Step 2/6 : RUN npm ci`). */
  onStep?: (step: string) => void;
  signal?: AbortSignal;
}

/** The engine reported an error while building: a verdict about the commit, not an infrastructure fault. */
export class BuildFailedError extends Error {
  constructor(
    readonly reason: string,
    readonly output: string[],
    /** The step that failed, as the builder names it, when it says. */
    readonly step?: string,
    /** The lines that show the failure: the failing step's own output where the builder keeps it apart, else the build's last lines. */
    readonly evidence: string[] = output.slice(-20),
  ) {
    super(`build failed: ${reason}`);
    this.name = 'BuildFailedError';
  }
}

/**
 * The images the classic builder (and Podman's) committed for the steps of a build, as its output
 * names them (` ---> 3f1c0a2b9d4e`, `--> 2240b8a2655`). A failed build leaves the last of them
 * behind, untagged and without our labels (they go on the final image only).
 */
export function stepImages(output: readonly string[]): string[] {
  return output.flatMap((line) => {
    const match = /^\s*-{2,3}> ([0-9a-f]{7,64})\s*$/.exec(line);
    return match ? [match[1]!] : [];
  });
}

/** The build's stream ended with neither an image nor an error: the engine dropped it (a restart, a crash). */
export class BuildIncompleteError extends Error {
  constructor() {
    super('the build ended without a result');
    this.name = 'BuildIncompleteError';
  }
}

interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
}

/** The `/build` query both builders share: tag, Dockerfile, labels, build args, target, network, platform. */
export function buildQuery(options: BuildImageOptions): Record<string, unknown> {
  const query: Record<string, unknown> = {
    t: options.tag,
    dockerfile: options.dockerfile,
    labels: options.labels,
    rm: true,
    forcerm: true,
  };
  if (options.buildArgs && Object.keys(options.buildArgs).length > 0) query.buildargs = options.buildArgs;
  if (options.target) query.target = options.target;
  if (options.networkMode) query.networkmode = options.networkMode;
  if (options.platform) query.platform = options.platform;
  return query;
}

/**
 * Builds an image through the Engine API's classic builder (also what Podman's compatible API
 * builds with, through buildah). Errors arrive as `errorDetail`
 * events inside an HTTP 200 stream: they reject with BuildFailedError. Returns the image ID.
 */
export async function buildImage(docker: Docker, options: BuildImageOptions): Promise<{ imageId: string; output: string[] }> {
  const query: Docker.ImageBuildOptions & Record<string, unknown> = buildQuery(options);
  if (options.signal) query.abortSignal = options.signal;

  const stream = await docker.buildImage(options.context as NodeJS.ReadableStream, query);
  const progress = new ClassicProgress(options);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : resolve()),
      (event: BuildEvent) => progress.add(event),
    );
  });
  progress.end();
  const { output, failure, step } = progress;
  let imageId = progress.imageId;

  if (failure !== undefined) throw new BuildFailedError(failure, output, step);
  if (!imageId) {
    // Older engines only print "Successfully built"; as a last resort ask for the tag.
    const info = await docker
      .getImage(options.tag)
      .inspect()
      .catch((error: unknown) => {
        if ((error as { statusCode?: number }).statusCode === 404) throw new BuildIncompleteError();
        throw error;
      });
    imageId = info.Id;
  }
  return { imageId, output };
}

/**
 * The builder's own messages (`Step 2/6 : RUN …`, ` ---> 3f1c0a2b9d4e`, Podman's `STEP 2/6: …`,
 * `--> 2240b8a2655`): each comes whole, so a RUN's output left without its last `\n` ends before one.
 */
const BUILDER_MESSAGE =
  /^(?:Step \d+\/\d+ : |STEP \d+\/\d+: | ?-{2,3}> |Removing intermediate container |Successfully (?:built|tagged) |COMMIT )/;

/**
 * The classic builder's stream: its lines (kept clean, passed on as printed), the step building, the
 * image built and the error. A RUN's output comes in the pieces the program wrote, not in lines.
 */
class ClassicProgress {
  /** The lines so far, clean (cleanText). */
  readonly output: string[] = [];
  imageId: string | undefined;
  failure: string | undefined;
  step: string | undefined;
  private readonly lines = new LineSplitter();

  constructor(private readonly options: Pick<BuildImageOptions, 'onOutput' | 'onStep'>) {}

  add(event: BuildEvent): void {
    if (event.aux?.ID) this.imageId = event.aux.ID;
    if (event.stream !== undefined) {
      if (BUILDER_MESSAGE.test(event.stream)) this.end();
      for (const line of this.lines.push(event.stream)) this.line(line);
    }
    if (event.status !== undefined) {
      this.end();
      for (const line of event.status.split('\n')) this.line(line);
    }
    if (event.errorDetail || event.error) {
      this.end();
      this.failure ??= cleanText(event.errorDetail?.message ?? event.error ?? 'unknown error').trim();
      this.options.onOutput?.(`ERROR: ${this.failure}`);
    }
  }

  /** Output left without its last `\n` is a line too. */
  end(): void {
    for (const line of this.lines.end()) this.line(line);
  }

  private line(printed: string): void {
    const line = cleanText(printed);
    if (line.trim() === '') return;
    this.output.push(line);
    this.options.onOutput?.(printed);
    // `Step 2/6 : RUN npm ci` (Docker), `STEP 2/6: RUN npm ci` (Podman).
    if (/^Step \d+\/\d+ : |^STEP \d+\/\d+: /i.test(line)) {
      this.step = line.trim();
      this.options.onStep?.(this.step);
    }
    const built = /^Successfully built ([0-9a-f]+)/.exec(line);
    if (built && !this.imageId) this.imageId = built[1];
  }
}

/** A one-line, stable signature for a build failure: the engine's message, shortened. */
export function buildFailureSignature(reason: string): string {
  const firstLine = reason.split('\n').find((line) => line.trim() !== '') ?? reason;
  const clean = firstLine.replace(/\s+/g, ' ').trim();
  return `build failed: ${clean.length > 160 ? `${clean.slice(0, 157)}...` : clean}`;
}
