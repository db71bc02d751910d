/**
 * The Dockerfile's blob at each of many commits, with one `git cat-file --batch` process: commits
 * with the same blob build the same instructions, so their images share every layer up to the
 * first COPY or ADD whose files differ.
 */
import { CatFileBatch } from './cat-file-batch.js';
import { locateDockerfilePath } from './dockerfile-location.js';

/** sha → blob id of the Dockerfile ('missing' where there is none; 'external' for a Dockerfile outside the repository). */
export async function dockerfileBlobs(
  repoDir: string,
  commits: readonly string[],
  contextDir: string,
  dockerfile: string,
): Promise<Map<string, string>> {
  const location = await locateDockerfilePath(repoDir, contextDir, dockerfile);
  if (location.kind === 'external') return new Map(commits.map((sha) => [sha, 'external']));
  const blobs = new Map<string, string>();
  const batch = CatFileBatch.start(repoDir, { followSymlinks: true });
  try {
    batch.request(commits.map((sha) => `${sha}:${location.repoPath}`));
    for (const sha of commits) {
      const answer = await batch.next();
      if (answer.kind === 'found') {
        blobs.set(sha, answer.oid);
        await batch.skipBody(answer.size);
      } else {
        blobs.set(sha, 'missing');
      }
    }
  } finally {
    batch.close();
  }
  return blobs;
}
