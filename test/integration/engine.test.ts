import { describe, expect, it } from 'vitest';

import { BASE_IMAGE, requireEngine } from '../helpers/docker-engine.js';

describe('test engine', () => {
  it('answers and has the busybox base image', async () => {
    const docker = await requireEngine();
    const info = await docker.getImage(BASE_IMAGE).inspect();
    expect(info.RepoTags).toContain(BASE_IMAGE);
  });
});
