/** Normalising user-given paths inside a repository (context dir, Dockerfile). */
import { posix } from 'node:path';

import { UsageError } from '../errors.js';

/**
 * 'docker/', './docker', 'docker/../docker' → 'docker'; '.', '', './' → '' (the root).
 * Refuses absolute paths, paths that leave the root, and control characters (which the
 * line-based git plumbing could not carry).
 */
export function normalizeRepoPath(path: string, what: string): string {
  if (/[\0\r\n]/.test(path)) throw new UsageError(`invalid ${what} ${JSON.stringify(path)}: contains a control character`);
  if (path.startsWith('/')) throw new UsageError(`invalid ${what} '${path}': must be relative to the repository root`);
  const normal = posix.normalize(path === '' ? '.' : path).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) {
    throw new UsageError(`invalid ${what} '${path}': it leaves the repository`);
  }
  return normal === '.' ? '' : normal;
}

/** Joins repository-relative paths where '' is the root. */
export function joinRepoPath(...parts: string[]): string {
  return parts.filter((part) => part !== '').join('/');
}
