import { afterAll, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/errors.js';
import { MAX_DIFF_BYTES, MAX_DIFF_LINES } from '../../src/explain/files/attach-diffs.js';
import { contextChanges } from '../../src/explain/files/context-changes.js';
import type { ContextChanges, FileChange } from '../../src/explain/files/file-change.js';
import { parseRawNumstat } from '../../src/git/diff-stat.js';
import { GitTestRepo } from '../helpers/git-test-repo.js';

const repos: GitTestRepo[] = [];
function newRepo(): GitTestRepo {
  const repo = new GitTestRepo('deploybisect-changes-');
  repos.push(repo);
  return repo;
}
afterAll(() => {
  for (const repo of repos) repo.remove();
});

const lines = (n: number, prefix = 'line'): string => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}\n`).join('');
const paths = (list: FileChange[]): string[] => list.map((change) => change.path);
const find = (result: ContextChanges, path: string): FileChange | undefined =>
  [...result.inContext, ...result.ignored, ...result.outsideContext].find((change) => change.path === path);

describe('contextChanges', () => {
  it('reports adds, modifies, deletes and renames in the context, with counts and small diffs', async () => {
    const repo = newRepo();
    const before = repo.commit('base', {
      Dockerfile: 'FROM node:20\nCOPY . /app\nCMD ["sh", "start.sh"]\n',
      'start.sh': '#!/bin/sh\nexec node server.js --port 3000\n',
      'server.js': lines(20, 'code'),
      'old-name.conf': lines(30, 'setting'),
      'gone.txt': 'bye\n',
    });
    const after = repo.commit('change', {
      'start.sh': '#!/bin/sh\nexec node server.js --port 8080\n',
      'old-name.conf': null,
      'new-name.conf': lines(30, 'setting'),
      'gone.txt': null,
      'added.js': 'export const x = 1;\nexport const y = 2;\n',
    });
    const result = await contextChanges({ repoDir: repo.dir, before, after, contextDir: '.', dockerfile: 'Dockerfile' });

    expect(result.ignored).toEqual([]);
    expect(result.outsideContext).toEqual([]);
    expect(paths(result.inContext)).toEqual(['added.js', 'gone.txt', 'new-name.conf', 'start.sh']);
    expect(find(result, 'start.sh')).toMatchObject({ status: 'M', added: 1, deleted: 1, binary: false });
    expect(find(result, 'added.js')).toMatchObject({ status: 'A', added: 2, deleted: 0 });
    expect(find(result, 'gone.txt')).toMatchObject({ status: 'D', added: 0, deleted: 1 });
    expect(find(result, 'new-name.conf')).toMatchObject({ status: 'R', oldPath: 'old-name.conf', added: 0, deleted: 0 });
    expect(find(result, 'start.sh')?.oldPath).toBeUndefined();

    const diff = find(result, 'start.sh')?.diff ?? '';
    const indexLine = diff.split('\n')[1] ?? '';
    expect(indexLine).toMatch(/^index [0-9a-f]{40}\.\.[0-9a-f]{40} 100644$/);
    expect(diff).toBe(
      [
        'diff --git a/start.sh b/start.sh',
        indexLine,
        '--- a/start.sh',
        '+++ b/start.sh',
        '@@ -1,2 +1,2 @@',
        ' #!/bin/sh',
        '-exec node server.js --port 3000',
        '+exec node server.js --port 8080',
        '',
      ].join('\n'),
    );
    expect(find(result, 'added.js')?.diff).toContain('+export const y = 2;');
    expect(find(result, 'gone.txt')?.diff).toContain('-bye');
    expect(find(result, 'new-name.conf')?.diff).toContain('rename from old-name.conf');
  });

  it('puts files excluded by .dockerignore in ignored, with negations; the Dockerfile and .dockerignore are in context', async () => {
    const repo = newRepo();
    const before = repo.commit('base', {
      Dockerfile: 'FROM scratch\nCOPY . /\n',
      '.dockerignore': 'docs/\n*.md\n!README.md\nDockerfile\n.dockerignore\n',
      'README.md': 'readme\n',
      'CHANGELOG.md': 'log\n',
      'docs/guide.txt': 'guide\n',
      'app.js': 'one\n',
    });
    const after = repo.commit('change', {
      Dockerfile: 'FROM scratch\nCOPY . /srv\n',
      '.dockerignore': 'docs/\n*.md\n!README.md\nDockerfile\n.dockerignore\n# touched\n',
      'README.md': 'readme 2\n',
      'CHANGELOG.md': 'log 2\n',
      'NOTES.md': 'new notes\n',
      'docs/guide.txt': 'guide 2\n',
      'docs/new.txt': 'new\n',
      'app.js': 'two\n',
    });
    const result = await contextChanges({ repoDir: repo.dir, before, after, contextDir: '.', dockerfile: 'Dockerfile' });
    expect(paths(result.inContext)).toEqual(['.dockerignore', 'Dockerfile', 'README.md', 'app.js']);
    expect(paths(result.ignored)).toEqual(['CHANGELOG.md', 'NOTES.md', 'docs/guide.txt', 'docs/new.txt']);
    expect(result.outsideContext).toEqual([]);
    for (const change of result.ignored) expect(change.diff).toBeUndefined();
    expect(find(result, 'Dockerfile')?.diff).toContain('+COPY . /srv');
  });

  it('counts a file sent at either side as in context; ignored at both sides is ignored', async () => {
    const repo = newRepo();
    const before = repo.commit('base', {
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': 'secret.txt\nlocal.env\nscratch/\n',
      'secret.txt': 's1\n',
      'local.env': 'A=1\n',
      'scratch/a.txt': 'a\n',
      'config.yml': 'x: 1\n',
    });
    const after = repo.commit('change', {
      '.dockerignore': 'local.env\nconfig.yml\nscratch/\n', // secret.txt now sent, config.yml no longer
      'secret.txt': 's2\n',
      'local.env': 'A=2\n',
      'scratch/a.txt': 'a2\n',
      'config.yml': 'x: 2\n',
    });
    const result = await contextChanges({ repoDir: repo.dir, before, after, contextDir: '.', dockerfile: 'Dockerfile' });
    expect(paths(result.inContext)).toEqual(['.dockerignore', 'config.yml', 'secret.txt']);
    expect(paths(result.ignored)).toEqual(['local.env', 'scratch/a.txt']);
  });

  it('separates files outside a subdirectory context; a Dockerfile outside the context counts as in context', async () => {
    const repo = newRepo();
    const before = repo.commit('base', {
      'docker/app.Dockerfile': 'FROM node:20\nCOPY . /app\n',
      'docker/app.Dockerfile.dockerignore': 'tests/\n',
      'app/index.js': 'one\n',
      'app/tests/index.test.js': 't\n',
      'lib/shared.js': 'shared\n',
      'README.md': 'readme\n',
    });
    const after = repo.commit('change', {
      'docker/app.Dockerfile': 'FROM node:22\nCOPY . /app\n',
      'docker/app.Dockerfile.dockerignore': 'tests/\n*.md\n',
      'docker/other.Dockerfile': 'FROM scratch\n',
      'app/index.js': 'two\n',
      'app/tests/index.test.js': 't2\n',
      'app/NOTES.md': 'notes\n',
      'lib/shared.js': 'shared 2\n',
      'README.md': 'readme 2\n',
    });
    const result = await contextChanges({
      repoDir: repo.dir,
      before,
      after,
      contextDir: 'app/',
      dockerfile: '../docker/app.Dockerfile',
    });
    expect(paths(result.inContext)).toEqual(['app/index.js', 'docker/app.Dockerfile', 'docker/app.Dockerfile.dockerignore']);
    expect(paths(result.ignored)).toEqual(['app/NOTES.md', 'app/tests/index.test.js']);
    expect(paths(result.outsideContext)).toEqual(['README.md', 'docker/other.Dockerfile', 'lib/shared.js']);
    expect(find(result, 'docker/app.Dockerfile')?.diff).toContain('+FROM node:22');
    expect(find(result, 'lib/shared.js')?.diff).toBeUndefined();
  });

  it('classifies a rename across the context boundary by where the file was sent', async () => {
    const repo = newRepo();
    const before = repo.commit('base', {
      'app/Dockerfile': 'FROM scratch\n',
      'app/moved-out.txt': lines(10),
      'tools/moved-in.txt': lines(12, 'tool'),
      'tools/stays-out.txt': lines(14, 'other'),
    });
    const after = repo.commit('move', {
      'app/moved-out.txt': null,
      'tools/moved-out.txt': lines(10),
      'tools/moved-in.txt': null,
      'app/moved-in.txt': lines(12, 'tool'),
      'tools/stays-out.txt': null,
      'tools/still-out.txt': lines(14, 'other'),
    });
    const result = await contextChanges({ repoDir: repo.dir, before, after, contextDir: 'app', dockerfile: 'Dockerfile' });
    expect(result.inContext).toEqual([
      expect.objectContaining({ path: 'app/moved-in.txt', oldPath: 'tools/moved-in.txt', status: 'R' }),
      expect.objectContaining({ path: 'tools/moved-out.txt', oldPath: 'app/moved-out.txt', status: 'R' }),
    ]);
    expect(result.outsideContext).toEqual([
      expect.objectContaining({ path: 'tools/still-out.txt', oldPath: 'tools/stays-out.txt', status: 'R' }),
    ]);
  });

  it('attaches small diffs only: a big change, a huge line and a binary file get none', async () => {
    const repo = newRepo();
    const before = repo.commit('base', {
      Dockerfile: 'FROM scratch\n',
      'big.txt': lines(10),
      'minified.js': 'var a=1;\n',
      'nginx.conf': lines(40, 'directive'),
    });
    repo.writeBytes('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 0xff]));
    const after = repo.commit('change', {
      'big.txt': lines(200),
      'minified.js': `${'var a=1;'.repeat(1500)}\n`,
      'nginx.conf': lines(40, 'directive').replace('directive 20\n', 'directive twenty\n'),
    });
    const result = await contextChanges({ repoDir: repo.dir, before, after, contextDir: '.', dockerfile: 'Dockerfile' });
    expect(paths(result.inContext)).toEqual(['big.txt', 'logo.png', 'minified.js', 'nginx.conf']);

    expect(find(result, 'big.txt')).toMatchObject({ status: 'M', added: 190, deleted: 0, binary: false });
    expect(find(result, 'big.txt')?.diff).toBeUndefined();
    expect(find(result, 'minified.js')).toMatchObject({ added: 1, deleted: 1 });
    expect(find(result, 'minified.js')?.diff).toBeUndefined(); // one line, but over 8 KiB
    expect(find(result, 'logo.png')).toEqual({ path: 'logo.png', status: 'A', added: 0, deleted: 0, binary: true });

    const diff = find(result, 'nginx.conf')?.diff ?? '';
    expect(diff).toContain('-directive 20\n+directive twenty\n');
    expect(diff).toContain('@@ -17,7 +17,7 @@');
    expect(diff.split('\n').length - 1).toBeLessThanOrEqual(MAX_DIFF_LINES);
    expect(Buffer.byteLength(diff)).toBeLessThanOrEqual(MAX_DIFF_BYTES);
  });

  it('compares the ends of a range of several commits', async () => {
    const repo = newRepo();
    const good = repo.commit('good', { Dockerfile: 'FROM scratch\n', 'a.txt': 'a\n', 'b.txt': 'b\n', 'docs/x.md': 'x\n' });
    repo.commit('one', { 'a.txt': 'a1\n', 'tmp.txt': 'temporary\n', '.dockerignore': 'docs/\n*.log\n' });
    repo.commit('two', { 'tmp.txt': null, 'c.txt': 'c\n', 'docs/x.md': 'x2\n', 'build.log': 'log\n' });
    repo.commit('three', { 'b.txt': 'b\n' }); // back to its original content
    const bad = repo.commit('four', { 'a.txt': 'a2\n' });
    const result = await contextChanges({ repoDir: repo.dir, before: good, after: bad, contextDir: '.', dockerfile: 'Dockerfile' });
    // docs/x.md is ignored at the end of the range but was sent at its start: it can change the image
    expect(paths(result.inContext)).toEqual(['.dockerignore', 'a.txt', 'c.txt', 'docs/x.md']);
    expect(paths(result.ignored)).toEqual(['build.log']);
    expect(find(result, 'a.txt')).toMatchObject({ status: 'M', added: 1, deleted: 1 });
    expect(find(result, 'a.txt')?.diff).toContain('-a\n+a2\n');
    expect(find(result, 'tmp.txt')).toBeUndefined();
    expect(find(result, 'b.txt')).toBeUndefined();
  });

  it('falls back to the other side when the Dockerfile is missing at one side, and to the directory when at both', async () => {
    const repo = newRepo();
    const before = repo.commit('no dockerfile yet', {
      'app/server.js': 'one\n',
      'app/old.js': 'old\n',
      'app/docs/old.md': 'old doc\n',
      'other/x.txt': 'x\n',
    });
    const after = repo.commit('dockerize', {
      'app/Dockerfile': 'FROM scratch\n',
      'app/.dockerignore': 'docs/\n',
      'app/server.js': 'two\n',
      'app/old.js': null,
      'app/docs/old.md': null,
      'app/docs/new.md': 'new doc\n',
      'other/x.txt': 'x2\n',
    });
    const spec = { repoDir: repo.dir, contextDir: 'app', dockerfile: 'Dockerfile' };
    const forward = await contextChanges({ ...spec, before, after });
    expect(paths(forward.inContext)).toEqual(['app/.dockerignore', 'app/Dockerfile', 'app/old.js', 'app/server.js']);
    expect(paths(forward.ignored)).toEqual(['app/docs/new.md', 'app/docs/old.md']);
    expect(paths(forward.outsideContext)).toEqual(['other/x.txt']);

    const backward = await contextChanges({ ...spec, before: after, after: before });
    expect(paths(backward.inContext)).toEqual(['app/.dockerignore', 'app/Dockerfile', 'app/old.js', 'app/server.js']);
    expect(find(backward, 'app/old.js')?.status).toBe('A');
    expect(paths(backward.ignored)).toEqual(['app/docs/new.md', 'app/docs/old.md']);

    const third = repo.commit('still nothing to build', { 'app/Dockerfile': null, 'app/server.js': 'three\n', 'app/docs/new.md': 'v2\n' });
    const neither = await contextChanges({ ...spec, dockerfile: 'Missing.Dockerfile', before, after: third });
    expect(neither.ignored).toEqual([]);
    expect(paths(neither.inContext)).toEqual(['app/.dockerignore', 'app/docs/new.md', 'app/docs/old.md', 'app/old.js', 'app/server.js']);
    expect(paths(neither.outsideContext)).toEqual(['other/x.txt']);
  });

  it('is not swayed by user configuration, and reports a type change without a diff', async () => {
    const repo = newRepo();
    const before = repo.commit('base', {
      Dockerfile: 'FROM scratch\n',
      'dir with space/ünï.txt': 'one\n',
      'cfg.txt': 'c\n',
      'target.txt': 't\n',
    });
    repo.write({ 'cfg.txt': null });
    repo.symlink('cfg.txt', 'target.txt');
    repo.write({ 'old name.txt': lines(10) });
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'add');
    const middle = repo.git('rev-parse', 'HEAD');
    const after = repo.commit('change', { 'dir with space/ünï.txt': 'two\n', 'old name.txt': null, 'new name.txt': lines(10) });
    for (const [key, value] of [
      ['diff.noprefix', 'true'],
      ['diff.mnemonicPrefix', 'true'],
      ['diff.renames', 'false'],
      ['diff.relative', 'true'],
      ['diff.external', 'false'],
      ['diff.context', '0'],
      ['color.ui', 'always'],
      ['color.diff', 'always'],
      ['core.quotePath', 'true'],
    ]) {
      repo.git('config', key!, value!);
    }
    const result = await contextChanges({ repoDir: repo.dir, before, after, contextDir: '.', dockerfile: 'Dockerfile' });
    expect(paths(result.inContext)).toEqual(['cfg.txt', 'dir with space/ünï.txt', 'new name.txt']);
    expect(find(result, 'cfg.txt')).toMatchObject({ status: 'T' });
    expect(find(result, 'cfg.txt')?.diff).toBeUndefined();
    const diff = find(result, 'dir with space/ünï.txt')?.diff ?? '';
    expect(diff.startsWith('diff --git a/dir with space/ünï.txt b/dir with space/ünï.txt\n')).toBe(true);
    expect(diff).toContain('-one\n+two\n');
    expect(diff).not.toContain('\u001b[');

    const rename = await contextChanges({ repoDir: repo.dir, before: middle, after, contextDir: '.', dockerfile: 'Dockerfile' });
    expect(find(rename, 'new name.txt')).toMatchObject({ status: 'R', oldPath: 'old name.txt' });
  });

  it('leaves the repository untouched (HEAD, refs, index, working tree), even when dirty', async () => {
    const repo = newRepo();
    const before = repo.commit('base', { Dockerfile: 'FROM scratch\n', 'a.txt': 'a\n', '.dockerignore': 'x/\n' });
    const after = repo.commit('change', { 'a.txt': 'b\n', 'x/y.txt': 'y\n' });
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write({ 'a.txt': 'dirty\n', 'untracked.txt': 'u\n' });
    repo.write({ 'staged.txt': 'staged\n' });
    repo.git('add', 'staged.txt');
    const snapshot = repo.snapshot();
    const indexStat = repo.git('ls-files', '--debug', 'a.txt');

    const result = await contextChanges({ repoDir: repo.dir, before, after, contextDir: '.', dockerfile: 'Dockerfile' });
    expect(paths(result.inContext)).toEqual(['a.txt']);
    expect(paths(result.ignored)).toEqual(['x/y.txt']);

    expect(repo.snapshot()).toBe(snapshot);
    expect(repo.git('ls-files', '--debug', 'a.txt')).toBe(indexStat);
    expect(repo.git('symbolic-ref', 'HEAD')).toBe('refs/heads/feature');
  });

  it('works from a subdirectory of the repository and rejects invalid commits', async () => {
    const repo = newRepo();
    const before = repo.commit('base', { 'app/Dockerfile': 'FROM scratch\n', 'app/a.txt': 'a\n', 'b.txt': 'b\n' });
    const after = repo.commit('change', { 'app/a.txt': 'a2\n', 'b.txt': 'b2\n' });
    const result = await contextChanges({ repoDir: `${repo.dir}/app`, before, after, contextDir: 'app', dockerfile: 'Dockerfile' });
    expect(paths(result.inContext)).toEqual(['app/a.txt']);
    expect(find(result, 'app/a.txt')?.diff).toContain('+a2');
    expect(paths(result.outsideContext)).toEqual(['b.txt']);

    await expect(
      contextChanges({ repoDir: repo.dir, before: '--output=x', after, contextDir: '.', dockerfile: 'Dockerfile' }),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(
      contextChanges({ repoDir: repo.dir, before, after: 'no-such-ref', contextDir: '.', dockerfile: 'Dockerfile' }),
    ).rejects.toThrow();
  });

  it('never counts a submodule (gitlink) as sent, and gives odd file names without a diff', async () => {
    const repo = newRepo();
    const before = repo.commit('base', { Dockerfile: 'FROM scratch\n', 'a.txt': 'a\n' });
    repo.write({ 'tab\there.txt': 'odd\n' });
    repo.git('add', '-A');
    repo.git('update-index', '--add', '--cacheinfo', `160000,${before},vendor/lib`);
    repo.git('commit', '-q', '-m', 'gitlink and an odd name');
    const after = repo.git('rev-parse', 'HEAD');
    const result = await contextChanges({ repoDir: repo.dir, before, after, contextDir: '.', dockerfile: 'Dockerfile' });
    expect(result.inContext).toEqual([{ path: 'tab\there.txt', status: 'A', added: 1, deleted: 0, binary: false }]);
    expect(result.ignored).toEqual([expect.objectContaining({ path: 'vendor/lib', status: 'A' })]);
  });
});

describe('parseRawNumstat', () => {
  it('pairs raw records with numstat records, renames and binaries included', () => {
    const oid = (c: string) => c.repeat(40);
    const out = [
      `:100644 100644 ${oid('a')} ${oid('b')} M`,
      'x',
      `:100644 100644 ${oid('c')} ${oid('c')} R087`,
      'old\tname',
      'new\tname',
      `:000000 100644 ${oid('0')} ${oid('d')} A`,
      'img.png',
      '3\t1\tx',
      '2\t0\t',
      'old\tname',
      'new\tname',
      '-\t-\timg.png',
      '',
    ].join('\0');
    expect(parseRawNumstat(out)).toEqual([
      { path: 'x', status: 'M', added: 3, deleted: 1, binary: false, oldMode: '100644', newMode: '100644' },
      { path: 'new\tname', oldPath: 'old\tname', status: 'R', added: 2, deleted: 0, binary: false, oldMode: '100644', newMode: '100644' },
      { path: 'img.png', status: 'A', added: 0, deleted: 0, binary: true, oldMode: '000000', newMode: '100644' },
    ]);
    expect(parseRawNumstat('')).toEqual([]);
  });
});
