/**
 * `deploybisect demo`, as a newcomer runs it: the README's story written to a temporary repository,
 * built from the host's busybox (nothing pulled), bisected on the engine, the real report printed;
 * with no engine, one line saying how to get one (in a checkout: the script that starts one).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { requireEngine } from '../helpers/docker-engine.js';
import { PrivateEngine } from '../helpers/private-engine.js';
import { CLI, runCli } from '../helpers/run-cli.js';

/** The story's directory named by the demo's last line, removed. */
function removeStory(stdout: string): void {
  const dir = /The repository stays in (\S+) for a look/.exec(stdout)?.[1];
  if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

describe('deploybisect demo', () => {
  it('bisects the story on the engine and prints the real report', async () => {
    await requireEngine();
    const run = await runCli(['demo']);
    const dir = /The repository stays in (\S+) for a look/.exec(run.stdout)?.[1];
    try {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/the story's repository is \S+ \(13 commits, built from .*nothing is pulled\)/);
      // An engine answers (DOCKER_HOST): it is used, and nothing is started.
      expect(run.stderr).not.toMatch(/private engine/);
      expect(run.stdout).toContain('First bad commit:');
      expect(run.stdout).toContain('Replace supervisord with a start script');
      expect(run.stdout).toContain(
        'Likely cause: The output says "FileNotFoundError: [Errno 2] No such file or directory: \'/app/logs/app.log\'"',
      );
      expect(dir).toBeDefined();
      const report = readFileSync(`${dir}/deploybisect-report.md`, 'utf8');
      expect(report).toContain('# deploybisect: First bad commit:');
    } finally {
      if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it("with no engine: exit 1, and how to get one (this checkout's script)", async () => {
    const run = await runCli(['demo'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(run.code).toBe(1);
    const line = run.stderr.trim().split('\n').at(-1)!;
    expect(line).toMatch(
      /^deploybisect: the demo needs a Docker engine: cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker\.sock \(ENOENT\); `bash \S+\/scripts\/docker-engine\.sh` starts a private engine .*`deploybisect doctor`/,
    );
    expect(run.stdout).toBe('');
  });

  it('where it cannot start an engine (not root; or no dockerd and no apt-get): exit 1 and exactly what to install, nothing started', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: tmpdir(), NO_COLOR: '1' };
    delete env.DOCKER_HOST;
    delete env.DOCKER_CONTEXT;
    const demo = (argv: string[], extra: NodeJS.ProcessEnv = {}) =>
      spawnSync(argv[0]!, argv.slice(1), { cwd: tmpdir(), env: { ...env, ...extra }, encoding: 'utf8' });
    const noEngine =
      'deploybisect: the demo needs a Docker engine: cannot reach the Docker engine at unix:///var/run/docker.sock (ENOENT); ';
    const apt =
      'install Docker: `sudo apt-get install docker.io && sudo systemctl start docker` (then add yourself to the docker group, or run the demo as root)';
    // Not root: as the user nobody when the tests run as root (and nobody can read this checkout), else as the user running them.
    const root = process.getuid?.() === 0;
    const nobodyReads = root && spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', CLI]).status === 0;
    if (!root || nobodyReads) {
      const run = demo(root ? ['runuser', '-u', 'nobody', '--', process.execPath, CLI, 'demo'] : [process.execPath, CLI, 'demo']);
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe(`${noEngine}${apt}; as root, the demo starts a private engine by itself`);
    }
    // Neither dockerd nor apt-get on PATH.
    const bare = demo([process.execPath, CLI, 'demo'], { PATH: '/nonexistent' });
    expect(bare.status).toBe(1);
    const distro = "install Docker Engine with your distribution's package manager (https://docs.docker.com/engine/install/) and start it";
    expect(bare.stderr.trim()).toBe(
      `${noEngine}${distro}${root ? ' (the private engine needs dockerd, or apt-get to install it)' : '; as root, the demo starts a private engine by itself'}`,
    );
  });

  describe('as a newcomer types it: no DOCKER_HOST, no docker context, nothing on the default socket', () => {
    const engineDir = `/var/tmp/deploybisect-engine-demo-${process.pid}`;
    const home = mkdtempSync(join(tmpdir(), 'deploybisect-home-'));
    const newcomer = { DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined, HOME: home, DEPLOYBISECT_ENGINE_DIR: engineDir };
    afterAll(() => {
      new PrivateEngine(engineDir).stop();
      rmSync(engineDir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    });

    it('starts the private engine, says so in one line with how to stop it, and finds the culprit; a second run reuses it', async () => {
      const first = await runCli(['demo'], { env: newcomer });
      removeStory(first.stdout);
      expect(first.code, first.stderr).toBe(0);
      const said = first.stderr.split('\n').filter((l) => /private engine/.test(l));
      expect(said).toEqual([
        `deploybisect: no Docker engine answers on the default socket, so the demo started the project's private engine at unix://${engineDir}/docker.sock (stop it with \`DEPLOYBISECT_ENGINE_DIR=${engineDir} bash ${join(import.meta.dirname, '..', '..', 'scripts', 'docker-engine.sh')} --stop\`)`,
      ]);
      expect(first.stdout).toMatch(/First bad commit: [0-9a-f]{40}\n {2}Replace supervisord with a start script/);
      const pid = new PrivateEngine(engineDir).pid();

      const second = await runCli(['demo'], { env: newcomer });
      removeStory(second.stdout);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toMatch(/so the demo reuses the project's private engine at /);
      expect(new PrivateEngine(engineDir).pid()).toBe(pid);
    }, 300_000);
  });
});
