/**
 * Oracle: what the real engine sees from our tar must equal what it sees when the docker
 * CLI (legacy builder, which applies .dockerignore client-side) builds a plain copy of the
 * same commit. Both images list /ctx with modes, sizes, link targets and checksums.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createBuildContext } from '../../src/git/build-context.js';
import { TestRepo } from '../fixtures/git-repo.js';
import { BASE_IMAGE, requireEngine, testDockerHost } from '../helpers/docker-engine.js';
import { GitTestRepo } from '../helpers/git-test-repo.js';

const LABEL = 'deploybisect.test';
const DOCKER_ENV = { ...process.env, DOCKER_HOST: testDockerHost(), DOCKER_BUILDKIT: '0' };

function dockerCli(...args: string[]): string {
  return execFileSync('docker', args, { env: DOCKER_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const LISTING =
  'cd /ctx && find . | sort | while read -r f; do stat -c "%A %s %N" "$f"; done && ' + 'find . -type f -exec md5sum {} + | sort -k 2';

const DOCKERIGNORE = `# tricky rules, all within what the legacy CLI and BuildKit agree on
*.log
!keep.log
**/*.tmp
!important.tmp
secrets
build/
./cache
/dist
docs/*
!docs/README.md
emptied/*
**/node_modules
sub/**/gen-*
!sub/a/gen-keep
vendor
!vendor/keep
Dockerfile
.dockerignore
`;

describe('build context on the real engine (oracle: docker CLI on a plain copy)', () => {
  let docker: Docker;
  /** Scratch space for the plain copy the docker CLI builds from. */
  let root: string;
  let fixture: GitTestRepo;
  let repo: string;
  let broken: TestRepo | undefined;
  const tags: string[] = [];

  beforeAll(async () => {
    docker = await requireEngine();
    root = mkdtempSync(join(tmpdir(), 'deploybisect-ctx-oracle-'));
    fixture = new GitTestRepo('deploybisect-ctx-oracle-repo-');
    repo = fixture.dir;
    fixture.symlink('link', 'app.js');
    fixture.symlink('dirlink', 'sub/a');
    fixture.writeBytes('bin.dat', Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7) % 256)));
    fixture.commit('fixture', {
      Dockerfile: `FROM ${BASE_IMAGE}\nCOPY . /ctx\nCMD ["sh", "-c", ${JSON.stringify(LISTING)}]\n`,
      '.dockerignore': DOCKERIGNORE,
      'app.js': 'console.log("hi")\n',
      'run.sh': { content: '#!/bin/sh\necho run\n', executable: true },
      'a.log': 'x\n',
      'keep.log': 'kept\n',
      'sub/a/x.tmp': 'x\n',
      'important.tmp': 'kept\n',
      'secrets/key': 'k\n',
      'build/out': 'o\n',
      'cache/c': 'c\n',
      'dist/d': 'd\n',
      'sub/dist/d': 'not anchored: kept\n',
      'docs/guide.md': 'g\n',
      'docs/README.md': 'r\n',
      'emptied/gone.txt': 'g\n',
      'node_modules/m/index.js': 'm\n',
      'sub/b/node_modules/n.js': 'n\n',
      'sub/a/gen-1': '1\n',
      'sub/a/deeper/gen-2': '2\n',
      'sub/a/gen-keep': 'keep\n',
      'sub/a/regular': 'r\n',
      'vendor/drop/x': 'x\n',
      'vendor/keep/y': 'y\n',
      'with space.txt': 's\n',
      'ünïcode.txt': 'u\n',
    });
  });

  afterAll(async () => {
    for (const tag of tags) {
      try {
        await docker.getImage(tag).remove({ force: true });
      } catch {
        /* already gone */
      }
    }
    fixture?.remove();
    broken?.remove();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function buildFromTar(tag: string): Promise<void> {
    const ctx = await createBuildContext({ repoDir: repo, commit: 'HEAD', contextDir: '.', dockerfile: 'Dockerfile' });
    const stream = await docker.buildImage(ctx.tar, {
      t: tag,
      dockerfile: ctx.dockerfilePath,
      labels: { [LABEL]: '1' },
      rm: true,
      forcerm: true,
    });
    tags.push(tag);
    const events = await new Promise<Array<{ error?: string; errorDetail?: { message?: string } }>>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null, output: unknown[]) =>
        error ? reject(error) : resolve(output as Array<{ error?: string }>),
      ),
    );
    const failure = events.find((event) => event.errorDetail || event.error);
    if (failure) throw new Error(`build failed: ${failure.errorDetail?.message ?? failure.error}`);
  }

  function buildWithCli(tag: string): void {
    const copy = join(root, 'plain-copy');
    mkdirSync(copy);
    // umask 022 (for git archive's headers and for tar): a checkout's usual 0644/0755 modes
    execFileSync('sh', ['-c', `umask 022 && git -c tar.umask=022 archive HEAD | tar -x -C '${copy}'`], {
      cwd: repo,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    });
    dockerCli('build', '-q', '--label', `${LABEL}=1`, '-t', tag, copy);
    tags.push(tag);
  }

  function listing(tag: string): string {
    return dockerCli('run', '--rm', '--network', 'none', '--label', `${LABEL}=1`, tag);
  }

  it('sends exactly what the docker CLI sends', async () => {
    const suffix = `${process.pid}-${Date.now()}`;
    const ours = `deploybisect-test/ctx-ours:${suffix}`;
    const cli = `deploybisect-test/ctx-cli:${suffix}`;
    await buildFromTar(ours);
    buildWithCli(cli);
    const fromTar = listing(ours);
    const fromCli = listing(cli);
    expect(fromTar).toBe(fromCli);
    // sanity: the rules did something, in both
    const names = fromTar
      .split('\n')
      .filter((line) => /^[-dl]/.test(line))
      .map((line) => line.replace(/^\S+ \d+ /, ''));
    expect(names).toEqual(expect.arrayContaining(['./keep.log', './vendor/keep/y', './sub/a/gen-keep', './emptied', './sub/dist/d']));
    expect(names).toContain("'./link' -> 'app.js'");
    expect(fromTar).toMatch(/^-rwxr-xr-x \d+ \.\/run\.sh$/m);
    for (const gone of [
      './a.log',
      './secrets',
      './build',
      './cache',
      './dist',
      './docs/guide.md',
      './sub/a/gen-1',
      './sub/a/x.tmp',
      './vendor/drop',
      './Dockerfile',
      './.dockerignore',
    ]) {
      expect(names).not.toContain(gone);
    }
    expect(fromTar).not.toContain('node_modules');
    const info = await docker.getImage(ours).inspect();
    expect(info.Config.Labels?.[LABEL]).toBe('1');
  });

  it('reports a failing build as an errorDetail event', async () => {
    broken = new TestRepo('deploybisect-ctx-broken-');
    broken.commit('broken', { Dockerfile: `FROM ${BASE_IMAGE}\nRUN exit 3\n` });
    const ctx = await createBuildContext({ repoDir: broken.dir, commit: 'HEAD' });
    const tag = `deploybisect-test/ctx-broken:${process.pid}`;
    tags.push(tag);
    const stream = await docker.buildImage(ctx.tar, {
      t: tag,
      dockerfile: ctx.dockerfilePath,
      labels: { [LABEL]: '1' },
      rm: true,
      forcerm: true,
    });
    const events = await new Promise<Array<{ errorDetail?: { message?: string } }>>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null, output: unknown[]) =>
        error ? reject(error) : resolve(output as Array<{ errorDetail?: { message?: string } }>),
      ),
    );
    expect(events.find((event) => event.errorDetail)?.errorDetail?.message).toMatch(/returned a non-zero code: 3/);
  });
});
