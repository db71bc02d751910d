import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { planBuildContext } from '../../src/git/build-context.js';
import { planContextChanges, type ContextPlan } from '../../src/git/context-plan.js';
import { loadCommitGraph } from '../../src/git/history.js';
import { TestRepo } from '../fixtures/git-repo.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});
function newRepo(): TestRepo {
  const repo = new TestRepo('deploybisect-plan-');
  cleanups.push(() => repo.remove());
  return repo;
}

async function plan(repo: TestRepo, options: { contextDir?: string; dockerfile?: string; goods?: string[] } = {}): Promise<ContextPlan> {
  const bad = repo.git('rev-parse', 'HEAD');
  const graph = await loadCommitGraph(repo.dir, bad, options.goods ?? []);
  return planContextChanges({
    repoDir: repo.dir,
    commits: graph.commits,
    contextDir: options.contextDir ?? '.',
    dockerfile: options.dockerfile ?? 'Dockerfile',
  });
}

const base = {
  Dockerfile: 'FROM scratch\nCOPY . /app\n',
  '.dockerignore': 'docs\n*.md\n',
  'app/main.js': 'console.log(1);\n',
  'docs/guide.txt': 'guide\n',
  'README.md': 'readme\n',
};

describe('planContextChanges', () => {
  it('ignores docs-only commits, counts context, Dockerfile and mode changes; the root commit counts', async () => {
    const repo = newRepo();
    const root = repo.commit('base', base);
    const docs = repo.commit('docs', { 'docs/guide.txt': 'guide v2\n', 'README.md': 'readme v2\n' });
    const app = repo.commit('app', { 'app/main.js': 'console.log(2);\n' });
    const empty = repo.commit('empty', {});
    const dockerfile = repo.commit('dockerfile', { Dockerfile: 'FROM scratch\nCOPY . /srv\n' });
    const mode = repo.commit('mode', { 'app/main.js': { content: 'console.log(2);\n', executable: true } });
    const before = repo.snapshot();

    const result = await plan(repo);
    expect(Object.fromEntries(result.changesContext)).toEqual({
      [root]: true,
      [docs]: false,
      [app]: true,
      [empty]: false,
      [dockerfile]: true,
      [mode]: true,
    });
    expect(result.changing).toBe(4);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(repo.snapshot()).toBe(before);
  });

  it('judges a subdirectory context: changes outside it do not count', async () => {
    const repo = newRepo();
    const start = repo.commit('base', {
      'svc/Dockerfile': 'FROM scratch\nCOPY . /\n',
      'svc/.dockerignore': 'tmp\n',
      'svc/src/a.txt': 'a\n',
      'other/b.txt': 'b\n',
      'svcx/c.txt': 'c\n',
    });
    const outside = repo.commit('outside', { 'other/b.txt': 'b2\n', 'svcx/c.txt': 'c2\n', '.dockerignore': '*\n' });
    const ignored = repo.commit('ignored', { 'svc/tmp/x': 'x\n' });
    const inside = repo.commit('inside', { 'svc/src/a.txt': 'a2\n' });
    const result = await plan(repo, { contextDir: 'svc/', goods: [start] });
    expect(Object.fromEntries(result.changesContext)).toEqual({ [outside]: false, [ignored]: false, [inside]: true });
  });

  it('counts a .dockerignore change and judges later commits by the new rules', async () => {
    const repo = newRepo();
    const start = repo.commit('base', { ...base, 'build.log': 'log\n' });
    const log1 = repo.commit('log counts', { 'build.log': 'log 2\n' });
    const rules = repo.commit('new rules', { '.dockerignore': '*.log\n' });
    const log2 = repo.commit('log ignored now', { 'build.log': 'log 3\n' });
    const docs = repo.commit('docs count now', { 'docs/guide.txt': 'guide v2\n' });
    const result = await plan(repo, { goods: [start] });
    expect(Object.fromEntries(result.changesContext)).toEqual({
      [log1]: true,
      [rules]: true,
      [log2]: false,
      [docs]: true,
    });
  });

  it('uses <Dockerfile>.dockerignore before .dockerignore', async () => {
    const repo = newRepo();
    const start = repo.commit('base', {
      'build/app.Dockerfile': 'FROM scratch\nCOPY . /\n',
      'build/app.Dockerfile.dockerignore': 'secret\n',
      '.dockerignore': 'docs\n',
      'docs/a.txt': 'a\n',
      'secret/k': 'k\n',
    });
    const docs = repo.commit('docs', { 'docs/a.txt': 'a2\n' });
    const secret = repo.commit('secret', { 'secret/k': 'k2\n' });
    const drop = repo.commit('drop specific ignore', { 'build/app.Dockerfile.dockerignore': null });
    const docs2 = repo.commit('docs again', { 'docs/a.txt': 'a3\n' });
    const secret2 = repo.commit('secret again', { 'secret/k': 'k3\n' });
    const result = await plan(repo, { dockerfile: 'build/app.Dockerfile', goods: [start] });
    expect(Object.fromEntries(result.changesContext)).toEqual({
      [docs]: true,
      [secret]: false,
      [drop]: true,
      [docs2]: false,
      [secret2]: true,
    });
  });

  it('never counts an external Dockerfile, and applies its own ignore file', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'deploybisect-external-'));
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
    writeFileSync(join(outside, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
    const repo = newRepo();
    const start = repo.commit('base', base);
    const dockerfile = repo.commit('repo Dockerfile is just a file', { Dockerfile: 'FROM busybox\n' });
    const docs = repo.commit('docs', { 'docs/guide.txt': 'v2\n' });
    const result = await plan(repo, { dockerfile: join(outside, 'Dockerfile'), goods: [start] });
    expect(Object.fromEntries(result.changesContext)).toEqual({ [dockerfile]: true, [docs]: false });

    writeFileSync(join(outside, 'Dockerfile.dockerignore'), 'Dockerfile\n');
    const withIgnore = await plan(repo, { dockerfile: join(outside, 'Dockerfile'), goods: [start] });
    // Its own ignore file wins: Dockerfile is excluded, docs are sent.
    expect(Object.fromEntries(withIgnore.changesContext)).toEqual({ [dockerfile]: false, [docs]: true });
  });

  it('compares a merge with its first parent', async () => {
    const repo = newRepo();
    const start = repo.commit('base', base);
    repo.git('checkout', '-q', '-b', 'side');
    const sideApp = repo.commit('side app', { 'app/side.js': 'side\n' });
    repo.git('checkout', '-q', 'main');
    const mainDocs = repo.commit('main docs', { 'docs/guide.txt': 'v2\n' });
    repo.git('merge', '-q', '--no-ff', '-m', 'merge side', 'side');
    const mergeApp = repo.git('rev-parse', 'HEAD');
    repo.git('checkout', '-q', '-b', 'docs-side', mainDocs);
    const sideDocs = repo.commit('side docs', { 'README.md': 'v3\n' });
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-ff', '-m', 'merge docs', 'docs-side');
    const mergeDocs = repo.git('rev-parse', 'HEAD');
    const result = await plan(repo, { goods: [start] });
    expect(Object.fromEntries(result.changesContext)).toEqual({
      [sideApp]: true,
      [mainDocs]: false,
      [mergeApp]: true,
      [sideDocs]: false,
      [mergeDocs]: false,
    });
  });

  it('counts a directory that appears even when its only file is ignored', async () => {
    const repo = newRepo();
    const start = repo.commit('base', { Dockerfile: 'FROM scratch\n', '.dockerignore': '**/*.md\n', 'src/a.js': 'a\n' });
    const existingDir = repo.commit('note in src', { 'src/notes.md': 'n\n' });
    const newDir = repo.commit('note in a new dir', { 'newdir/notes.md': 'n\n' });
    const result = await plan(repo, { goods: [start] });
    expect(Object.fromEntries(result.changesContext)).toEqual({ [existingDir]: false, [newDir]: true });
  });

  it('is conservative about submodules and symlinked Dockerfiles', async () => {
    const repo = newRepo();
    const start = repo.commit('base', base);
    repo.git('update-index', '--add', '--cacheinfo', `160000,${start},vendor/lib`);
    repo.git('commit', '-q', '-m', 'submodule');
    const submodule = repo.git('rev-parse', 'HEAD');
    // Not TestRepo.commit: its `git add -A` would drop the unpopulated submodule.
    repo.write({ 'docs/guide.txt': 'v2\n' });
    repo.git('add', 'docs/guide.txt');
    repo.git('commit', '-q', '-m', 'docs');
    const docs = repo.git('rev-parse', 'HEAD');
    const result = await plan(repo, { goods: [start] });
    expect(Object.fromEntries(result.changesContext)).toEqual({ [submodule]: true, [docs]: false });

    const symlinked = newRepo();
    symlinked.commit('base', { ...base, 'docker/real.Dockerfile': 'FROM scratch\n' });
    rmSync(join(symlinked.dir, 'Dockerfile'));
    symlinkSync('docker/real.Dockerfile', join(symlinked.dir, 'Dockerfile'));
    const toLink = symlinked.commit('Dockerfile becomes a link', {});
    const target = symlinked.commit('target changes (ignored dir)', { 'docs/guide.txt': 'v2\n' });
    const real = symlinked.commit('real Dockerfile changes', { 'docker/real.Dockerfile': 'FROM busybox\n' });
    const symResult = await plan(symlinked, { goods: [symlinked.git('rev-parse', 'HEAD~3')] });
    expect(symResult.changesContext.get(toLink)).toBe(true);
    expect(symResult.changesContext.get(real)).toBe(true);
    expect(symResult.changesContext.get(target)).toBe(true); // conservative
  });

  it('agrees with planBuildContext fingerprints: a commit judged unchanged has its parent’s fingerprint', async () => {
    const repo = newRepo();
    let seed = 7;
    const rand = (k: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    repo.commit('base', { ...base, 'lib/x.js': 'x\n', 'notes/a.md': 'a\n', 'tmp.log': 't\n' });
    const files = [
      'app/main.js',
      'lib/x.js',
      'docs/guide.txt',
      'docs/deep/more.txt',
      'README.md',
      'notes/a.md',
      'notes/b.md',
      'tmp.log',
      'x/y/z.md',
    ];
    const ignores = ['docs\n*.md\n', 'docs\n**/*.md\n', '*.log\ndocs\n', 'docs\n!docs/deep\n'];
    for (let i = 0; i < 40; i++) {
      const roll = rand(10);
      if (roll === 0) repo.commit(`ignore ${i}`, { '.dockerignore': ignores[rand(ignores.length)] as string });
      else if (roll === 1) repo.commit(`delete ${i}`, { [files[rand(files.length)] as string]: null });
      else repo.commit(`edit ${i}`, { [files[rand(files.length)] as string]: `v${i}\n` });
    }
    const result = await plan(repo);
    const graph = await loadCommitGraph(repo.dir, repo.git('rev-parse', 'HEAD'), []);
    let unchanged = 0;
    for (const commit of graph.commits) {
      const parent = commit.parents[0];
      if (parent === undefined) continue;
      const [mine, theirs] = await Promise.all(
        [commit.sha, parent].map((c) => planBuildContext({ repoDir: repo.dir, commit: c, contextDir: '.', dockerfile: 'Dockerfile' })),
      );
      if (!result.changesContext.get(commit.sha)) {
        unchanged++;
        expect(mine?.fingerprint, commit.sha).toBe(theirs?.fingerprint);
      }
    }
    expect(unchanged).toBeGreaterThan(5);
  });
});
