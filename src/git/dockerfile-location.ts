/**
 * Where the Dockerfile of a run lives: a path in the repository (the same path in every
 * commit) or one external file outside it. Mirrors how build-context.ts resolves it: a relative
 * path is relative to the context; an absolute path inside the repository names a repository
 * path; an absolute path outside it is read from disk once.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

import { UsageError } from '../errors.js';
import { workTreeTop } from './refs.js';
import { joinRepoPath, normalizeRepoPath } from './repo-path.js';

export type DockerfileLocation = { kind: 'repo'; repoPath: string } | { kind: 'external'; absPath: string };

export async function locateDockerfilePath(repoDir: string, contextDir: string, dockerfile: string): Promise<DockerfileLocation> {
  if (dockerfile === '') throw new UsageError('the Dockerfile path is empty');
  if (!isAbsolute(dockerfile)) {
    const repoPath = normalizeRepoPath(joinRepoPath(contextDir, dockerfile), 'Dockerfile path');
    if (repoPath === '') throw new UsageError(`invalid Dockerfile path '${dockerfile}'`);
    return { kind: 'repo', repoPath };
  }
  const absPath = await realpath(dockerfile).catch(() => {
    throw new UsageError(`Dockerfile not found: ${dockerfile}`);
  });
  const top = await repositoryTop(repoDir);
  if (top !== undefined) {
    const rel = relative(top, absPath);
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return { kind: 'repo', repoPath: rel.split(sep).join('/') };
  }
  if (!(await stat(absPath)).isFile()) throw new UsageError(`Dockerfile is not a file: ${dockerfile}`);
  return { kind: 'external', absPath };
}

async function repositoryTop(repoDir: string): Promise<string | undefined> {
  try {
    const top = await workTreeTop(repoDir);
    return top === '' ? undefined : await realpath(top);
  } catch {
    return undefined; // bare repository: nothing on disk is inside it
  }
}
