/** Several engines (--docker-host repeated) and kept images (--keep-images), through the CLI on real engines. */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRepo, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine, requireSecondEngine, secondDockerHost, testDockerHost } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';

const HEALTHY = shellApp('echo up; sleep 60');
const CRASHES = shellApp('echo "fatal: no config" >&2; exit 3');

async function labelled(docker: Docker, sessionId: string): Promise<{ containers: number; images: number }> {
  const filters = { label: [`deploybisect.session=${sessionId}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const images = await docker.listImages({ filters });
  return { containers: containers.length, images: images.length };
}

describe('several engines and kept images', () => {
  let repo: TestRepo;
  let shas: string[];
  let first: Docker;
  let second: Docker;
  const culpritIndex = 5;

  beforeAll(async () => {
    [first, second] = await Promise.all([requireEngine(), requireSecondEngine()]);
    ({ repo, shas } = createRepo(
      Array.from({ length: 9 }, (_, i) => ({
        subject: `commit ${i}`,
        changes: { Dockerfile: i >= culpritIndex ? CRASHES : HEALTHY, 'version.txt': `${i}\n` },
      })),
    ));
  });
  afterAll(() => repo?.remove());

  it('--docker-host twice spreads the builds over both engines (two at a time by default) and cleans up on both', async () => {
    const result = await runCli(
      [
        shas[0]!,
        shas[8]!,
        '--docker-host',
        testDockerHost(),
        '--docker-host',
        secondDockerHost(),
        '--network',
        'none',
        '--probe',
        'running:1s',
        '--no-cache',
        '--json',
      ],
      { cwd: repo.dir },
    );
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.culprit.sha).toBe(shas[culpritIndex]);
    const engines = new Set(
      json.steps
        .filter((s: { outcome: { built: boolean } }) => s.outcome.built)
        .map((s: { outcome: { engine: string } }) => s.outcome.engine),
    );
    expect([...engines].sort()).toEqual([testDockerHost(), secondDockerHost()].sort());
    expect(await labelled(first, json.sessionId)).toEqual({ containers: 0, images: 0 });
    expect(await labelled(second, json.sessionId)).toEqual({ containers: 0, images: 0 });
  });

  it('--keep-images keeps the image, and a later run with other probe settings probes it without building', async () => {
    const args = (timeout: string) => [
      'test',
      shas[culpritIndex - 1]!,
      '--network',
      'none',
      '--probe',
      'running:1s',
      '--timeout',
      timeout,
      '--keep-images',
      '--json',
    ];
    const kept = await runCli(args('20s'), { cwd: repo.dir });
    expect(kept.code, kept.stderr).toBe(0);
    const keptJson = JSON.parse(kept.stdout);
    expect(keptJson.builds).toBe(1);
    expect(await labelled(first, keptJson.sessionId)).toEqual({ containers: 0, images: 1 });

    // Another --timeout misses the verdict cache; the kept image is probed instead of built.
    const reused = await runCli(args('21s'), { cwd: repo.dir });
    expect(reused.code, reused.stderr).toBe(0);
    const reusedJson = JSON.parse(reused.stdout);
    expect(reusedJson.builds).toBe(0);
    expect(reusedJson.outcome.imageReused).toBe(true);
    expect(reusedJson.outcome.imageId).toBe(keptJson.outcome.imageId);
    expect(reusedJson.outcome.ok).toBe(true);

    // Without --keep-images nothing is reused, and the build is removed again.
    const fresh = await runCli(
      ['test', shas[culpritIndex - 1]!, '--network', 'none', '--probe', 'running:1s', '--timeout', '22s', '--json'],
      { cwd: repo.dir },
    );
    expect(JSON.parse(fresh.stdout).builds).toBe(1);

    const cleaned = await runCli(['clean', '--session', keptJson.sessionId, '--json']);
    expect(JSON.parse(cleaned.stdout)).toMatchObject({ status: 'removed', containers: 0, images: 1, networks: 0, volumes: 0 });
    expect(await labelled(first, keptJson.sessionId)).toEqual({ containers: 0, images: 0 });
  });

  it('an engine that does not answer stops the run with its endpoint', async () => {
    const result = await runCli(
      [shas[0]!, shas[8]!, '--docker-host', testDockerHost(), '--docker-host', 'unix:///nonexistent/docker.sock'],
      { cwd: repo.dir },
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^deploybisect: cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker\.sock \(ENOENT\)/,
    );
  });
});
