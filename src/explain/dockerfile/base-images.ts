/**
 * The images a Dockerfile builds FROM outside itself: what a build resolves outside git, so what
 * a remembered outcome must be keyed by besides the build context (a tag moved to another image
 * makes another deployment).
 */
import { parseDockerfile } from './model.js';

/**
 * The FROM images as written (global ARGs substituted, build arguments winning), without `scratch`
 * and the stages of the same Dockerfile; each once, in order.
 */
export function externalBaseImages(dockerfile: string, buildArgs: Readonly<Record<string, string>> = {}): string[] {
  const { stages } = parseDockerfile(dockerfile, { buildArgs });
  const images: string[] = [];
  stages.forEach((stage, i) => {
    const ref = stage.image;
    const earlier = stages.slice(0, i).some((s) => s.key === ref.toLowerCase());
    if (ref === '' || earlier || ref.toLowerCase() === 'scratch' || images.includes(ref)) return;
    images.push(ref);
  });
  return images;
}
