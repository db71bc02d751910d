import { afterAll, describe, expect, it } from 'vitest';

import { dockerfileBlobs } from '../../src/git/dockerfile-blobs.js';
import { TestRepo } from '../fixtures/git-repo.js';

describe('dockerfileBlobs', () => {
  const repo = new TestRepo();
  afterAll(() => repo.remove());

  it("names each commit's Dockerfile blob with one git process, and 'missing' where there is none", async () => {
    const none = repo.commit('no Dockerfile yet', { 'README.md': 'x\n' });
    const a = repo.commit('Dockerfile', { 'app/Dockerfile': 'FROM scratch\n' });
    const b = repo.commit('code only', { 'app/main.sh': 'echo\n' });
    const c = repo.commit('new instruction', { 'app/Dockerfile': 'FROM scratch\nCOPY main.sh /\n' });
    const blobs = await dockerfileBlobs(repo.dir, [none, a, b, c], 'app', 'Dockerfile');
    expect(blobs.get(none)).toBe('missing');
    expect(blobs.get(a)).toMatch(/^[0-9a-f]{40}$/);
    expect(blobs.get(b)).toBe(blobs.get(a));
    expect(blobs.get(c)).not.toBe(blobs.get(a));
  });
});
