/**
 * For a describe block of engine tests on one-commit repositories: the engine required and a free
 * 127.0.0.1 port taken before the tests, each repository removed after them.
 */
import { afterAll, beforeAll } from 'vitest';

import { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine } from './docker-engine.js';
import { freePort } from './free-port.js';

export interface EngineRepos {
  /** The free port (set once the block's tests start). */
  readonly port: number;
  /** A new repository with one commit of `files`. */
  repoWith(files: Record<string, string>, subject?: string): { repo: TestRepo; sha: string };
}

export function engineRepos(): EngineRepos {
  const repos: TestRepo[] = [];
  let port = 0;
  beforeAll(async () => {
    await requireEngine();
    port = await freePort();
  });
  afterAll(() => repos.forEach((r) => r.remove()));
  return {
    get port() {
      return port;
    },
    repoWith(files, subject = 'deploy') {
      const repo = new TestRepo();
      repos.push(repo);
      return { repo, sha: repo.commit(subject, files) };
    },
  };
}
