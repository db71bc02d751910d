/**
 * One environment for every git deploybisect runs (src/git/git-env.ts): simple-git's porcelain
 * calls and the spawn layer see the same one, whatever the caller's shell holds, and the demo's
 * writer ignores the caller's GIT_*.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { GitError, UsageError } from '../../src/errors.js';
import { gitEnv, writerEnv } from '../../src/git/git-env.js';
import { runGit } from '../../src/git/git-exec.js';
import { runPorcelain } from '../../src/git/git-porcelain.js';
import { isAncestor, peelToCommit, resolveCommit } from '../../src/git/refs.js';
import { RepoWriter } from '../../src/git/repo-writer.js';
import { TestRepo } from '../fixtures/git-repo.js';

describe('the git environment', () => {
  let fixture: TestRepo;
  let other: TestRepo;
  const c: string[] = [];
  const saved = { ...process.env };

  beforeAll(() => {
    fixture = new TestRepo('deploybisect-env-');
    c.push(fixture.commit('first', { 'a.txt': '1\n' }), fixture.commit('second', { 'a.txt': '2\n' }));
    other = new TestRepo('deploybisect-env-other-');
    other.commit('elsewhere', { 'b.txt': 'b\n' });
  });

  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  afterAll(() => {
    fixture?.remove();
    other?.remove();
  });

  it('strips what would point git elsewhere and adds no locks, no prompts, a stable locale', () => {
    Object.assign(process.env, {
      GIT_DIR: '/elsewhere',
      GIT_WORK_TREE: '/elsewhere',
      GIT_INDEX_FILE: '/elsewhere/index',
      GIT_CEILING_DIRECTORIES: '/x',
    });
    const env = gitEnv();
    expect(env.GIT_DIR).toBeUndefined();
    expect(env.GIT_WORK_TREE).toBeUndefined();
    expect(env.GIT_INDEX_FILE).toBeUndefined();
    expect(env).toMatchObject({ GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_CEILING_DIRECTORIES: '/x' });
    expect(gitEnv().GIT_FLUSH).toBeUndefined();
    expect(gitEnv({ bufferedOutput: true }).GIT_FLUSH).toBe('0');
  });

  it('runs the porcelain calls in a shell with EDITOR, PAGER, GIT_CONFIG_* and a stray GIT_DIR set, seeing what the spawned git sees', async () => {
    Object.assign(process.env, {
      EDITOR: 'vi',
      VISUAL: 'vi',
      PAGER: 'less',
      GIT_PAGER: 'less',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'deploybisect.probe',
      GIT_CONFIG_VALUE_0: 'from-the-environment',
      GIT_CONFIG_KEY_1: 'core.pager',
      GIT_CONFIG_VALUE_1: 'cat',
      GIT_DIR: join(other.dir, '.git'),
    });
    await expect(resolveCommit(fixture.dir, 'HEAD')).resolves.toBe(c[1]);
    const porcelain = await runPorcelain(fixture.dir, (git) => git.raw(['config', 'deploybisect.probe']));
    const spawned = await runGit(fixture.dir, ['config', 'deploybisect.probe']);
    expect(porcelain).toMatchObject({ code: 0, stdout: 'from-the-environment\n' });
    expect(spawned.stdout.toString()).toBe(porcelain.stdout);
  });

  it('reports every non-zero exit with its code (simple-git alone reports one only with stderr)', async () => {
    await expect(isAncestor(fixture.dir, c[1]!, c[0]!)).resolves.toBe(false);
    await expect(isAncestor(fixture.dir, c[0]!, c[1]!)).resolves.toBe(true);
    await expect(peelToCommit(fixture.dir, 'refs/deploybisect/none')).resolves.toBeUndefined();
    const failed = await runPorcelain(fixture.dir, (git) => git.raw(['cat-file', '-e', 'f'.repeat(40)]));
    expect(failed.code).toBe(1);
  });

  it('says what the spawn layer says for a directory that is not there, or a git that cannot start', async () => {
    const missing = join(tmpdir(), 'deploybisect-env-no-such-directory');
    const error = await runPorcelain(missing, (git) => git.raw(['status'])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(`not a git repository: ${missing} (no such directory)`);
    process.env.PATH = '/nonexistent';
    const cannot = await runPorcelain(fixture.dir, (git) => git.raw(['status'])).catch((e: unknown) => e);
    expect(cannot).toBeInstanceOf(GitError);
    expect((cannot as Error).message).toBe(`cannot run git in ${fixture.dir}: spawn git ENOENT`);
  });

  it('writes the demo repository where it is told, whatever GIT_DIR the caller has', () => {
    const before = other.git('rev-parse', 'HEAD');
    Object.assign(process.env, { GIT_DIR: join(other.dir, '.git'), GIT_WORK_TREE: other.dir, GIT_AUTHOR_NAME: 'Someone Else' });
    expect(writerEnv().GIT_DIR).toBeUndefined();
    expect(writerEnv({ name: 'n', email: 'e', date: '1 +0000' })).toMatchObject({
      GIT_AUTHOR_DATE: '1 +0000',
      GIT_COMMITTER_NAME: 'n',
      GIT_CONFIG_NOSYSTEM: '1',
    });
    const dir = mkdtempSync(join(tmpdir(), 'deploybisect-env-writer-'));
    try {
      const repo = RepoWriter.init(dir, 'main');
      writeFileSync(join(dir, 'f.txt'), 'x\n');
      const sha = repo.commitAll('one', { name: 'Dana Dev', email: 'dana@example.com', date: '1760000000 +0000' });
      for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_AUTHOR_NAME']) delete process.env[name];
      const look = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
      expect(look('rev-parse', 'HEAD')).toBe(sha);
      expect(look('log', '-1', '--format=%an %ae %at %cn %ce %ct %s')).toBe(
        'Dana Dev dana@example.com 1760000000 Dana Dev dana@example.com 1760000000 one',
      );
      expect(other.git('rev-parse', 'HEAD')).toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
