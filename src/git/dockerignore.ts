/**
 * Docker's .dockerignore rules, applied to the paths of a git tree.
 *
 * Pattern syntax and matching come from @balena/dockerignore, a port of Docker's own
 * matcher (patterns relative to the context root, `!` exceptions, `*`, `?`, `**`, leading
 * `/` and `./` cleaned, `#` comments). It must be case-sensitive: Docker on Linux is.
 *
 * Which paths are sent follows what BuildKit's file sync does: a file is sent unless the
 * patterns exclude it (an exception can re-include a file inside an excluded directory);
 * a directory is sent when it is not excluded itself (so it may arrive empty) or when
 * something inside it is sent. The legacy docker CLI differs in one corner: it does not
 * descend into an excluded directory unless an exception pattern starts with that
 * directory's path, so `dir` + `!**\/keep` re-includes nothing there.
 */
import dockerignore from '@balena/dockerignore';

export interface IgnoreMatcher {
  /** True when the path (relative to the context, '/'-separated) is excluded. */
  ignores(path: string): boolean;
}

/** Reads a .dockerignore file's text like `docker build` does (UTF-8 BOM dropped, CRLF accepted). */
export function parseDockerignore(text: string): IgnoreMatcher {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  // The package is CommonJS with `module.exports = factory; factory.default = factory`.
  const matcher = dockerignore.default({ ignorecase: false }).add(lines);
  return { ignores: (path) => matcher.ignores(path) };
}

export interface ContextSelection {
  /** Files (and symlinks) sent, in input order. */
  files: string[];
  /** Directories sent, sorted; ancestors of every sent file are included. */
  dirs: string[];
}

/**
 * Selects what docker would send from a context holding `paths` (files and symlinks,
 * relative to the context root). `alwaysSend` are paths sent even when excluded: the
 * Dockerfile and the ignore file, as docker does.
 */
export function selectContextPaths(
  paths: readonly string[],
  matcher: IgnoreMatcher | undefined,
  alwaysSend: readonly string[] = [],
): ContextSelection {
  const forced = new Set(alwaysSend);
  const files = matcher ? paths.filter((path) => forced.has(path) || !matcher.ignores(path)) : [...paths];
  const dirs = new Set<string>();
  for (const path of files) addAncestors(path, dirs);
  // Directories of the tree that are not excluded themselves are sent even if nothing
  // inside them is (docker walks the directory and adds its header).
  const allDirs = new Set<string>();
  for (const path of paths) addAncestors(path, allDirs);
  for (const dir of allDirs) {
    if (dirs.has(dir)) continue;
    if (!matcher || !matcher.ignores(dir)) {
      dirs.add(dir);
      addAncestors(dir, dirs);
    }
  }
  return { files, dirs: [...dirs].sort() };
}

function addAncestors(path: string, into: Set<string>): void {
  for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
    into.add(path.slice(0, slash));
  }
}
