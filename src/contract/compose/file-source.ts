/**
 * Where the loader reads files: the blobs of one commit (commit-files.ts), or a map in tests. Paths
 * are repository-relative; the work tree is never read.
 */
export interface FileSource {
  /** The file's text, or null when the commit has no file there (or a directory, or a submodule). */
  read(path: string): Promise<string | null>;
}

/** Files from a map (path → text): the loader's pure tests. */
export function mapFileSource(files: Readonly<Record<string, string>>): FileSource {
  return { read: (path) => Promise.resolve(Object.hasOwn(files, path) ? (files[path] ?? null) : null) };
}
