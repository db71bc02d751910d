/**
 * What a build resolves outside git: the image each FROM names, as the engines hold it now. A tag
 * moved to another image (a re-tagged base, a new `latest`) is another deployment, so a remembered
 * outcome is keyed by these ids as well as by the build context.
 */
import type { Lane } from '../../docker/engine-pool.js';
import { externalBaseImages } from '../../explain/dockerfile/base-images.js';

/**
 * `ref=id` for each FROM image (one id per engine, comma-separated; `absent` where an engine has none
 * and a build would pull it), one per line in the Dockerfile's order; '' when it names none.
 */
export async function resolveBaseImages(
  lanes: readonly Lane[],
  dockerfileText: string,
  buildArgs: Readonly<Record<string, string>>,
): Promise<string> {
  const refs = externalBaseImages(dockerfileText, buildArgs);
  const lines = await Promise.all(
    refs.map(async (ref) => {
      const ids = await Promise.all(lanes.map((lane) => lane.adapter.imageIdOf(ref)));
      return `${ref}=${ids.map((id) => id ?? 'absent').join(',')}`;
    }),
  );
  return lines.join('\n');
}

/** Whether a resolution names an image some engine does not hold yet (after a build, it may). */
export function resolvesAbsent(bases: string): boolean {
  return /=(?:.*,)?absent(?:,|$)/m.test(bases);
}
