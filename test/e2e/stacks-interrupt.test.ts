/**
 * A compose stack's search interrupted while a candidate's stack is up, on the Docker engine's host
 * network, then run again with the same command. SIGINT: exit 130 saying the verdicts are saved, and
 * the stack's containers, volumes and images gone. SIGKILL: what was up stays, and the re-run removes
 * it. Either way the re-run resumes from the saved verdicts, builds no commit already judged, and
 * names the culprit with nothing left afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { History } from '../fixtures/platform-history.js';
import { interruptStackHistory } from '../fixtures/stack-interrupt-history.js';
import { requireEngine, testDockerHost } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';
import { interruptMidStack, type Interrupted } from '../helpers/stack-interrupt-run.js';
import { sessionObjects, type StackObjects } from '../helpers/stack-podman-objects.js';

const NOTHING: StackObjects = { containers: [], networks: [], volumes: [], images: [] };

describe('a compose stack interrupted mid-stack resumes', () => {
  let docker: Docker;
  let h: History;
  let before: string;
  const caches: string[] = [];
  // --no-cache: what the re-run knows comes from the saved search state, not the verdict cache.
  const args = () => [h.good, h.bad, '--network', 'host', '--no-cache'];

  beforeAll(async () => {
    docker = await requireEngine();
    h = interruptStackHistory();
    before = h.repo.snapshot();
  });
  afterAll(() => {
    h?.repo.remove();
    for (const cache of caches) rmSync(cache, { recursive: true, force: true });
  });

  function newCache(): NodeJS.ProcessEnv {
    const cache = mkdtempSync(join(tmpdir(), 'deploybisect-stack-interrupt-'));
    caches.push(cache);
    return { XDG_CACHE_HOME: cache };
  }

  const interrupt = (signal: NodeJS.Signals, env: NodeJS.ProcessEnv): Promise<Interrupted> =>
    interruptMidStack({ docker, dockerHost: testDockerHost(), cwd: h.repo.dir, args: args(), env, signal, service: 'db' });

  /** The same command again, to its end: resumes from the saved verdicts and names the culprit without building a judged commit again. */
  async function resume(env: NodeJS.ProcessEnv, judged: number): Promise<{ stderr: string; result: any }> {
    const run = await runCli([...args(), '--json'], { cwd: h.repo.dir, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`resuming: ${judged} runs? already known from `));
    const result = JSON.parse(run.stdout);
    expect(result.culprit.sha).toBe(h.culprit);
    expect(result.culprit.outcome.signature).toBe('web: container exited with code 1');
    expect(result.culprit.outcome.logTail).toContain('web: cannot reach the database at http://db:18719');
    const replayed = result.steps.filter((s: { outcome: { reused?: string } }) => s.outcome.reused === 'state');
    expect(replayed.length).toBe(judged);
    expect(result.resume.replayedRuns).toBe(judged);
    // One image per candidate (web; db runs the engine's image): built for the steps judged now, none for those replayed.
    expect(result.resume.builds).toBe(result.steps.length - judged);
    const verdicts = run.stderr.match(/ — (good|bad|skip): .*$/gm) ?? [];
    const saved = verdicts.filter((line) => line.endsWith('(from the saved state of this search)'));
    expect([saved.length, verdicts.length]).toEqual([judged, result.steps.length]);
    expect(await sessionObjects(docker, result.sessionId)).toEqual(NOTHING);
    return { stderr: run.stderr, result };
  }

  it('SIGINT: exit 130, the stack removed; the same command resumes, builds nothing judged, names the culprit', async () => {
    const env = newCache();
    const stopped = await interrupt('SIGINT', env);
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(new RegExp(`interrupted: ${stopped.verdicts} verdicts? saved; run the same command again to resume`));
    expect(stopped.up.containers.length, 'a stack was up when interrupted').toBeGreaterThan(0);
    expect(stopped.up.volumes.some((v) => v.endsWith('-volume-dbdata'))).toBe(true);
    expect(await sessionObjects(docker, stopped.session)).toEqual(NOTHING);

    await resume(env, stopped.verdicts);
    expect(h.repo.snapshot()).toBe(before);
  }, 180_000);

  it('SIGKILL: the stack stays; the same command removes it, resumes, builds nothing judged, names the culprit', async () => {
    const env = newCache();
    const killed = await interrupt('SIGKILL', env);
    expect(killed.code).toBeNull();
    const left = await sessionObjects(docker, killed.session);
    expect(left.containers.length, 'SIGKILL leaves the stack that was up').toBeGreaterThan(0);
    expect(left.volumes.some((v) => v.endsWith('-volume-dbdata'))).toBe(true);

    const { stderr } = await resume(env, killed.verdicts);
    expect(stderr).toMatch(
      new RegExp(
        `removed \\d+ containers?, \\d+ images? and \\d+ volumes? left by an earlier run of this search \\(session ${killed.session}\\)`,
      ),
    );
    expect(await sessionObjects(docker, killed.session)).toEqual(NOTHING);
    expect(h.repo.snapshot()).toBe(before);
  }, 180_000);
});
