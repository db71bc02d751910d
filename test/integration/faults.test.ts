/**
 * Faults around the run, on the real engine: a port the probe needs is already taken on the host
 * network (stop plainly: every commit would be judged by another process's answer), and a state
 * that cannot be written (the search goes on, and says it cannot be resumed).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LABEL_COMMIT, LABEL_SESSION } from '../../src/docker/labels.js';
import { createRepo, httpApp, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';

describe('faults around a run', () => {
  let docker: Docker;
  let server: Server;
  let port: number;
  let repo: TestRepo;
  let shas: string[];

  beforeAll(async () => {
    docker = await requireEngine();
    // Another process answers 200 on the port the app would use: a probe reaching it would pass.
    server = createServer((_, res) => res.end('someone else\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    ({ repo, shas } = createRepo([
      { subject: 'serves', changes: { Dockerfile: `${httpApp(port, 'ok')}EXPOSE ${port}\n` } },
      { subject: 'crashes', changes: { Dockerfile: shellApp('echo "boom" >&2; exit 1', `EXPOSE ${port}\n`) } },
    ]));
  });

  afterAll(() => {
    server?.close();
    repo?.remove();
  });

  it('a port the image EXPOSEs and the probe targets, already answered by another process: exit 1 naming the port, no verdict, nothing left', async () => {
    const run = await runCli([shas[0]!, shas[1]!, '--network', 'host', '--probe', `http://127.0.0.1:${port}/health`, '--json'], {
      cwd: repo.dir,
    });
    expect(run.code, run.stderr).toBe(1);
    // No verdict on stdout: with --json, the error's document.
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'infrastructure', exitCode: 1 } });
    expect(JSON.parse(run.stdout).error.message).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port}, which the image EXPOSEs`));
    const last = run.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(
      new RegExp(
        `^deploybisect: 127\\.0\\.0\\.1:${port}, which the image EXPOSEs and a probe targets, already answers before the container of [0-9a-f]{12} started`,
      ),
    );
    expect(run.stderr).not.toMatch(/ — (good|bad|skip): /);
    const left = await docker.listContainers({ all: true, filters: { label: [LABEL_SESSION] } });
    expect(left.filter((c) => shas.includes(c.Labels[LABEL_COMMIT] ?? ''))).toEqual([]);
  });

  it('a state that cannot be written: the search goes on to the culprit, and says it cannot be resumed', async () => {
    // A path under a regular file can never be created (ENOTDIR or EEXIST), as a full or read-only disk cannot be written.
    const state = `${repo.dir}/.git/HEAD/state.json`;
    const run = await runCli([shas[0]!, shas[1]!, '--network', 'none', '--probe', 'running:2s', '--state', state, '--json'], {
      cwd: repo.dir,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).culprit.sha).toBe(shas[1]);
    expect(run.stderr).toMatch(
      new RegExp(
        `cannot save the state to ${state.replace(/[/.]/g, '\\$&')} \\((ENOTDIR|EEXIST)\\): the search goes on, but cannot be resumed`,
      ),
    );
    expect(run.stderr.match(/cannot save the state/g)).toHaveLength(1);
  });
});
