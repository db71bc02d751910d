/**
 * `git bisect run deploybisect test HEAD …` on the story (test/fixtures/story-repo.ts), in a
 * scratch clone (git bisect needs a work tree to check commits out in): it names the same culprit
 * as `deploybisect run`, and the transient build break is skipped (exit 125), not blamed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createStoryRepo, type StoryRepo } from '../fixtures/story-repo.js';
import { requireEngine, testDockerHost } from '../helpers/docker-engine.js';
import { BIN, runCli } from '../helpers/run-cli.js';

/** git in the clone, with no user or system configuration. */
function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir },
  }).trim();
}

/** `git bisect run <command…>` in `dir`: its exit code and output. */
function bisectRun(dir: string, command: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn('git', ['-C', dir, 'bisect', 'run', ...command], {
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('git bisect run deploybisect test HEAD on the story', () => {
  let story: StoryRepo;
  const scratch = mkdtempSync(join(tmpdir(), 'deploybisect-git-bisect-'));
  const clone = join(scratch, 'clone');
  const cache = join(scratch, 'cache');
  let searched: { code: number | null; culprit: string };
  let bisected: { code: number | null; output: string };
  let log: string;

  beforeAll(async () => {
    await requireEngine();
    story = createStoryRepo();
    let started = Date.now();
    const run = await runCli([story.good, story.bad, '--network', 'none', '--json'], { cwd: story.repo.dir });
    searched = { code: run.code, culprit: JSON.parse(run.stdout).culprit?.sha };
    const searchMs = Date.now() - started;

    git(scratch, 'clone', '-q', story.repo.dir, clone);
    git(clone, 'bisect', 'start', story.bad, story.good);
    started = Date.now();
    // -C: deploybisect reads the commit git bisect checked out (HEAD) in the clone.
    bisected = await bisectRun(clone, [BIN, 'test', 'HEAD', '-C', clone, '--network', 'none'], {
      DOCKER_HOST: testDockerHost(),
      NO_COLOR: '1',
      XDG_CACHE_HOME: cache,
      GITHUB_OUTPUT: undefined,
      GITHUB_STEP_SUMMARY: undefined,
    });
    log = git(clone, 'bisect', 'log');
    const steps = log.split('\n').filter((line) => /^git bisect (good|bad|skip) /.test(line)).length;
    console.log(`deploybisect run: ${searchMs} ms; git bisect run deploybisect test HEAD: ${Date.now() - started} ms, ${steps} steps`);
  }, 600_000);

  afterAll(() => {
    story?.repo.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('names the same first bad commit as deploybisect run', () => {
    expect(searched.code).toBe(0);
    expect(searched.culprit).toBe(story.culprit);
    expect(bisected.code, bisected.output).toBe(0);
    expect(bisected.output).toContain(`${story.culprit} is the first bad commit`);
    expect(git(clone, 'rev-parse', 'refs/bisect/bad')).toBe(story.culprit);
  });

  it('skips the commit that does not build (exit 125) instead of blaming it', () => {
    expect(log).toContain(`git bisect skip ${story.buildBreak}`);
    expect(log).not.toContain(`git bisect bad ${story.buildBreak}`);
    // Every step got a verdict from deploybisect: none was an abort (exit > 127).
    expect(bisected.output).not.toMatch(/bisect run failed|exit code 128/);
  });
});
