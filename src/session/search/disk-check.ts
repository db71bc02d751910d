/**
 * Before the search proper: is there room on the engine's disk for what is ahead? Said once, as a
 * notice, when the data root's free space is below what the first build took times the steps left.
 */
import { dataRootSpace, describeSpace, mebibytes } from '../../docker/disk-space.js';
import type { EnginePool } from '../../docker/engine-pool.js';
import type { SessionEvents } from '../events.js';

export async function warnIfShortOfSpace(
  pool: EnginePool,
  firstBuildBytes: number | undefined,
  stepsLeft: number,
  events: SessionEvents,
  keepImages: boolean,
): Promise<void> {
  if (!firstBuildBytes || stepsLeft <= 0) return;
  const need = firstBuildBytes * stepsLeft;
  for (const lane of pool.lanes) {
    const space = await dataRootSpace(lane.engine);
    if (!space || space.freeBytes >= need) continue;
    const keep = keepImages
      ? ' (--keep-images keeps every image: without it, each is removed once judged)'
      : ' (each image is removed once judged; its layers may stay in the build cache)';
    events.notice?.(
      `the engine at ${lane.engine.endpoint} may run out of disk space: ${describeSpace(space)}, the first build took ${mebibytes(firstBuildBytes)} and about ${stepsLeft} more are ahead${keep}; a full disk stops the run (exit 1) and never counts against a commit`,
    );
  }
}
