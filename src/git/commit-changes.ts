/**
 * What each of many commits changes against its first parent, as paths (one `git diff-tree
 * --stdin` process), and the text of a few blobs (one `git cat-file --batch`): what a prior over
 * "which commit broke the deployment" is scored from. Read-only plumbing.
 */
import { CatFileBatch } from './cat-file-batch.js';
import { diffTreeStream } from './diff-tree-stream.js';

/** Paths each commit adds, deletes or modifies against its first parent (files only; at most `limit` per commit). */
export async function changedPaths(
  repoDir: string,
  pairs: readonly (readonly [string, string])[],
  limit = 200,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for await (const diff of diffTreeStream(repoDir, pairs)) {
    const paths = diff.changes.filter((c) => c.oldMode !== '040000' && c.newMode !== '040000').map((c) => c.path);
    out.set(diff.commit, paths.slice(0, limit));
  }
  return out;
}

/** The text of each blob (UTF-8; up to `maxBytes` each, larger ones left out). */
export async function blobTexts(repoDir: string, oids: readonly string[], maxBytes = 256 * 1024): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  if (oids.length === 0) return texts;
  const batch = CatFileBatch.start(repoDir);
  try {
    batch.request(oids);
    for (const oid of oids) {
      const answer = await batch.next();
      if (answer.kind !== 'found') continue;
      if (answer.size > maxBytes) await batch.skipBody(answer.size);
      else texts.set(oid, (await batch.readBody(answer.size)).toString('utf8'));
    }
  } finally {
    batch.close();
  }
  return texts;
}
