/**
 * The stack at a commit is read from git objects only: the work tree, later commits and this
 * process's environment play no part (mastodon's compose file over a small history).
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

import { loadComposeAtCommit } from '../../src/contract/compose/index.js';
import { fixtureFiles } from '../fixtures/compose/fixture-files.js';
import { TestRepo } from '../fixtures/git-repo.js';

const repo = new TestRepo('deploybisect-compose-commit-');
const files = fixtureFiles('mastodon');
const first = repo.commit('mastodon v4.3.17', files);
const second = repo.commit('bump to v4.4.0, streaming without healthcheck', {
  'docker-compose.yml': (files['docker-compose.yml'] ?? '')
    .replaceAll('v4.3.17', 'v4.4.0')
    .replace(/ {4}healthcheck:\n {6}# prettier-ignore\n {6}test: \['CMD-SHELL', "curl -s --noproxy localhost localhost:4000[^\n]*\n/, ''),
});
const third = repo.commit('compose file moved to deploy/, reached through a symlink', {
  'docker-compose.yml': null,
  'deploy/docker-compose.yml': files['docker-compose.yml'] ?? '',
});
symlinkSync('deploy/docker-compose.yml', join(repo.dir, 'docker-compose.yml'));
repo.commit('symlink at the root', {});
const fourth = repo.git('rev-parse', 'HEAD');
afterAll(() => repo.remove());

describe('loadComposeAtCommit', () => {
  test('each commit is read as it was committed', async () => {
    const at = async (sha: string) => {
      const result = await loadComposeAtCommit(repo.dir, sha);
      if (result.kind === 'invalid') throw new Error(result.failure.message);
      return result.project;
    };
    expect((await at(first)).services['web']?.image).toBe('ghcr.io/mastodon/mastodon:v4.3.17');
    expect((await at(first)).services['streaming']?.healthcheck).not.toBeNull();
    expect((await at(second)).services['web']?.image).toBe('ghcr.io/mastodon/mastodon:v4.4.0');
    expect((await at(second)).services['streaming']?.healthcheck).toBeNull();
    expect((await at(fourth)).files).toEqual(['docker-compose.yml']);
  });

  test('the work tree is never read, even with a changed compose file in it', async () => {
    writeFileSync(join(repo.dir, 'deploy/docker-compose.yml'), 'services: {broken: {image: [1]}}\n');
    writeFileSync(join(repo.dir, '.env.production'), 'LOCAL_DOMAIN=work-tree.example\n');
    const result = await loadComposeAtCommit(repo.dir, first);
    expect(result.kind).toBe('loaded');
    if (result.kind === 'loaded') expect(result.project.services['web']?.environment['LOCAL_DOMAIN']?.value).toBe('example.com');
  });

  test('a commit without a compose file is a no-file failure', async () => {
    const result = await loadComposeAtCommit(repo.dir, third, { files: ['docker-compose.yml'] });
    expect(result).toMatchObject({
      kind: 'invalid',
      failure: { kind: 'no-file', message: 'open docker-compose.yml: no such file or directory' },
    });
  });
});
