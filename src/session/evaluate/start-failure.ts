/**
 * A container the engine would not start: the commit's failure (`container failed to start: …`), unless
 * the engine is to blame (its disk, memory or containerd) or a port another process holds (every commit
 * would fail alike): then the run stops, with no verdict.
 */
import { dataRootSpace } from '../../docker/disk-space.js';
import type { Lane } from '../../docker/engine-pool.js';
import { resourceError, resourceFailure } from '../../docker/resource-failure.js';
import { InfrastructureError } from '../../errors.js';
import { clipLine } from '../../text/clip-line.js';
import { shortSha } from '../../text/short-sha.js';
import type { Outcome } from '../outcome.js';

export async function startFailure(
  lane: Lane,
  sha: string,
  error: unknown,
  redact: (text: string) => string,
  what = 'the container',
): Promise<Omit<Outcome, 'sha' | 'durationMs' | 'built'>> {
  if (error instanceof InfrastructureError) throw error;
  const message = ((error as { json?: { message?: string } }).json?.message ?? (error as Error).message).trim();
  // The engine's own disk, memory or containerd failing says nothing about the commit.
  const resource = resourceFailure(message);
  if (resource)
    throw resourceError(resource, lane.engine.endpoint, `starting ${what} of ${shortSha(sha)}`, await dataRootSpace(lane.engine));
  // A port another process holds fails every commit alike: no verdict, stop and say so.
  if (/port is already allocated|address already in use/i.test(message)) {
    throw new InfrastructureError(
      `${what} of ${shortSha(sha)} could not start on ${lane.engine.endpoint}: ${clipLine(redact(message), 160, '...')}; free the port and re-run to resume`,
    );
  }
  return {
    ok: false,
    phase: 'start',
    signature: `container failed to start: ${clipLine(redact(message), 160, '...')}`,
    probes: [],
    logTail: [],
  };
}
