/** Bad input: one clear line on stderr and exit 2; an unreachable engine: exit 1. Nothing touched. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRepo, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { runCli } from '../helpers/run-cli.js';

describe('command-line input errors', () => {
  let repo: TestRepo;
  let shas: string[];
  let side: string;
  let before: string;

  beforeAll(() => {
    ({ repo, shas } = createRepo([
      { subject: 'one', changes: { Dockerfile: shellApp('sleep 60') } },
      { subject: 'two', changes: { 'a.txt': 'a\n' } },
      { subject: 'three', changes: { 'b.txt': 'b\n' } },
    ]));
    repo.git('checkout', '-q', '-b', 'side', shas[0]!);
    side = repo.commit('side work', { 'c.txt': 'c\n' });
    repo.git('checkout', '-q', 'main');
    repo.git('tag', 'v1', shas[0]!);
    before = repo.snapshot();
  });
  afterAll(() => repo.remove());

  const expectUsage = async (args: string[], pattern: RegExp, cwd = repo.dir) => {
    const run = await runCli(args, { cwd });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(pattern);
    return run;
  };

  it('rejects an unknown ref', async () => {
    await expectUsage(['nope', 'HEAD'], /^deploybisect: unknown revision 'nope'/);
  });

  it('never passes a ref starting with - to git', async () => {
    await expectUsage(['--', '--output=/tmp/x', 'HEAD'], /^deploybisect: .*'--output=\/tmp\/x'.*(option|-)/);
  });

  it('rejects good equal to bad, even under two names', async () => {
    await expectUsage(['v1', shas[0]!], /^deploybisect: .*(same commit|equal)/);
  });

  it('rejects a good commit that is not an ancestor of bad', async () => {
    await expectUsage([side, 'main'], /^deploybisect: .*not an ancestor/);
  });

  it('rejects a directory that is not a git repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploybisect-norepo-'));
    try {
      await expectUsage(['-C', dir, 'a', 'b'], /^deploybisect: .*not a git repository/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects malformed options with exit 2', async () => {
    await expectUsage(['v1', 'HEAD', '--timeout', 'soon'], /^deploybisect: invalid --timeout 'soon'/);
    await expectUsage(['v1', 'HEAD', '--network', 'none', '--probe', 'http://127.0.0.1:8080/'], /^deploybisect: --network none/);
    await expectUsage(['v1', 'HEAD', '--probe', 'ftp://x'], /^deploybisect: unknown probe 'ftp:\/\/x'/);
    await expectUsage(
      ['v1', 'HEAD', '--regression', 'sometimes'],
      /^deploybisect: option '--regression <kind>' argument 'sometimes' is invalid/,
    );
    await expectUsage(['v1'], /^deploybisect: missing required argument 'bad'/);
  });

  it('exits 1 with the endpoint when no Docker engine answers', async () => {
    const run = await runCli(['v1', 'HEAD'], { cwd: repo.dir, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^deploybisect: cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker.sock/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('prints help and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: deploybisect');
    const runHelp = await runCli(['run', '--help']);
    expect(runHelp.stdout).toContain('--first-parent');
  });

  it('bare deploybisect: a short usage with examples, as a usage error (an empty $GOOD $BAD must not pass)', async () => {
    const run = await runCli([], { cwd: repo.dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Usage:\n {2}deploybisect <good> <bad> \[options\]/m);
    expect(run.stderr).toMatch(/^Examples:\n/m);
    expect(run.stderr.split('\n').length).toBeLessThan(25);
  });

  it('a first word close to a command, and no revision: unknown command, with the one meant', async () => {
    await expectUsage(['docter'], /^deploybisect: unknown command 'docter' \(did you mean doctor\?\)$/);
    await expectUsage(['tset', 'HEAD'], /^deploybisect: unknown command 'tset' \(did you mean test\?\)$/);
    await expectUsage(['-C', repo.dir, 'explian', 'v1', 'HEAD'], /^deploybisect: unknown command 'explian' \(did you mean explain\?\)$/);
    // A word far from every command is taken for a revision, as before.
    await expectUsage(['nothingalike', 'HEAD'], /^deploybisect: unknown revision 'nothingalike'/);
  });

  it('a branch named like a mistyped command is a revision: the search runs', async () => {
    repo.git('branch', 'docter', shas[0]!);
    try {
      const run = await runCli(['docter', 'HEAD'], { cwd: repo.dir, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
      expect(run.stderr).toMatch(/cannot reach the Docker engine/);
    } finally {
      repo.git('branch', '-D', '-q', 'docter');
    }
  });

  it('--json: an error is the JSON document on stdout (code, exit code, message), the line still on stderr', async () => {
    const unknown = await runCli(['nope', 'HEAD', '--json'], { cwd: repo.dir });
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toEqual({
      schemaVersion: 1,
      error: { code: 'usage', exitCode: 2, message: `unknown revision 'nope' (not a commit in ${repo.dir})` },
    });
    expect(unknown.stderr).toMatch(/^deploybisect: unknown revision 'nope'/);
    const option = await runCli(['v1', 'HEAD', '--json', '--nework', 'host'], { cwd: repo.dir });
    expect(option.code).toBe(2);
    expect(JSON.parse(option.stdout).error).toMatchObject({ code: 'usage', exitCode: 2, message: expect.stringContaining("'--nework'") });
    const engine = await runCli(['v1', 'HEAD', '--json'], { cwd: repo.dir, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(engine.code).toBe(1);
    expect(JSON.parse(engine.stdout).error).toMatchObject({ code: 'infrastructure', exitCode: 1 });
    const test = await runCli(['test', 'HEAD', '--json'], { cwd: repo.dir, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(test.code).toBe(128);
    expect(JSON.parse(test.stdout).error).toMatchObject({ code: 'test-aborted', exitCode: 128 });
  });

  it('--json: every result has its status and the schema version', async () => {
    const explained = await runCli(['explain', 'v1', 'HEAD', '--json'], { cwd: repo.dir });
    expect(explained.code, explained.stderr).toBe(0);
    expect(JSON.parse(explained.stdout)).toMatchObject({ schemaVersion: 1, status: 'explained' });
    const doctor = await runCli(['doctor', '--json'], { cwd: repo.dir, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(JSON.parse(doctor.stdout)).toMatchObject({ schemaVersion: 1, status: 'not-ready' });
  });

  it('changed nothing in the repository', () => {
    expect(repo.snapshot()).toBe(before);
  });
});
