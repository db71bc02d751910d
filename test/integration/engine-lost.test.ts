/**
 * The engine goes away in the middle of a run, on an engine of this test's own (started with
 * scripts/docker-engine.sh in a private directory, so no other test loses it):
 *
 * - killed (kill -9 dockerd): the run ends at once with exit 1 and one line naming the engine and
 *   saying to re-run; no verdict is made up from the failed calls; the state is kept;
 * - hung (SIGSTOP): calls that get no answer end at --engine-timeout with the same kind of message;
 * - once the engine is back, the same command removes what the lost run left, resumes from the
 *   state, and names the right culprit.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LABEL_COMMIT, LABEL_SESSION } from '../../src/docker/labels.js';
import { createRepo, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { dockerClient, ensureBaseImage } from '../helpers/docker-engine.js';
import { PrivateEngine } from '../helpers/private-engine.js';
import { BIN, runCli } from '../helpers/run-cli.js';

const engine = new PrivateEngine('/var/tmp/deploybisect-engine-lost');
const startEngine = (): string => engine.start();
const dockerdPid = (): number => engine.pid();

describe('a run whose engine is lost', () => {
  let host: string;
  let docker: Docker;
  let repo: TestRepo;
  let shas: string[];
  const culpritIndex = 6;
  const cache = mkdtempSync(join(tmpdir(), 'deploybisect-lost-'));
  const env = { XDG_CACHE_HOME: cache };
  const args = (...extra: string[]) => [
    shas[0]!,
    shas[9]!,
    '--docker-host',
    host,
    '--network',
    'none',
    '--probe',
    'running:4s',
    '--no-cache',
    // git's halving with both ends checked first: the loss is staged after those two verdicts.
    '--prior',
    'uniform',
    ...extra,
  ];

  beforeAll(async () => {
    host = startEngine();
    docker = dockerClient(host);
    await ensureBaseImage(docker);
    // The engine is this file's alone: whatever an earlier, failed attempt of the test left goes first.
    const cleaned = await runCli(['clean', '--all', '--docker-host', host]);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    ({ repo, shas } = createRepo(
      Array.from({ length: 10 }, (_, i) => ({
        subject: `release ${i}`,
        changes: {
          Dockerfile:
            i >= culpritIndex ? shellApp(`echo "release ${i}: no config" >&2; exit 3`) : shellApp(`echo "release ${i} up"; sleep 120`),
        },
      })),
    ));
  }, 120_000);

  afterAll(() => {
    try {
      process.kill(dockerdPid(), 'SIGCONT');
    } catch {
      /* not stopped */
    }
    repo?.remove();
    rmSync(cache, { recursive: true, force: true });
  });

  /**
   * Starts a run; once it has printed `verdicts` verdicts and a container of the next commit is
   * running (its probe under way, past the build), does `act` to the engine.
   */
  async function runUntil(
    verdicts: number,
    act: () => void,
    extra: string[] = [],
  ): Promise<{ code: number | null; stderr: string; elapsedAfterActMs: number }> {
    const child = spawn(BIN, args(...extra), {
      cwd: repo.dir,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let closed = false;
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code) => {
        closed = true;
        resolve(code);
      }),
    );
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    for (;;) {
      if (closed) break;
      const judged = (stderr.match(/ — (good|bad|skip): /g) ?? []).length;
      if (judged >= verdicts) {
        const running = await docker.listContainers({ filters: { label: [LABEL_SESSION], status: ['running'] } });
        if (running.some((c) => ours(c.Labels))) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const acted = Date.now();
    act();
    const code = await exited;
    return { code, stderr, elapsedAfterActMs: Date.now() - acted };
  }

  /** Made for one of this test's commits (a failed earlier attempt of the test may have left others). */
  const ours = (labels: Record<string, string> | undefined | null) => shas.includes(labels?.[LABEL_COMMIT] ?? '');

  async function labelled(): Promise<number> {
    const containers = await docker.listContainers({ all: true, filters: { label: [LABEL_SESSION] } });
    const images = await docker.listImages({ filters: { label: [LABEL_SESSION] } });
    return containers.filter((c) => ours(c.Labels)).length + images.filter((i) => ours(i.Labels)).length;
  }

  it('killed: exit 1 naming the engine and to re-run; back again, the same command reaps what was left and resumes', async () => {
    const lost = await runUntil(2, () => process.kill(dockerdPid(), 'SIGKILL'));
    expect(lost.code, lost.stderr).toBe(1);
    const last = lost.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(new RegExp(`^deploybisect: lost the Docker engine at ${host.replace(/[/.]/g, '\\$&')} \\((ECONNREFUSED|ENOENT)`));
    expect(last).toContain('re-run the same command to resume');
    expect(lost.stderr).toContain(`could not reach ${host} to remove this run's containers and images`);
    // The commit under test got no verdict from the failed calls.
    expect((lost.stderr.match(/ — (good|bad|skip): /g) ?? []).length).toBe(2);
    expect(lost.elapsedAfterActMs).toBeLessThan(15_000);

    host = startEngine();
    expect(await labelled(), 'the lost run left its image (and container) on the engine').toBeGreaterThan(0);
    const resumed = await runCli([...args(), '--json'], { cwd: repo.dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming: 2 runs already known/);
    expect(resumed.stderr).toMatch(/removed \d+ containers? and \d+ images? left by an earlier run of this search \(session [0-9a-f]{8}\)/);
    const result = JSON.parse(resumed.stdout);
    expect(result.culprit.sha).toBe(shas[culpritIndex]);
    expect(await labelled()).toBe(0);
  }, 240_000);

  it('hung: an engine call with no answer ends the run at --engine-timeout; the next run resumes', async () => {
    const hung = await runUntil(1, () => process.kill(dockerdPid(), 'SIGSTOP'), ['--engine-timeout', '3s', '--restart']);
    process.kill(dockerdPid(), 'SIGCONT');
    expect(hung.code, hung.stderr).toBe(1);
    const last = hung.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(
      new RegExp(
        `^deploybisect: the Docker engine at ${host.replace(/[/.]/g, '\\$&')} did not answer (GET|POST|DELETE) \\S+ within 3(\\.0)?s \\(--engine-timeout\\)`,
      ),
    );
    // 3 s for the call, up to 5 s for the cleanup's ping, and the rest of the probe's poll.
    expect(hung.elapsedAfterActMs).toBeLessThan(20_000);

    const resumed = await runCli([...args(), '--json'], { cwd: repo.dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming: \d+ runs? already known/);
    expect(JSON.parse(resumed.stdout).culprit.sha).toBe(shas[culpritIndex]);
    expect(await labelled()).toBe(0);
  }, 240_000);
});
