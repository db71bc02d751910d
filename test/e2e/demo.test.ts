/**
 * `deploybisect demo`, as a newcomer runs it: the README's story written to a temporary repository,
 * built from the host's busybox (nothing pulled), bisected on the engine, the real report printed;
 * with no engine, one line saying how to get one (in a checkout: the script that starts one).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requireEngine } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';

describe('deploybisect demo', () => {
  it('bisects the story on the engine and prints the real report', async () => {
    await requireEngine();
    const run = await runCli(['demo']);
    const dir = /The repository stays in (\S+) for a look/.exec(run.stdout)?.[1];
    try {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/the story's repository is \S+ \(13 commits, built from .*nothing is pulled\)/);
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
      /^deploybisect: the demo needs a Docker engine: cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker\.sock \(ENOENT\); in this checkout, `bash \S+\/scripts\/docker-engine\.sh` starts a private engine/,
    );
    expect(run.stdout).toBe('');
  });
});
