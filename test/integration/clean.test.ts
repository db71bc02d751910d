/**
 * `clean` on an engine shared by several runs: with what two sessions left (a container, an image,
 * a network and a volume each; one session's image made six years ago), on an engine of this
 * file's own (a `clean --all` here must not reap the runs of other test files), through the built
 * CLI: without --session or --all and without a terminal it removes nothing and exits 2; on a
 * terminal it asks; --dry-run lists; --session removes one session's objects only; --all removes
 * every session's; --older-than keeps the newer one; --docker-host repeated cleans each engine.
 *
 * The test engine runs with --bridge=none; a user-defined network with the `bridge` driver can
 * still be made there (the `null` driver allows one network only: the engine's own `none`).
 */
import { spawn } from 'node:child_process';
import type Docker from 'dockerode';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { dockerClient, requireEngine, testDockerHost } from '../helpers/docker-engine.js';
import { PrivateEngine } from '../helpers/private-engine.js';
import { BIN, runCli } from '../helpers/run-cli.js';
import { leaveSession, newSessionId, removeSessions, sessionCounts } from '../helpers/session-objects.js';

const engine = new PrivateEngine('/var/tmp/deploybisect-engine-clean');
const ONE_OF_EACH = { containers: 1, images: 1, networks: 1, volumes: 1 };
const SIX_YEARS_AGO = new Date(Date.now() - 6 * 365 * 24 * 3600_000);

describe('clean on an engine with the objects of two sessions', () => {
  let host: string;
  let docker: Docker;
  /** The older session (its image is six years old) and the newer one. */
  let old: string;
  let recent: string;
  const clean = (...args: string[]) => runCli(['clean', '--docker-host', host, ...args]);

  beforeAll(async () => {
    host = engine.start();
    docker = dockerClient(host);
    await docker.ping();
    // Something of no session's, which clean never touches.
    await docker.createVolume({ Name: 'not-deploybisects', Labels: { 'deploybisect.test': 'keep' } });
  }, 120_000);

  afterAll(() => engine.stop());

  beforeEach(async () => {
    await removeSessions(docker);
    [old, recent] = [newSessionId(), newSessionId()];
    await leaveSession(docker, old, SIX_YEARS_AGO);
    await leaveSession(docker, recent);
    expect(await sessionCounts(docker)).toEqual({ [old]: ONE_OF_EACH, [recent]: ONE_OF_EACH });
  }, 60_000);

  it('without --session or --all, and no terminal: lists both sessions, removes nothing and exits 2 with one line', async () => {
    const run = await clean();
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      'deploybisect: not on a terminal, so not asking: pass --all to remove every session listed, or --session <id> to remove one (--dry-run only lists)',
    ]);
    // Oldest first, with its age and what it holds.
    expect(run.stdout).toMatch(
      new RegExp(
        `^2 sessions left by deploybisect on ${host}:\n  ${old}  (2[12]\\d\\dd\\d\\dh) old +1 container, 1 image, 1 network and 1 volume\n  ${recent}  \\ds old +1 container`,
      ),
    );
    expect(await sessionCounts(docker)).toEqual({ [old]: ONE_OF_EACH, [recent]: ONE_OF_EACH });

    // --json and --quiet have no list to show: the same refusal, before the engine is asked anything (with --json, as the document).
    for (const flag of ['--json', '--quiet']) {
      const quiet = await clean(flag);
      expect(quiet.code, quiet.stderr).toBe(2);
      if (flag === '--json')
        expect(JSON.parse(quiet.stdout).error).toMatchObject({ code: 'usage', message: expect.stringContaining('pass --all') });
      else expect(quiet.stdout).toBe('');
      expect(quiet.stderr).toContain('pass --all');
    }
    // --older-than alone is no scope either.
    expect((await clean('--older-than', '1h')).code).toBe(2);
    expect(await sessionCounts(docker)).toEqual({ [old]: ONE_OF_EACH, [recent]: ONE_OF_EACH });
  });

  it('--all --dry-run lists both sessions and removes nothing', async () => {
    const run = await clean('--all', '--dry-run');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`  ${old}  `);
    expect(run.stdout).toContain(`  ${recent}  `);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(
      'dry run: would remove 2 containers, 2 images, 2 networks and 2 volumes of 2 sessions; nothing removed',
    );

    const json = await clean('--all', '--dry-run', '--json');
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result).toMatchObject({ status: 'dry-run', containers: 0, images: 0, networks: 0, volumes: 0, kept: [] });
    expect(result.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([old, recent]);
    expect(result.sessions[0]).toMatchObject({ ...ONE_OF_EACH, running: 0, createdAt: SIX_YEARS_AGO.toISOString().slice(0, 19) + '.000Z' });
    expect(result.sessions[1].ageMs).toBeLessThan(60_000);
    expect(result.sessions[1].engines).toEqual([{ endpoint: host, ...ONE_OF_EACH }]);
    expect(await sessionCounts(docker)).toEqual({ [old]: ONE_OF_EACH, [recent]: ONE_OF_EACH });
  });

  it("--session removes that session's objects only", async () => {
    const run = await clean('--session', old, '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ status: 'removed', ...ONE_OF_EACH });
    expect(result.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([old]);
    expect(await sessionCounts(docker)).toEqual({ [recent]: ONE_OF_EACH });
  });

  it("--all removes every session's objects, and nothing else", async () => {
    const run = await clean('--all');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('removed 2 containers, 2 images, 2 networks and 2 volumes of 2 sessions');
    expect(await sessionCounts(docker)).toEqual({});
    expect((await docker.getVolume('not-deploybisects').inspect()).Name).toBe('not-deploybisects');
  });

  it('--older-than keeps the newer session (a session is as old as its oldest object)', async () => {
    const run = await clean('--all', '--older-than', '1d');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`  ${recent}  .*\\(kept: newer than --older-than 1d\\)`));
    expect(run.stdout.trim().split('\n').at(-1)).toBe('removed 1 container, 1 image, 1 network and 1 volume of 1 session');
    expect(await sessionCounts(docker)).toEqual({ [recent]: ONE_OF_EACH });
  });

  it('on a terminal, asks: "n" removes nothing, "y" removes both sessions', async () => {
    const declined = await cleanOnTerminal(host, 'n');
    expect(declined.code, declined.output).toBe(0);
    expect(declined.output).toContain('remove 2 containers, 2 images, 2 networks and 2 volumes of these 2 sessions? [y/N]');
    expect(declined.output).toContain('nothing removed');
    expect(await sessionCounts(docker)).toEqual({ [old]: ONE_OF_EACH, [recent]: ONE_OF_EACH });

    const accepted = await cleanOnTerminal(host, 'y');
    expect(accepted.code, accepted.output).toBe(0);
    expect(accepted.output).toContain('removed 2 containers, 2 images, 2 networks and 2 volumes of 2 sessions');
    expect(await sessionCounts(docker)).toEqual({});
  });

  it('--docker-host repeated cleans the session on each engine', async () => {
    const shared = await requireEngine();
    // On the engine other tests share, only a session of this test's own is made and removed.
    await leaveSession(shared, old);
    try {
      const run = await clean('--docker-host', testDockerHost(), '--session', old, '--json');
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result).toMatchObject({ status: 'removed', containers: 2, images: 2, networks: 2, volumes: 2 });
      expect(result.sessions[0].engines.map((e: { endpoint: string }) => e.endpoint).sort()).toEqual([host, testDockerHost()].sort());
      expect((await sessionCounts(shared))[old]).toBeUndefined();
      expect(await sessionCounts(docker)).toEqual({ [recent]: ONE_OF_EACH });
    } finally {
      await removeSessions(shared, old);
    }
  });
});

/**
 * `clean` under a pseudo-terminal (util-linux `script`), answering the question with `answer`
 * once it is asked; the exit code and everything the terminal showed.
 */
function cleanOnTerminal(host: string, answer: string): Promise<{ code: number | null; output: string }> {
  const child = spawn('script', ['-qec', `${BIN} clean --docker-host ${host}`, '/dev/null'], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let answered = false;
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.stdout.on('data', (data: Buffer) => {
    output += data.toString();
    if (!answered && output.includes('[y/N]')) {
      answered = true;
      child.stdin.end(`${answer}\n`);
    }
  });
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
