import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  CONTEXT_MTIME,
  MissingContextError,
  MissingDockerfileError,
  contextTar,
  createBuildContext,
  planBuildContext,
  type BuildContextSpec,
} from '../../src/git/build-context.js';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
}

function write(repo: string, path: string, content: string | Buffer, mode?: number): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), content);
  if (mode !== undefined) chmodSync(join(repo, path), mode);
}

function commitAll(repo: string, message: string): string {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '--allow-empty', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

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
  let root: string;
  let repo: string;
  let first: string;
  let submoduleSha: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'deploybisect-ctx-'));
    repo = join(root, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    write(repo, 'Dockerfile', 'FROM scratch\nCOPY . /ctx\n');
    write(repo, '.dockerignore', DOCKERIGNORE);
    write(repo, 'app.js', 'console.log(1)\n');
    write(repo, 'run.sh', '#!/bin/sh\necho hi\n', 0o755);
    symlinkSync('app.js', join(repo, 'link'));
    symlinkSync('../outside/target', join(repo, 'dangling'));
    write(repo, 'bin.dat', Buffer.concat([ALL_BYTES, Buffer.from('\r\n\0\n'), ALL_BYTES]));
    write(repo, 'big.bin', BIG);
    write(repo, 'a.log', 'log\n');
    write(repo, 'keep.log', 'keep\n');
    write(repo, 'node_modules/x/index.js', 'nm\n');
    write(repo, 'sub/deep/secret.txt', 'secret\n');
    write(repo, 'sub/deep/ok.txt', 'ok\n');
    write(repo, 'sub/deep/a.log', 'not at root: kept\n');
    write(repo, 'build/out.o', 'obj\n');
    write(repo, 'tmp/t', 't\n');
    write(repo, 'docs/a.md', 'a\n');
    write(repo, 'docs/keep.md', 'keep\n');
    write(repo, 'emptied/x.log', 'every file of this dir is ignored\n');
    write(repo, 'Case.log', 'ignored: *.log\n');
    write(repo, 'x.lower', 'kept: patterns are case-sensitive\n');
    write(repo, 'ünï cödé.txt', 'utf-8 name\n');
    const longName = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(120)}.txt`;
    write(repo, longName, 'long path\n');
    first = commitAll(repo, 'first');
    // a gitlink (submodule entry) without a .gitmodules checkout
    submoduleSha = first;
    git(repo, 'update-index', '--add', '--cacheinfo', `160000,${submoduleSha},vendor/sub`);
    git(repo, 'commit', '-q', '-m', 'add a gitlink');
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const spec = (over: Partial<BuildContextSpec> = {}): BuildContextSpec => ({
    repoDir: repo,
    commit: git(repo, 'rev-parse', 'HEAD'),
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
    expect(dirs).toEqual([
      'd'.repeat(60),
      `${'d'.repeat(60)}/${'e'.repeat(60)}`,
      'docs',
      'emptied',
      'sub',
      'sub/deep',
    ]);
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
    const r = join(root, 'always');
    mkdirSync(r);
    git(r, 'init', '-q');
    write(r, 'docker/app.Dockerfile', 'FROM scratch\n');
    write(r, 'docker/app.Dockerfile.dockerignore', '*\n**\n');
    write(r, '.dockerignore', 'nothing-matches\n');
    write(r, 'src/a.js', 'a\n');
    const c = commitAll(r, 'c');
    const ctx = await planBuildContext({ repoDir: r, commit: c, contextDir: '.', dockerfile: 'docker/app.Dockerfile' });
    expect(ctx.ignoreFile).toBe('docker/app.Dockerfile.dockerignore');
    expect(ctx.files).toEqual(['.dockerignore', 'docker/app.Dockerfile', 'docker/app.Dockerfile.dockerignore']);
    expect(ctx.dockerfilePath).toBe('docker/app.Dockerfile');
  });

  it('gives <Dockerfile>.dockerignore precedence over .dockerignore', async () => {
    const r = join(root, 'precedence');
    mkdirSync(r);
    git(r, 'init', '-q');
    write(r, 'Dockerfile', 'FROM scratch\n');
    write(r, 'Dockerfile.dockerignore', 'b.txt\n');
    write(r, 'prod.Dockerfile', 'FROM scratch\n');
    write(r, '.dockerignore', 'a.txt\n');
    write(r, 'a.txt', 'a\n');
    write(r, 'b.txt', 'b\n');
    const c = commitAll(r, 'c');
    const specific = await planBuildContext({ repoDir: r, commit: c, contextDir: '.', dockerfile: 'Dockerfile' });
    expect(specific.files).toEqual(['.dockerignore', 'Dockerfile', 'Dockerfile.dockerignore', 'a.txt', 'prod.Dockerfile']);
    const generic = await planBuildContext({ repoDir: r, commit: c, contextDir: '.', dockerfile: 'prod.Dockerfile' });
    expect(generic.ignoreFile).toBe('.dockerignore');
    expect(generic.files).toEqual(['.dockerignore', 'Dockerfile', 'Dockerfile.dockerignore', 'b.txt', 'prod.Dockerfile']);
    expect(specific.fingerprint).not.toBe(generic.fingerprint);
  });

  it('re-includes files inside an excluded directory with ! exceptions, and keeps excluded parents out otherwise', async () => {
    const r = join(root, 'negation');
    mkdirSync(r);
    git(r, 'init', '-q');
    write(r, 'Dockerfile', 'FROM scratch\n');
    write(r, '.dockerignore', 'vendor\n!vendor/keep/**\n**/*.tmp\n!important.tmp\nassets/**/*.map\n');
    write(r, 'vendor/drop/a.js', '1\n');
    write(r, 'vendor/keep/b.js', '2\n');
    write(r, 'vendor/keep/deeper/c.js', '3\n');
    write(r, 'x/y/z.tmp', 'tmp\n');
    write(r, 'important.tmp', 'kept\n');
    write(r, 'assets/js/app.js', 'app\n');
    write(r, 'assets/js/app.js.map', 'map\n');
    write(r, 'assets/app.js.map', 'top-level map: ** matches zero dirs\n');
    const c = commitAll(r, 'c');
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
    const r = join(root, 'subdir');
    mkdirSync(r);
    git(r, 'init', '-q');
    write(r, 'services/api/Dockerfile', 'FROM scratch\nCOPY . /app\n');
    write(r, 'services/api/.dockerignore', '*.md\n');
    write(r, 'services/api/main.go', 'package main\n');
    write(r, 'services/api/README.md', 'readme\n');
    write(r, 'services/api-other/x', 'sibling with a common prefix\n');
    write(r, 'README.md', 'root\n');
    const c1 = commitAll(r, 'c1');
    write(r, 'README.md', 'root changed\n');
    write(r, 'services/api-other/x', 'changed\n');
    const c2 = commitAll(r, 'outside change');
    write(r, 'services/api/README.md', 'ignored change\n');
    const c3 = commitAll(r, 'ignored change');
    write(r, 'services/api/main.go', 'package main // changed\n');
    const c4 = commitAll(r, 'included change');
    chmodSync(join(r, 'services/api/main.go'), 0o755);
    const c5 = commitAll(r, 'mode change');

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
    const r = join(root, 'external');
    mkdirSync(r);
    git(r, 'init', '-q');
    write(r, 'app.txt', 'app\n');
    write(r, '.deploybisect.Dockerfile', 'a file of the project with our name\n');
    const c = commitAll(r, 'c');
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
      await expect(planBuildContext({ repoDir: r, commit: c, dockerfile: join(outside, 'nope') })).rejects.toBeInstanceOf(
        UsageError,
      );
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('takes a Dockerfile outside the context (but in the repo) from the commit; an absolute path inside the repo too', async () => {
    const r = join(root, 'outside-context');
    mkdirSync(r);
    git(r, 'init', '-q');
    write(r, 'Dockerfile', 'FROM scratch\nCOPY . /\n');
    write(r, 'app/main.js', 'main\n');
    const c = commitAll(r, 'c');
    write(r, 'Dockerfile', 'working tree edit: must not be used\n');
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
    const r = join(root, 'symlinked');
    mkdirSync(r);
    git(r, 'init', '-q');
    write(r, 'docker/Dockerfile.real', 'FROM scratch\n# real\n');
    symlinkSync('docker/Dockerfile.real', join(r, 'Dockerfile'));
    const c = commitAll(r, 'c');
    const ctx = await createBuildContext({ repoDir: r, commit: c });
    expect(ctx.dockerfileText).toBe('FROM scratch\n# real\n');
    const items = await readTar(ctx.tar);
    expect(items.get(ctx.dockerfilePath)!.data.toString()).toBe('FROM scratch\n# real\n');
  });

  it('throws MissingDockerfileError / MissingContextError (exit code 1) for commits that lack them', async () => {
    const r = join(root, 'missing');
    mkdirSync(r);
    git(r, 'init', '-q');
    write(r, 'app/Dockerfile', 'FROM scratch\n');
    write(r, 'file', 'f\n');
    const c = commitAll(r, 'c');
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
    const r = join(root, 'untouched');
    mkdirSync(r);
    git(r, 'init', '-q', '-b', 'main');
    write(r, 'Dockerfile', 'FROM scratch\n');
    write(r, 'a.txt', 'a\n');
    const c1 = commitAll(r, 'c1');
    write(r, 'a.txt', 'stash me\n');
    git(r, 'stash', '-q');
    git(r, 'branch', 'feature');
    git(r, 'tag', 'v1');
    write(r, 'a.txt', 'a2\n');
    const c2 = commitAll(r, 'c2');
    write(r, 'staged.txt', 'staged\n');
    git(r, 'add', 'staged.txt');
    write(r, 'a.txt', 'dirty working tree\n');
    write(r, 'untracked.txt', 'untracked\n');
    const snapshot = () => ({
      status: git(r, 'status', '--porcelain=v1', '--untracked-files=all'),
      head: git(r, 'rev-parse', 'HEAD'),
      symbolic: git(r, 'symbolic-ref', 'HEAD'),
      refs: git(r, 'for-each-ref'),
      stash: git(r, 'stash', 'list'),
      index: createHash('sha256').update(readFileSync(join(r, '.git', 'index'))).digest('hex'),
      staged: git(r, 'diff', '--cached', '--name-status'),
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
