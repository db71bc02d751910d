/**
 * A compose stack bisected on Podman's Docker-compatible API (scripts/podman-engine.sh) with no network
 * flag: each candidate's stack gets a network of its own, where the engine's DNS gives every service's
 * name (CNI's dnsname plugin on Debian's Podman 4.3; aardvark-dns with netavark), and web's published
 * port is reached at an ephemeral one on 127.0.0.1. The culprit renames the db service while web's
 * start script still asks for `db`: web's `wget` finds no such host and exits 1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { History } from '../fixtures/platform-history.js';
import { podmanStackHistory } from '../fixtures/stack-podman-history.js';
import { podmanHost, requirePodman } from '../helpers/docker-engine.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';
import { interruptMidStack } from '../helpers/stack-interrupt-run.js';
import { sessionObjects, watchStackObjects, type SeenObjects, type StackObjects } from '../helpers/stack-podman-objects.js';

const NOTHING: StackObjects = { containers: [], networks: [], volumes: [], images: [] };

describe('a compose stack on Podman, on a network of its own', () => {
  let podman: Docker;
  let h: History;
  let before: string;
  let run: CliRun;
  let result: any;
  let seen: SeenObjects;

  beforeAll(async () => {
    podman = await requirePodman();
    h = podmanStackHistory();
    before = h.repo.snapshot();
    const watcher = watchStackObjects(podman);
    run = await runCli([h.good, h.bad, '--docker-host', podmanHost(), '--json'], { cwd: h.repo.dir });
    seen = await watcher.stop();
    result = JSON.parse(run.stdout);
  }, 300_000);

  afterAll(() => h?.repo.remove());

  it('names the commit that renamed db while web still calls it by its old name', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`on ${podmanHost()}, network bridge`);
    expect(run.stderr).not.toContain('services must listen on distinct ports');
    expect(result.status).toBe('found');
    expect(result.culprit.sha).toBe(h.culprit);
    expect(result.culprit.outcome.phase).toBe('stack');
    expect(result.culprit.outcome.signature).toBe('web: container exited with code 1');
    expect(result.culprit.outcome.logTail).toContain("wget: bad address 'db:5480'");
    expect(result.culprit.outcome.contract.stack).toEqual(['database', 'web', 'worker']);
  });

  it('reached db by its name on the good side, and web at its published port', () => {
    const parent = result.steps.find((s: { sha: string }) => s.sha === h.shas[h.shas.indexOf(h.culprit) - 1]);
    expect(parent?.verdict).toBe('good');
    expect(parent.outcome.signature).toBe('web: tcp connection accepted on port 8080');
  });

  it("gave each stack a network and a volume of the session's, and left none of them, nor a container or image", async () => {
    const session = result.sessionId as string;
    const mine = (name: string) => name.startsWith(`deploybisect-${session}-`);
    expect([...seen.networks].filter(mine).length).toBeGreaterThan(0);
    expect([...seen.volumes].filter(mine).some((name) => name.endsWith('-volume-dbdata'))).toBe(true);
    expect(await sessionObjects(podman, session)).toEqual(NOTHING);
    expect(h.repo.snapshot()).toBe(before);
  });

  it("--jobs 2: two candidates' stacks up at once, each on its own network with the same names and ports, the same culprit", async () => {
    const watcher = watchStackObjects(podman);
    const parallel = await runCli([h.good, h.bad, '--docker-host', podmanHost(), '--jobs', '2', '--json'], { cwd: h.repo.dir });
    const during = await watcher.stop();
    expect(parallel.code, parallel.stderr).toBe(0);
    const found = JSON.parse(parallel.stdout);
    expect(found.culprit.sha).toBe(h.culprit);
    expect(found.culprit.outcome.signature).toBe('web: container exited with code 1');
    expect(during.atOnce.get(found.sessionId), 'two stacks were up together').toBe(2);
    expect(await sessionObjects(podman, found.sessionId)).toEqual(NOTHING);
  }, 180_000);

  it("Ctrl-C mid-stack removes the stack's network, volume and containers; clean --session removes what SIGKILL left", async () => {
    const cache = mkdtempSync(join(tmpdir(), 'deploybisect-stack-podman-'));
    const stop = (signal: NodeJS.Signals) =>
      interruptMidStack({
        docker: podman,
        dockerHost: podmanHost(),
        cwd: h.repo.dir,
        args: [h.good, h.bad, '--restart', '--no-cache'],
        env: { XDG_CACHE_HOME: cache },
        signal,
        service: 'db',
      });
    try {
      const interrupted = await stop('SIGINT');
      expect(interrupted.code, interrupted.stderr).toBe(130);
      expect(interrupted.up.networks, 'the stack was up').toHaveLength(1);
      expect(await sessionObjects(podman, interrupted.session)).toEqual(NOTHING);

      const killed = await stop('SIGKILL');
      expect(killed.code).toBeNull();
      const left = await sessionObjects(podman, killed.session);
      expect(left.networks).toHaveLength(1);
      expect(left.volumes.some((name) => name.endsWith('-volume-dbdata'))).toBe(true);
      expect(left.containers.length).toBeGreaterThan(0);
      const cleaned = await runCli(['clean', '--session', killed.session, '--docker-host', podmanHost()]);
      expect(cleaned.code, cleaned.stderr).toBe(0);
      expect(await sessionObjects(podman, killed.session)).toEqual(NOTHING);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
    expect(h.repo.snapshot()).toBe(before);
  }, 180_000);
});
