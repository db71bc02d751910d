/**
 * The few git reads detection needs, from git objects only (never the work tree): one directory's
 * entries, the files under a few directories, and small blobs' texts through one `git cat-file --batch`.
 */
import { CatFileBatch } from '../../git/cat-file-batch.js';
import { gitOutput } from '../../git/git-exec.js';
import { decodeGitText } from '../../git/path-bytes.js';
import { parseLsTree, type TreeEntry } from '../../git/tree-entries.js';
import { isWithin } from '../../text/path-within.js';

/** Manifests larger than this are not read (a 1 MiB render.yaml is not a manifest). */
const MAX_TEXT_BYTES = 1024 * 1024;

export interface Entry {
  path: string;
  oid: string;
  tree: boolean;
}

function entriesOf(out: Buffer): Entry[] {
  return parseLsTree(decodeGitText(out)).map((e: TreeEntry) => ({ path: e.path, oid: e.oid, tree: e.gitMode === '040000' }));
}

/** Every file below the given directories, and the given files that exist (repository paths), in one `git ls-tree -r`. */
export async function filesUnder(
  repoDir: string,
  commit: string,
  dirs: readonly string[],
  files: readonly string[] = [],
): Promise<Entry[]> {
  if (dirs.length === 0 && files.length === 0) return [];
  // Literal pathspecs: a name with `*` or `?` means itself.
  const specs = [...dirs.map((d) => `:(literal)${d}/`), ...files.map((f) => `:(literal)${f}`)];
  return entriesOf(await gitOutput(repoDir, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', ...specs]));
}

/**
 * The entries at the given paths (files or directories), in one `git ls-tree`. When a path and another
 * below it are both asked, git lists the lower one instead of the directory: `present` allows for that.
 */
export async function entriesAt(repoDir: string, commit: string, paths: readonly string[]): Promise<Entry[]> {
  if (paths.length === 0) return [];
  return entriesOf(await gitOutput(repoDir, ['ls-tree', '-z', '--full-tree', commit, '--', ...paths]));
}

/** Whether `path` exists, judged from entriesAt's answer. */
export function present(entries: readonly Entry[], path: string): boolean {
  return entries.some((e) => isWithin(path, e.path));
}

/** The texts of blobs by oid (UTF-8); a blob over 1 MiB reads as ''. */
export async function readTexts(repoDir: string, oids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(oids)];
  const texts = new Map<string, string>();
  if (unique.length === 0) return texts;
  const batch = CatFileBatch.start(repoDir);
  try {
    batch.request(unique);
    for (const oid of unique) {
      const answer = await batch.next();
      if (answer.kind !== 'found') continue;
      if (answer.size > MAX_TEXT_BYTES) {
        await batch.skipBody(answer.size);
        texts.set(oid, '');
      } else {
        texts.set(oid, (await batch.readBody(answer.size)).toString('utf8'));
      }
    }
  } finally {
    batch.close();
  }
  return texts;
}
