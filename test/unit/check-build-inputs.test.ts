/** The check before any engine work: each end has the Dockerfile and the context the options name. */
import { afterAll, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/errors.js';
import { checkBuildInputs } from '../../src/session/check-build-inputs.js';
import { TestRepo } from '../fixtures/git-repo.js';

describe('checkBuildInputs', () => {
  const repo = new TestRepo('deploybisect-inputs-');
  const before = repo.commit('no docker yet', { 'README.md': 'hi\n' });
  const middle = repo.commit('docker', { 'app/Dockerfile': 'FROM scratch\n' });
  const after = repo.commit('moved', { Dockerfile: 'FROM scratch\n', 'app/Dockerfile': null });
  afterAll(() => repo.remove());
  const settings = (file: string, context = '.') => ({ repo: repo.dir, file, context });
  const ends = (good: string, bad: string) => [
    { role: 'the good commit', sha: good },
    { role: 'the bad commit', sha: bad },
  ];

  it('passes when both ends have them', async () => {
    await expect(checkBuildInputs(settings('Dockerfile', 'app'), ends(middle, middle))).resolves.toBeUndefined();
    await expect(checkBuildInputs(settings('Dockerfile'), ends(after, after))).resolves.toBeUndefined();
  });

  it('names the one end that lacks the Dockerfile', async () => {
    const check = checkBuildInputs(settings('Dockerfile'), ends(middle, after));
    await expect(check).rejects.toBeInstanceOf(UsageError);
    await expect(check).rejects.toThrow(`no Dockerfile at 'Dockerfile' in the good commit ${middle.slice(0, 12)}: -f/--file`);
  });

  it('a missing context comes first, and names both ends when both lack it', async () => {
    await expect(checkBuildInputs(settings('Dockerfile', 'app'), ends(before, after))).rejects.toThrow(
      `no build context directory 'app' in either end (good commit ${before.slice(0, 12)}, bad commit ${after.slice(0, 12)})`,
    );
  });

  it('a directory where the Dockerfile should be is no Dockerfile', async () => {
    await expect(checkBuildInputs(settings('app'), ends(middle, middle))).rejects.toThrow("no Dockerfile at 'app' in either end");
  });
});
