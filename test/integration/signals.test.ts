/** Ctrl-C and SIGTERM in the middle of a run: every container and image of the run is removed. */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';

import { LABEL_SESSION } from '../../src/docker/labels.js';
import { createRepo, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine, testDockerHost } from '../helpers/docker-engine.js';
import { CLI } from '../helpers/run-cli.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s during a run', (signal, exitCode) => {
  it(`exits ${exitCode} and leaves nothing labelled behind`, async () => {
    const docker = await requireEngine();
    const { repo, shas } = createRepo(
      ['one', 'two', 'three', 'four'].map((n, i) => ({
        subject: n,
        changes: { Dockerfile: shellApp(i < 3 ? 'sleep 120' : 'exit 1'), [`${n}.txt`]: n },
      })),
    );
    repos.push(repo);
    const before = repo.snapshot();
    const child = spawn(
      process.execPath,
      [CLI, shas[0]!, shas[3]!, '--network', 'none', '--probe', 'running:60s', '--timeout', '90s', '--no-cache'],
      {
        cwd: repo.dir,
        env: { ...process.env, DOCKER_HOST: testDockerHost() },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

    // Wait until a container of this run is up and being probed, then interrupt.
    let session: string | undefined;
    for (let i = 0; i < 200 && !session; i++) {
      const list = await docker.listContainers({ filters: { label: [LABEL_SESSION] } });
      session = list.find((c) => shas.includes(c.Labels['deploybisect.commit'] ?? ''))?.Labels[LABEL_SESSION];
      if (!session) await new Promise((r) => setTimeout(r, 150));
    }
    expect(session, stderr).toBeDefined();
    child.kill(signal);
    expect(await exited, stderr).toBe(exitCode);
    // It says how the run can go on, and what it removed.
    expect(stderr).toMatch(
      /^deploybisect: (interrupted|terminated): \d+ verdicts? saved; run the same command again to resume \((Ctrl-C again to leave now|a second signal leaves now)\)$/m,
    );
    expect(stderr).toMatch(/^deploybisect: removed \d+ containers? and \d+ images?$/m);

    const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL_SESSION}=${session}`] } });
    expect(containers).toEqual([]);
    const images = await docker.listImages({ filters: { label: [`${LABEL_SESSION}=${session}`] } });
    expect(images).toEqual([]);
    expect(repo.snapshot()).toBe(before);
  });
});

describe('a second Ctrl-C', () => {
  it('leaves at once, naming what it left and the clean command that removes it', async () => {
    const docker = await requireEngine();
    const { repo, shas } = createRepo(
      ['one', 'two', 'three'].map((n, i) => ({
        subject: n,
        changes: { Dockerfile: shellApp(i < 2 ? 'sleep 120' : 'exit 1'), [`${n}.txt`]: n },
      })),
    );
    repos.push(repo);
    const child = spawn(
      process.execPath,
      [CLI, shas[0]!, shas[2]!, '--network', 'none', '--probe', 'running:60s', '--timeout', '90s', '--no-cache', '--prior', 'uniform'],
      { cwd: repo.dir, env: { ...process.env, DOCKER_HOST: testDockerHost() }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let session: string | undefined;
    for (let i = 0; i < 200 && !session; i++) {
      const list = await docker.listContainers({ filters: { label: [LABEL_SESSION] } });
      session = list.find((c) => shas.includes(c.Labels['deploybisect.commit'] ?? ''))?.Labels[LABEL_SESSION];
      if (!session) await new Promise((r) => setTimeout(r, 150));
    }
    expect(session, stderr).toBeDefined();
    // The first line names the session.
    expect(stderr).toMatch(
      new RegExp(`^deploybisect: session ${session}: bisecting 2 commits \\(2 change the build context\\) between `, 'm'),
    );
    child.kill('SIGINT');
    // The second once the first was taken (two signals at once are one).
    for (let i = 0; i < 100 && !/interrupted:/.test(stderr); i++) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(stderr).toMatch(
      new RegExp(
        `^deploybisect: left now: (\\d+ containers? and \\d+ images? of session ${session} are still on the engine|session ${session} may have left containers or images on the engine); \`deploybisect clean --session ${session}\` removes them$`,
        'm',
      ),
    );
    const clean = spawn(process.execPath, [CLI, 'clean', '--session', session!], {
      env: { ...process.env, DOCKER_HOST: testDockerHost() },
      stdio: 'ignore',
    });
    expect(await new Promise((resolve) => clean.on('close', resolve))).toBe(0);
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL_SESSION}=${session}`] } });
    expect(left).toEqual([]);
  }, 120_000);
});
