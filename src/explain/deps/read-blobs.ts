/** The text of git objects named by oid or `<rev>:<path>`, with one `git cat-file --batch` (no work tree). */
import { CatFileBatch } from '../../git/cat-file-batch.js';

/** Lock files run to megabytes; past this a file is left out (and said so) rather than read. */
export const MAX_DEPENDENCY_FILE_BYTES = 64 * 1024 * 1024;

export type BlobText = { kind: 'text'; text: string } | { kind: 'missing' } | { kind: 'too-large'; size: number };

export async function readBlobs(repoDir: string, names: readonly string[]): Promise<Map<string, BlobText>> {
  const out = new Map<string, BlobText>();
  const unique = [...new Set(names)];
  if (unique.length === 0) return out;
  const batch = CatFileBatch.start(repoDir);
  try {
    batch.request(unique);
    for (const name of unique) {
      const answer = await batch.next();
      if (answer.kind !== 'found' || answer.type !== 'blob') {
        if (answer.kind === 'found') await batch.skipBody(answer.size);
        out.set(name, { kind: 'missing' });
      } else if (answer.size > MAX_DEPENDENCY_FILE_BYTES) {
        await batch.skipBody(answer.size);
        out.set(name, { kind: 'too-large', size: answer.size });
      } else {
        out.set(name, { kind: 'text', text: (await batch.readBody(answer.size)).toString('utf8') });
      }
    }
  } finally {
    batch.close();
  }
  return out;
}
