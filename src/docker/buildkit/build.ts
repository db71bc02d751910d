/**
 * Builds an image with the engine's own BuildKit: a session of ours (health and secrets) opened
 * over `/session`, then `POST /build?version=2&session=…` with the context made from git objects.
 * Progress arrives as `moby.buildkit.trace` events (decoded by BuildkitProgress), the image id as
 * `moby.image.id`, a failure as an `errorDetail` event.
 */
import type Docker from 'dockerode';

import { cleanText } from '../../text/clean-text.js';
import { BuildFailedError, BuildIncompleteError, buildQuery, type BuildImageOptions } from '../build-image.js';
import { BuildkitProgress } from './progress.js';
import { decodeStatus } from './protos.js';
import { openBuildkitSession, type SessionSecret } from './session.js';

export interface BuildkitOptions extends BuildImageOptions {
  secrets: readonly SessionSecret[];
}

interface BuildkitEvent {
  id?: string;
  aux?: string | { ID?: string };
  error?: string;
  errorDetail?: { message?: string };
}

export async function buildWithBuildkit(docker: Docker, options: BuildkitOptions): Promise<{ imageId: string; output: string[] }> {
  const session = await openBuildkitSession(docker, options.secrets);
  const progress = new BuildkitProgress(options.onOutput, options.onStep);
  let imageId: string | undefined;
  let failure: string | undefined;
  try {
    const stream = await startBuild(docker, options, session.id);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: BuildkitEvent) => {
          if (event.id === 'moby.buildkit.trace' && typeof event.aux === 'string') progress.add(decodeStatus(event.aux));
          else if (event.id === 'moby.image.id' && typeof event.aux === 'object') imageId = event.aux.ID;
          if (event.errorDetail || event.error) failure ??= cleanText(event.errorDetail?.message ?? event.error ?? 'unknown error').trim();
        },
      );
    });
    progress.end();
  } finally {
    session.close();
  }
  if (failure !== undefined) {
    const failed = progress.failed();
    const evidence = failed ? [failed.name, ...failed.tail, `ERROR: ${failed.error}`] : progress.output.slice(-20);
    throw new BuildFailedError(failed?.error ?? failure, progress.output, failed?.name, evidence);
  }
  if (!imageId) throw new BuildIncompleteError();
  return { imageId, output: progress.output };
}

function startBuild(docker: Docker, options: BuildkitOptions, session: string): Promise<NodeJS.ReadableStream> {
  const query = { ...buildQuery(options), version: '2', session };
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: '/build?',
        method: 'POST',
        file: options.context,
        options: query,
        isStream: true,
        ...(options.signal ? { abortSignal: options.signal } : {}),
        statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
      },
      (error: unknown, stream: unknown) => (error ? reject(error) : resolve(stream as NodeJS.ReadableStream)),
    );
  });
}
