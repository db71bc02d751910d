/**
 * FROM: the base image's name, tag or digest (see image-reference.ts), and its --platform.
 */
import { changedParts } from '../dockerfile/image-reference.js';
import type { DockerStage } from '../dockerfile/model.js';
import type { DiffRule } from './diff-rule.js';
import { where } from './where.js';

export const diffBaseImage: DiffRule = (pair) => {
  const { before, after } = pair;
  const parts: string[] = changedParts(before.image, after.image);
  if (before.platform !== after.platform) parts.push('platform');
  if (parts.length === 0) return [];
  const platform = (s: DockerStage): string => (s.platform === undefined ? '' : ` (--platform=${s.platform})`);
  const what = parts.length === 1 && parts[0] === 'name' ? 'base image changed' : `base image ${parts.join(' and ')} changed`;
  return [
    {
      kind: 'base-image',
      stage: pair.label,
      instruction: 'FROM',
      before: before.image,
      after: after.image,
      lineBefore: before.line,
      lineAfter: after.line,
      summary: `${what}: ${before.image}${platform(before)} → ${after.image}${platform(after)} ${where(pair.label, before.line, after.line)}`,
    },
  ];
};
