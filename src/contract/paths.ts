/** Paths a manifest names, made repository-relative with the platform's rule, or a problem at the key. */
import { posix } from 'node:path';

import { invalid, type KeyPath } from './source/problem.js';

/**
 * `base` joined with `path` (a leading `/` or `./` means "from base", as flyctl and Render read them),
 * normalised; '' is the repository root. A path leaving the repository is a problem at `key`.
 */
export function underBase(base: string, path: string, key: KeyPath): string {
  const joined = posix.normalize(posix.join(base === '' ? '.' : base, path.replace(/^\/+/, '')));
  const clean = joined.replace(/\/+$/, '');
  if (clean === '..' || clean.startsWith('../')) throw invalid(key, `names '${path}', outside the repository`);
  return clean === '.' ? '' : clean;
}

/** The directory of a repository path ('' for a file at the root). */
export function dirOf(path: string): string {
  const dir = posix.dirname(path);
  return dir === '.' ? '' : dir;
}

/** A URL is not a path in the repository (Fly `[build] dockerfile = "https://…"`). */
export function isUrl(path: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
}
