/**
 * A base image that moves under the same tag (re-tagged to a broken build) is another deployment:
 * the verdict cache is keyed by the image each FROM resolves to, so `test HEAD` and `nightly` see
 * the breakage without --no-cache; an outcome that is reused says so, and since when.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TestRepo } from '../fixtures/git-repo.js';
import { BASE_IMAGE, requireEngine } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';

const TAG = `deploybisect-test/drift-${process.pid}`;
const LABEL = 'deploybisect.test';

/** An image FROM the test base, with or without the file the app needs, tagged `tag`. */
async function buildBase(docker: Docker, tag: string, healthy: boolean): Promise<void> {
  const { default: tar } = await import('tar-stream');
  const pack = tar.pack();
  const lines = [`FROM ${BASE_IMAGE}`, healthy ? 'RUN echo ok > /base-ok' : 'RUN echo broken > /base-broken'];
  pack.entry({ name: 'Dockerfile' }, `${lines.join('\n')}\n`);
  pack.finalize();
  const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, {
    t: tag,
    labels: { [LABEL]: 'drift' },
    rm: true,
    forcerm: true,
  });
  const events = await new Promise<Array<{ errorDetail?: { message?: string } }>>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, output: unknown[]) => (error ? reject(error) : resolve(output as never))),
  );
  const failure = events.find((e) => e.errorDetail);
  if (failure) throw new Error(`base build failed: ${failure.errorDetail?.message}`);
}

describe('a base image re-tagged under the same name', () => {
  let docker: Docker;
  let repo: TestRepo;
  const cache = mkdtempSync(join(tmpdir(), 'deploybisect-drift-cache-'));
  const options = ['--network', 'none', '--probe', 'running:2s'];
  const env = { XDG_CACHE_HOME: cache };

  beforeAll(async () => {
    docker = await requireEngine();
    await buildBase(docker, `${TAG}:good`, true);
    await buildBase(docker, `${TAG}:broken`, false);
    await docker.getImage(`${TAG}:good`).tag({ repo: TAG, tag: 'stable' });
    repo = new TestRepo('deploybisect-drift-');
    repo.commit('app', { Dockerfile: `FROM ${TAG}:stable\nCMD ["sh", "-c", "test -f /base-ok || exit 3; sleep 60"]\n` });
  }, 120_000);

  afterAll(async () => {
    repo?.remove();
    rmSync(cache, { recursive: true, force: true });
    for (const tag of ['stable', 'good', 'broken'])
      await docker
        ?.getImage(`${TAG}:${tag}`)
        .remove({ force: true })
        .catch(() => undefined);
  });

  it('test HEAD: healthy, then reused from the cache with its date, then unhealthy once the tag moves', async () => {
    const first = await runCli(['test', 'HEAD', ...options], { cwd: repo.dir, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).not.toContain('cached');

    const again = await runCli(['test', 'HEAD', ...options], { cwd: repo.dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^healthy: .* \(cached \d{4}-\d\d-\d\d \d\d:\d\d; --no-cache to re-check\)$/m);

    await docker.getImage(`${TAG}:broken`).tag({ repo: TAG, tag: 'stable' });
    const moved = await runCli(['test', 'HEAD', ...options], { cwd: repo.dir, env });
    expect(moved.code, moved.stdout + moved.stderr).toBe(1);
    expect(moved.stdout).toMatch(/^unhealthy: /m);
    expect(moved.stdout).not.toContain('cached');
    await docker.getImage(`${TAG}:good`).tag({ repo: TAG, tag: 'stable' });
  }, 180_000);

  it('nightly: a healthy night is recorded; after the tag moves, the same commit is reported broken', async () => {
    const healthy = await runCli(['nightly', 'HEAD', ...options], { cwd: repo.dir, env });
    expect(healthy.code, healthy.stderr).toBe(0);
    expect(healthy.stdout).toMatch(/healthy .*last known good is now/);

    await docker.getImage(`${TAG}:broken`).tag({ repo: TAG, tag: 'stable' });
    const broken = await runCli(['nightly', 'HEAD', ...options], { cwd: repo.dir, env });
    expect(broken.code, broken.stdout + broken.stderr).toBe(4);
    expect(broken.stderr).toMatch(/the last known good, is broken now .*outside the repository \(a base image/);
  }, 180_000);
});
