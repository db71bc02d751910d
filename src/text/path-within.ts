/**
 * Whether a path lies in a directory, decided once for every caller: POSIX paths in one space (both
 * repository-relative, or both absolute in an image). The directory itself counts as in it; trailing
 * slashes do not count; `''` and `.` are the root of relative paths, `/` the root of absolute ones.
 * Paths are compared as written: callers normalise `..` and `./` first.
 */

const trimmed = (path: string): string => (path === '/' ? '/' : path.replace(/\/+$/, ''));
const isRoot = (dir: string): boolean => dir === '' || dir === '.' || dir === '/';

/** `path` relative to `dir` ('' for `dir` itself), or undefined when it is not in `dir`. */
export function pathWithin(dir: string, path: string): string | undefined {
  const d = trimmed(dir);
  const p = trimmed(path);
  if (isRoot(d)) {
    const absolute = d === '/';
    if (absolute !== p.startsWith('/')) return undefined;
    return absolute ? p.replace(/^\/+/, '') : p === '.' ? '' : p;
  }
  if (p === d) return '';
  return p.startsWith(`${d}/`) ? p.slice(d.length + 1) : undefined;
}

/** Whether `path` is `dir` or lies under it. */
export function isWithin(dir: string, path: string): boolean {
  return pathWithin(dir, path) !== undefined;
}
