/**
 * `--network bridge` on a real engine that has a bridge: this project's Podman service (its
 * containers default to the host's network, but its `bridge` network exists and publishes ports;
 * the Docker test engines run with --bridge=none). The probed port is published on 127.0.0.1 at a
 * port the engine picks, and the probe's URL is rewritten to it: a server of ours holding the same
 * port on the host is never asked. The run's first line says the network mode and why.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { shellApp } from '../fixtures/app-repo.js';
import { TestRepo } from '../fixtures/git-repo.js';
import { podmanHost, requirePodman } from '../helpers/docker-engine.js';
import { freePort } from '../helpers/free-port.js';
import { runCli } from '../helpers/run-cli.js';

describe('--network bridge on an engine with a bridge (Podman)', () => {
  const repo = new TestRepo('deploybisect-bridge-');
  let port: number;
  let sha: string;
  let busy: Server;
  let asked = 0;

  beforeAll(async () => {
    await requirePodman();
    port = await freePort();
    // The same port, busy on the host: a probe that reached it would read "from the host".
    busy = createServer((_req, res) => {
      asked++;
      res.end('from the host\n');
    });
    await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
    sha = repo.commit('serve on the port', {
      Dockerfile: shellApp(
        `mkdir -p /www && echo from-the-container > /www/index.html && exec httpd -f -p ${port} -h /www`,
        `EXPOSE ${port}\n`,
      ),
    });
  }, 60_000);

  afterAll(async () => {
    await new Promise((resolve) => busy?.close(resolve));
    repo.remove();
  });

  const bridge = ['--docker-host', podmanHost(), '--network', 'bridge', '--timeout', '20s'];

  it('publishes the probed port on 127.0.0.1 and rewrites the probe URL to it; the busy host port is never asked', async () => {
    const run = await runCli(
      ['test', sha, ...bridge, '--probe', `http://127.0.0.1:${port}/`, '--expect-body', 'from-the-container', '--json'],
      {
        cwd: repo.dir,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const probe = JSON.parse(run.stdout).outcome.probes[0];
    const published = Number(/^http:\/\/127\.0\.0\.1:(\d+)\/$/.exec(probe.evidence.url)?.[1]);
    expect(published).toBeGreaterThan(0);
    expect(published).not.toBe(port);
    expect(asked).toBe(0);
  }, 120_000);

  it('the default probe (GET / on the first EXPOSEd port) goes the same way; the first line says the network mode, --verbose why', async () => {
    const run = await runCli(['test', sha, ...bridge, '--verbose'], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(`^deploybisect: session [0-9a-f]{8}: testing ${sha.slice(0, 12)} .* on ${podmanHost()}, network bridge$`, 'm'),
    );
    expect(run.stderr).toContain(
      `deploybisect: network bridge (--network bridge): probed ports are published on 127.0.0.1 at ephemeral ports`,
    );
    expect(asked).toBe(0);
  }, 120_000);
});
