/**
 * Paths of a compose file, made repository-relative. Compose resolves the relative paths of every
 * `-f` file against the project directory (the first file's directory), and those of a file named by
 * `extends: file:` against that file's directory; an absolute or `~` path is the host's.
 */
import { posix } from 'node:path';

import type { PathRef } from './model.js';

/** A relative path joined to the base ('' is the repository root); absolute and `~` paths unchanged. */
export function resolvePath(baseDir: string, path: string): string {
  if (path.startsWith('/')) return cleanAbsolute(path);
  if (path.startsWith('~') || /^\p{L}:[\\/]/u.test(path)) return path;
  const joined = posix.normalize(posix.join(baseDir === '' ? '.' : baseDir, path));
  return joined === '.' ? '' : joined.replace(/\/+$/, '');
}

/** `/etc/app/` → `/etc/app` (Go's path.Clean, as compose writes a host path). */
export function cleanAbsolute(path: string): string {
  const clean = posix.normalize(path);
  return clean.length > 1 ? clean.replace(/\/+$/, '') : clean;
}

/** The directory of a repository-relative file ('' for one at the root). */
export function dirOf(file: string): string {
  const dir = posix.dirname(file);
  return dir === '.' ? '' : dir;
}

/** A build context or include compose fetches rather than reads: a git, http or oci URL. */
export function isRemoteContext(context: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith('git@') || context.startsWith('github.com/');
}

/** A resolved path as a reference: inside the repository, or the host's (absolute, `~`, or leaving the repository). */
export function pathRef(resolved: string): PathRef {
  if (isRemoteContext(resolved)) return { kind: 'url', url: resolved };
  if (
    resolved.startsWith('/') ||
    resolved.startsWith('~') ||
    resolved === '..' ||
    resolved.startsWith('../') ||
    /^\p{L}:[\\/]/u.test(resolved)
  ) {
    return { kind: 'host', path: resolved };
  }
  return { kind: 'repository', path: resolved };
}
