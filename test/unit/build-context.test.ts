import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/errors.js';
import {
  createBuildContext,
  MissingContextError,
  MissingDockerfileError,
  planBuildContext,
  type BuildContextSpec,
} from '../../src/git/build-context.js';
import { CONTEXT_MTIME, contextTar } from '../../src/git/context-tar.js';
import { GitTestRepo } from '../helpers/git-test-repo.js';

interface TarItem {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkname: string | null;
  data: Buffer;
}

async function readTar(stream: Readable): Promise<Map<string, TarItem>> {
  const items = new Map<string, TarItem>();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, body, next) => {
      const parts: Buffer[] = [];
      body.on('data', (chunk: unknown) => parts.push(chunk as Buffer));
      body.on('end', () => {
        items.set(header.name.replace(/\/$/, ''), {
          type: header.type,
          mode: header.mode,
          uid: header.uid,
          gid: header.gid,
          mtime: header.mtime.getTime(),
          linkname: header.linkname ?? null,
          data: Buffer.concat(parts),
        });
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  stream.on('error', (error) => ex.destroy(error));
  stream.pipe(ex as unknown as NodeJS.WritableStream);
  await done;
  return items;
}

async function tarBytes(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const BIG = randomBytes(3 * 1024 * 1024 + 17);

const DOCKERIGNORE = [
  '\uFEFF# comment line',
  '*.log',
  '!keep.log',
  'node_modules',
  '**/secret*',
  '/build/',
  './tmp',
  'docs/*',
  '!docs/keep.md',
  '*.LOWER',
  'emptied/*',
  'Dockerfile',
  '.dockerignore',
  '',
].join('\r\n');

describe('createBuildContext', () => {
  /** Every repository made here, removed in afterAll. */
  const repos: GitTestRepo[] = [];
  const newRepo = (): GitTestRepo => {
    const made = new GitTestRepo('deploybisect-ctx-');
    repos.push(made);
    return made;
  };
  let fixture: GitTestRepo;
  let repo: string;
  let first: string;
  let submoduleSha: string;

  beforeAll(() => {
    fixture = newRepo();
    repo = fixture.dir;
    fixture.symlink('link', 'app.js');
    fixture.symlink('dangling', '../outside/target');
    fixture.writeBytes('bin.dat', Buffer.concat([ALL_BYTES, Buffer.from('\r\n\0\n'), ALL_BYTES]));
    fixture.writeBytes('big.bin', BIG);
    const longName = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(120)}.txt`;
    first = fixture.commit('first', {
      Dockerfile: 'FROM scratch\nCOPY . /ctx\n',
      '.dockerignore': DOCKERIGNORE,
      'app.js': 'console.log(1)\n',
      'run.sh': { content: '#!/bin/sh\necho hi\n', executable: true },
      'a.log': 'log\n',
      'keep.log': 'keep\n',
      'node_modules/x/index.js': 'nm\n',
      'sub/deep/secret.txt': 'secret\n',
      'sub/deep/ok.txt': 'ok\n',
      'sub/deep/a.log': 'not at root: kept\n',
      'build/out.o': 'obj\n',
      'tmp/t': 't\n',
      'docs/a.md': 'a\n',
      'docs/keep.md': 'keep\n',
      'emptied/x.log': 'every file of this dir is ignored\n',
      'Case.log': 'ignored: *.log\n',
      'x.lower': 'kept: patterns are case-sensitive\n',
      'ünï cödé.txt': 'utf-8 name\n',
      [longName]: 'long path\n',
    });
    // a gitlink (submodule entry) without a .gitmodules checkout
    submoduleSha = first;
    fixture.git('update-index', '--add', '--cacheinfo', `160000,${submoduleSha},vendor/sub`);
    fixture.git('commit', '-q', '-m', 'add a gitlink');
  });

  afterAll(() => {
    for (const made of repos) made.remove();
  });

  const spec = (over: Partial<BuildContextSpec> = {}): BuildContextSpec => ({
    repoDir: repo,
    commit: fixture.git('rev-parse', 'HEAD'),
    contextDir: '.',
    dockerfile: 'Dockerfile',
    ...over,
  });

  it('applies .dockerignore like docker: negation, **, anchored dirs, ./ and / cleaned, comments, case-sensitive', async () => {
    const ctx = await planBuildContext(spec());
    expect(ctx.files).toEqual(
      [
        '.dockerignore', // ignored, but always sent
        'Dockerfile', // ignored, but always sent
        'app.js',
        'big.bin',
        'bin.dat',
        'dangling',
        `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(120)}.txt`,
        'docs/keep.md',
        'keep.log',
        'link',
        'run.sh',
        'sub/deep/a.log',
        'sub/deep/ok.txt',
        'x.lower',
        'ünï cödé.txt',
      ].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );
    const dirs = ctx.entries.filter((e) => e.type === 'directory').map((e) => e.path);
    // 'emptied' is not excluded itself: docker sends it, empty
    expect(dirs).toEqual(['d'.repeat(60), `${'d'.repeat(60)}/${'e'.repeat(60)}`, 'docs', 'emptied', 'sub', 'sub/deep']);
    expect(ctx.dockerfilePath).toBe('Dockerfile');
    expect(ctx.dockerfileText).toBe('FROM scratch\nCOPY . /ctx\n');
    expect(ctx.ignoreFile).toBe('.dockerignore');
    expect(ctx.notes).toEqual([expect.stringMatching(/submodule 'vendor\/sub' is not sent/)]);
  });

  it('produces a tar with exact bytes, modes, symlinks, fixed mtime and root ownership', async () => {
    const ctx = await createBuildContext(spec());
    const items = await readTar(ctx.tar);
    expect([...items.keys()].filter((name) => items.get(name)!.type !== 'directory')).toEqual(ctx.files);
    expect(items.get('bin.dat')!.data.equals(Buffer.concat([ALL_BYTES, Buffer.from('\r\n\0\n'), ALL_BYTES]))).toBe(true);
    expect(items.get('big.bin')!.data.equals(BIG)).toBe(true);
    expect(items.get('run.sh')).toMatchObject({ type: 'file', mode: 0o755 });
    expect(items.get('app.js')).toMatchObject({ type: 'file', mode: 0o644 });
    expect(items.get('link')).toMatchObject({ type: 'symlink', linkname: 'app.js', data: Buffer.alloc(0) });
    expect(items.get('dangling')).toMatchObject({ type: 'symlink', linkname: '../outside/target' });
    expect(items.get('sub/deep')).toMatchObject({ type: 'directory', mode: 0o755 });
    expect(items.get('ünï cödé.txt')!.data.toString()).toBe('utf-8 name\n');
    for (const item of items.values()) {
      expect(item).toMatchObject({ uid: 0, gid: 0, mtime: CONTEXT_MTIME.getTime() });
    }
    expect(items.has('vendor/sub')).toBe(false);
    expect(items.has('vendor')).toBe(false);
  });

  it('is deterministic: identical bytes and fingerprint across calls', async () => {
    const [a, b] = await Promise.all([createBuildContext(spec()), createBuildContext(spec())]);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(a.fingerprint).toBe(b.fingerprint);
    const [bytesA, bytesB] = await Promise.all([tarBytes(a.tar), tarBytes(b.tar)]);
    expect(createHash('sha256').update(bytesA).digest('hex')).toBe(createHash('sha256').update(bytesB).digest('hex'));
    expect(bytesA.length % 512).toBe(0);
    expect((await planBuildContext(spec())).fingerprint).toBe(a.fingerprint);
  });

  it('sends the Dockerfile and .dockerignore even when they are ignored (and the Dockerfile-specific ignore file)', async () => {
    const t = newRepo();
    const r = t.dir;
    const c = t.commit('c', {
      'docker/app.Dockerfile': 'FROM scratch\n',
      'docker/app.Dockerfile.dockerignore': '*\n**\n',
      '.dockerignore': 'nothing-matches\n',
      'src/a.js': 'a\n',
    });
    const ctx = await planBuildContext({ repoDir: r, commit: c, contextDir: '.', dockerfile: 'docker/app.Dockerfile' });
    expect(ctx.ignoreFile).toBe('docker/app.Dockerfile.dockerignore');
    expect(ctx.files).toEqual(['.dockerignore', 'docker/app.Dockerfile', 'docker/app.Dockerfile.dockerignore']);
    expect(ctx.dockerfilePath).toBe('docker/app.Dockerfile');
  });

  it('gives <Dockerfile>.dockerignore precedence over .dockerignore', async () => {
    const t = newRepo();
    const r = t.dir;
    const c = t.commit('c', {
      Dockerfile: 'FROM scratch\n',
      'Dockerfile.dockerignore': 'b.txt\n',
      'prod.Dockerfile': 'FROM scratch\n',
      '.dockerignore': 'a.txt\n',
      'a.txt': 'a\n',
      'b.txt': 'b\n',
    });
    const specific = await planBuildContext({ repoDir: r, commit: c, contextDir: '.', dockerfile: 'Dockerfile' });
    expect(specific.files).toEqual(['.dockerignore', 'Dockerfile', 'Dockerfile.dockerignore', 'a.txt', 'prod.Dockerfile']);
    const generic = await planBuildContext({ repoDir: r, commit: c, contextDir: '.', dockerfile: 'prod.Dockerfile' });
    expect(generic.ignoreFile).toBe('.dockerignore');
    expect(generic.files).toEqual(['.dockerignore', 'Dockerfile', 'Dockerfile.dockerignore', 'b.txt', 'prod.Dockerfile']);
    expect(specific.fingerprint).not.toBe(generic.fingerprint);
  });

  it('re-includes files inside an excluded directory with ! exceptions, and keeps excluded parents out otherwise', async () => {
    const t = newRepo();
    const r = t.dir;
    const c = t.commit('c', {
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': 'vendor\n!vendor/keep/**\n**/*.tmp\n!important.tmp\nassets/**/*.map\n',
      'vendor/drop/a.js': '1\n',
      'vendor/keep/b.js': '2\n',
      'vendor/keep/deeper/c.js': '3\n',
      'x/y/z.tmp': 'tmp\n',
      'important.tmp': 'kept\n',
      'assets/js/app.js': 'app\n',
      'assets/js/app.js.map': 'map\n',
      'assets/app.js.map': 'top-level map: ** matches zero dirs\n',
    });
    const ctx = await planBuildContext({ repoDir: r, commit: c, contextDir: '.', dockerfile: 'Dockerfile' });
    expect(ctx.files).toEqual([
      '.dockerignore',
      'Dockerfile',
      'assets/js/app.js',
      'important.tmp',
      'vendor/keep/b.js',
      'vendor/keep/deeper/c.js',
    ]);
    const dirs = ctx.entries.filter((e) => e.type === 'directory').map((e) => e.path);
    expect(dirs).toEqual(['assets', 'assets/js', 'vendor', 'vendor/keep', 'vendor/keep/deeper', 'x', 'x/y']);
  });

  it('uses a subdirectory as the context; files outside or ignored do not change the fingerprint, included ones do', async () => {
    const t = newRepo();
    const r = t.dir;
    const c1 = t.commit('c1', {
      'services/api/Dockerfile': 'FROM scratch\nCOPY . /app\n',
      'services/api/.dockerignore': '*.md\n',
      'services/api/main.go': 'package main\n',
      'services/api/README.md': 'readme\n',
      'services/api-other/x': 'sibling with a common prefix\n',
      'README.md': 'root\n',
    });
    const c2 = t.commit('outside change', { 'README.md': 'root changed\n', 'services/api-other/x': 'changed\n' });
    const c3 = t.commit('ignored change', { 'services/api/README.md': 'ignored change\n' });
    const c4 = t.commit('included change', { 'services/api/main.go': 'package main // changed\n' });
    chmodSync(join(r, 'services/api/main.go'), 0o755);
    const c5 = t.commit('mode change', {});

    const at = (commit: string, contextDir = 'services/api') =>
      createBuildContext({ repoDir: r, commit, contextDir, dockerfile: 'Dockerfile' });
    const ctx1 = await at(c1);
    expect(ctx1.files).toEqual(['.dockerignore', 'Dockerfile', 'main.go']);
    expect(ctx1.dockerfilePath).toBe('Dockerfile');
    const items = await readTar(ctx1.tar);
    expect(items.get('main.go')!.data.toString()).toBe('package main\n');
    const fingerprints = await Promise.all([c1, c2, c3, c4, c5].map(async (c) => (await at(c)).fingerprint));
    expect(fingerprints[1]).toBe(fingerprints[0]);
    expect(fingerprints[2]).toBe(fingerprints[0]);
    expect(fingerprints[3]).not.toBe(fingerprints[0]);
    expect(fingerprints[4]).not.toBe(fingerprints[3]);
    // './services/api/' is the same context
    expect((await at(c1, './services/api/')).fingerprint).toBe(fingerprints[0]);
  });

  it('puts an external Dockerfile in the tar under a name that cannot clash', async () => {
    const t = newRepo();
    const r = t.dir;
    const c = t.commit('c', {
      'app.txt': 'app\n',
      '.deploybisect.Dockerfile': 'a file of the project with our name\n',
    });
    const outside = mkdtempSync(join(tmpdir(), 'deploybisect-extdf-'));
    try {
      const dockerfile = join(outside, 'Dockerfile.ci');
      writeFileSync(dockerfile, 'FROM scratch\nCOPY app.txt /\n');
      const ctx = await createBuildContext({ repoDir: r, commit: c, contextDir: '.', dockerfile });
      expect(ctx.dockerfilePath).toBe('.deploybisect.Dockerfile.1');
      expect(ctx.dockerfileText).toBe('FROM scratch\nCOPY app.txt /\n');
      const items = await readTar(ctx.tar);
      expect(items.get('.deploybisect.Dockerfile.1')!.data.toString()).toBe('FROM scratch\nCOPY app.txt /\n');
      expect(items.get('.deploybisect.Dockerfile')!.data.toString()).toBe('a file of the project with our name\n');
      const before = ctx.fingerprint;
      writeFileSync(dockerfile, 'FROM scratch\nCOPY app.txt /x\n');
      expect((await planBuildContext({ repoDir: r, commit: c, dockerfile })).fingerprint).not.toBe(before);
      // an ignore file next to an external Dockerfile applies
      writeFileSync(`${dockerfile}.dockerignore`, 'app.txt\n');
      const ignored = await planBuildContext({ repoDir: r, commit: c, dockerfile });
      expect(ignored.files).toEqual(['.deploybisect.Dockerfile', '.deploybisect.Dockerfile.1']);
      await expect(planBuildContext({ repoDir: r, commit: c, dockerfile: join(outside, 'nope') })).rejects.toBeInstanceOf(UsageError);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('takes a Dockerfile outside the context (but in the repo) from the commit; an absolute path inside the repo too', async () => {
    const t = newRepo();
    const r = t.dir;
    const c = t.commit('c', { Dockerfile: 'FROM scratch\nCOPY . /\n', 'app/main.js': 'main\n' });
    t.write({ Dockerfile: 'working tree edit: must not be used\n' });
    const ctx = await createBuildContext({ repoDir: r, commit: c, contextDir: 'app', dockerfile: '../Dockerfile' });
    expect(ctx.dockerfilePath).toBe('.deploybisect.Dockerfile');
    expect(ctx.dockerfileText).toBe('FROM scratch\nCOPY . /\n');
    const items = await readTar(ctx.tar);
    expect([...items.keys()]).toEqual(['.deploybisect.Dockerfile', 'main.js']);
    const abs = await planBuildContext({ repoDir: r, commit: c, contextDir: 'app', dockerfile: join(r, 'Dockerfile') });
    expect(abs.dockerfileText).toBe('FROM scratch\nCOPY . /\n');
    expect(abs.fingerprint).toBe(ctx.fingerprint);
  });

  it('follows a symlinked Dockerfile inside the tree', async () => {
    const t = newRepo();
    const r = t.dir;
    t.symlink('Dockerfile', 'docker/Dockerfile.real');
    const c = t.commit('c', { 'docker/Dockerfile.real': 'FROM scratch\n# real\n' });
    const ctx = await createBuildContext({ repoDir: r, commit: c });
    expect(ctx.dockerfileText).toBe('FROM scratch\n# real\n');
    const items = await readTar(ctx.tar);
    expect(items.get(ctx.dockerfilePath)!.data.toString()).toBe('FROM scratch\n# real\n');
  });

  it('throws MissingDockerfileError / MissingContextError (exit code 1) for commits that lack them', async () => {
    const t = newRepo();
    const r = t.dir;
    const c = t.commit('c', { 'app/Dockerfile': 'FROM scratch\n', file: 'f\n' });
    const noDockerfile = planBuildContext({ repoDir: r, commit: c, contextDir: '.', dockerfile: 'Dockerfile' });
    await expect(noDockerfile).rejects.toBeInstanceOf(MissingDockerfileError);
    await expect(noDockerfile).rejects.toMatchObject({ exitCode: 1, path: 'Dockerfile' });
    await expect(planBuildContext({ repoDir: r, commit: c, contextDir: 'app', dockerfile: 'sub' })).rejects.toBeInstanceOf(
      MissingDockerfileError,
    );
    // a directory named like the Dockerfile is not a Dockerfile
    await expect(planBuildContext({ repoDir: r, commit: c, contextDir: '.', dockerfile: 'app' })).rejects.toBeInstanceOf(
      MissingDockerfileError,
    );
    const noContext = planBuildContext({ repoDir: r, commit: c, contextDir: 'services/web' });
    await expect(noContext).rejects.toBeInstanceOf(MissingContextError);
    await expect(noContext).rejects.toMatchObject({ exitCode: 1 });
    await expect(planBuildContext({ repoDir: r, commit: c, contextDir: 'file' })).rejects.toBeInstanceOf(MissingContextError);
    await expect(planBuildContext({ repoDir: r, commit: c, contextDir: '../x' })).rejects.toBeInstanceOf(UsageError);
    await expect(planBuildContext({ repoDir: r, commit: '--all' })).rejects.toBeInstanceOf(UsageError);
    await expect(planBuildContext({ repoDir: r, commit: 'f'.repeat(40) })).rejects.toThrow(/unknown commit/);
  });

  it('handles an abandoned tar stream without hanging', async () => {
    const ctx = await createBuildContext(spec());
    const first = await new Promise<Buffer>((resolve) => ctx.tar.once('data', resolve));
    expect(first.length).toBeGreaterThan(0);
    ctx.tar.destroy();
    await new Promise((resolve) => ctx.tar.once('close', resolve));
  });

  it('fails the tar stream (no hang, no partial success) when a blob cannot be read', async () => {
    const tar = contextTar(repo, [
      { type: 'directory', path: 'd', mode: 0o755 },
      { type: 'file', path: 'd/x', mode: 0o644, oid: '0'.repeat(40) },
    ]);
    await expect(tarBytes(tar)).rejects.toThrow(/not a readable blob/);
  });

  it('never touches the working tree, index, HEAD, refs or stash', async () => {
    const t = newRepo();
    const r = t.dir;
    const c1 = t.commit('c1', { Dockerfile: 'FROM scratch\n', 'a.txt': 'a\n' });
    t.write({ 'a.txt': 'stash me\n' });
    t.git('stash', '-q');
    t.git('branch', 'feature');
    t.git('tag', 'v1');
    const c2 = t.commit('c2', { 'a.txt': 'a2\n' });
    t.write({ 'staged.txt': 'staged\n' });
    t.git('add', 'staged.txt');
    t.write({ 'a.txt': 'dirty working tree\n', 'untracked.txt': 'untracked\n' });
    const snapshot = () => ({
      status: t.git('status', '--porcelain=v1', '--untracked-files=all'),
      head: t.git('rev-parse', 'HEAD'),
      symbolic: t.git('symbolic-ref', 'HEAD'),
      refs: t.git('for-each-ref'),
      stash: t.git('stash', 'list'),
      index: createHash('sha256')
        .update(readFileSync(join(r, '.git', 'index')))
        .digest('hex'),
      staged: t.git('diff', '--cached', '--name-status'),
      files: ['a.txt', 'staged.txt', 'untracked.txt'].map((f) => readFileSync(join(r, f), 'utf8')),
    });
    const before = snapshot();
    for (const commit of [c1, c2]) {
      const ctx = await createBuildContext({ repoDir: r, commit });
      const items = await readTar(ctx.tar);
      expect(items.get('a.txt')!.data.toString()).toBe(commit === c1 ? 'a\n' : 'a2\n');
      expect(items.has('staged.txt') || items.has('untracked.txt')).toBe(false);
    }
    expect(snapshot()).toEqual(before);
  });
});
