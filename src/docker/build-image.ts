import type { Readable } from 'node:stream';
import type Docker from 'dockerode';

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
  /** Each line of build output, as the engine sends it. */
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
  const output: string[] = [];
  let imageId: string | undefined;
  let failure: string | undefined;
  let step: string | undefined;

  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : resolve()),
      (event: BuildEvent) => {
        if (event.aux?.ID) imageId = event.aux.ID;
        const text = event.stream ?? event.status;
        if (text) {
          for (const line of text.split('\n')) {
            if (line.trim() === '') continue;
            output.push(line);
            options.onOutput?.(line);
            // `Step 2/6 : RUN npm ci` (Docker), `STEP 2/6: RUN npm ci` (Podman).
            const started = /^Step \d+\/\d+ : |^STEP \d+\/\d+: /i.exec(line);
            if (started) {
              step = line.trim();
              options.onStep?.(step);
            }
            const built = /^Successfully built ([0-9a-f]+)/.exec(line);
            if (built && !imageId) imageId = built[1];
          }
        }
        if (event.errorDetail || event.error) {
          failure ??= (event.errorDetail?.message ?? event.error ?? 'unknown error').trim();
          options.onOutput?.(`ERROR: ${failure}`);
        }
      },
    );
  });

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

/** A one-line, stable signature for a build failure: the engine's message, shortened. */
export function buildFailureSignature(reason: string): string {
  const firstLine = reason.split('\n').find((line) => line.trim() !== '') ?? reason;
  const clean = firstLine.replace(/\s+/g, ' ').trim();
  return `build failed: ${clean.length > 160 ? `${clean.slice(0, 157)}...` : clean}`;
}
