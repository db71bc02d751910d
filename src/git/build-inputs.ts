/**
 * Whether a commit has what a build of it needs from the repository: the build context directory
 * and the Dockerfile, looked up (symlinks followed, as a checkout would) without reading either.
 */
import { CatFileBatch } from './cat-file-batch.js';
import { locateDockerfilePath } from './dockerfile-location.js';
import { normalizeRepoPath } from './repo-path.js';

export interface BuildInputs {
  context: boolean;
  /** True for a Dockerfile outside the repository (one file for every commit, checked when it was located). */
  dockerfile: boolean;
}

export async function buildInputsAt(
  repoDir: string,
  commits: readonly string[],
  contextDir: string,
  dockerfile: string,
): Promise<Map<string, BuildInputs>> {
  const context = normalizeRepoPath(contextDir, 'context directory');
  const location = await locateDockerfilePath(repoDir, context, dockerfile);
  const batch = CatFileBatch.start(repoDir, { followSymlinks: true });
  const found = new Map<string, BuildInputs>();
  try {
    for (const sha of commits) {
      batch.request([context === '' ? `${sha}^{tree}` : `${sha}:${context}`]);
      if (location.kind === 'repo') batch.request([`${sha}:${location.repoPath}`]);
    }
    for (const sha of commits) {
      const tree = await batch.next();
      if (tree.kind === 'found') await batch.skipBody(tree.size);
      const file = location.kind === 'repo' ? await batch.next() : undefined;
      if (file?.kind === 'found') await batch.skipBody(file.size);
      found.set(sha, {
        context: tree.kind === 'found' && tree.type === 'tree',
        dockerfile: file === undefined || (file.kind === 'found' && file.type === 'blob'),
      });
    }
  } finally {
    batch.close();
  }
  return found;
}
