/**
 * Bad input of another kind: commits that are huge (a 200 MiB file, 20,000 files in one commit)
 * and file names that are not UTF-8 or hold control characters. Through the real command where
 * the behaviour shows there (`explain` needs no Docker; one `test` does), and through the build
 * context module for the tar's bytes.
 *
 * What is expected (docs/robustness.md, "Bad input: huge commits and file names that are not UTF-8"):
 * - memory stays bounded: a 200 MiB file is never held (RSS of the command below the file's size);
 * - an explanation lists a file over 16 MiB as binary, says its size and that it is not read,
 *   and shows diffs for at most 20 files / 64 KiB;
 * - a name that is not UTF-8 reaches docker with its exact bytes, and is printed escaped
 *   (`caf\xe9.txt`; control characters too), with its bytes in `pathBase64` in the JSON.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDeflate } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createBuildContext, planBuildContext } from '../../src/git/build-context.js';
import { requireEngine } from '../helpers/docker-engine.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';

const MiB = 1024 * 1024;
const BIG = 200 * MiB;
const MANY = 20_000;

const gitEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  LC_ALL: 'C',
};

function git(dir: string, args: string[], input?: string | Buffer): string {
  return execFileSync('git', args, { cwd: dir, env: gitEnv, input, maxBuffer: 64 * MiB })
    .toString('utf8')
    .trim();
}

function newRepo(scratch: string, name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  git(dir, ['init', '-q', '-b', 'main']);
  return dir;
}

/** A fast-import `data` command. */
function data(content: string | Buffer): Buffer {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return Buffer.concat([Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n')]);
}

let tick = 0;
/** One commit on main from fast-import file commands; returns its sha. */
function commit(dir: string, message: string, files: (string | Buffer)[]): string {
  tick++;
  const ident = `Dana Dev <dana@example.com> ${1_760_000_000 + tick * 60} +0000`;
  const hasParent = git(dir, ['for-each-ref', 'refs/heads/main']) !== '';
  const stream = Buffer.concat([
    Buffer.from(`commit refs/heads/main\ncommitter ${ident}\n`),
    data(message),
    Buffer.from(hasParent ? 'from refs/heads/main^0\n' : ''),
    ...files.map((f) => (typeof f === 'string' ? Buffer.from(f) : f)),
    Buffer.from('\n'),
  ]);
  git(dir, ['fast-import', '--quiet', '--force'], stream);
  return git(dir, ['rev-parse', 'refs/heads/main']);
}

/** `M <mode> inline <path>` and its content; the path is C-quoted, so any bytes can be named. */
function file(path: Buffer | string, content: string | Buffer, mode = '100644'): Buffer {
  return Buffer.concat([Buffer.from(`M ${mode} inline ${cQuote(typeof path === 'string' ? Buffer.from(path) : path)}\n`), data(content)]);
}

function cQuote(path: Buffer): string {
  let out = '"';
  for (const b of path) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b < 0x20 || b >= 0x7f) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out}"`;
}

/**
 * Writes a blob of `size` copies of `byte` as a loose object, streamed (sha-1 and a fast deflate,
 * about a second for 200 MiB; no 200 MiB buffer anywhere), and returns its id.
 */
async function writeRepeatedBlob(dir: string, size: number, byte: number): Promise<string> {
  const objects = join(dir, '.git', 'objects');
  const header = Buffer.from(`blob ${size}\0`);
  const block = Buffer.alloc(MiB, byte);
  const hash = createHash('sha1').update(header);
  const tmp = join(objects, `tmp-big-${process.pid}`);
  const deflate = createDeflate({ level: 1 });
  const written = pipeline(deflate, createWriteStream(tmp));
  const write = async (piece: Buffer) => {
    if (!deflate.write(piece)) await once(deflate, 'drain');
  };
  await write(header);
  for (let left = size; left > 0; left -= block.length) {
    const piece = left >= block.length ? block : block.subarray(0, left);
    hash.update(piece);
    await write(piece);
  }
  deflate.end();
  await written;
  const oid = hash.digest('hex');
  mkdirSync(join(objects, oid.slice(0, 2)), { recursive: true });
  renameSync(tmp, join(objects, oid.slice(0, 2), oid.slice(2)));
  return oid;
}

interface TarSummary {
  /** name bytes (hex) → entry */
  entries: Map<string, { type: string; size: number; linkname: Buffer; head: Buffer }>;
  bytes: number;
}

/** Reads a tar stream entry by entry without holding file contents (the first 64 bytes aside). */
async function readTar(stream: Readable): Promise<TarSummary> {
  const entries: TarSummary['entries'] = new Map();
  let pending: Buffer = Buffer.alloc(0);
  let bytes = 0;
  let state: { kind: 'header' } | { kind: 'body'; left: number; pad: number; keep: Buffer[]; onDone: (body: Buffer) => void } = {
    kind: 'header',
  };
  let pax: Map<string, Buffer> | undefined;
  const field = (block: Buffer, from: number, length: number) => {
    const end = block.indexOf(0, from);
    return block.subarray(from, end < 0 || end > from + length ? from + length : end);
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      if (state.kind === 'body') {
        const take = Math.min(state.left, pending.length);
        if (state.keep.reduce((n, b) => n + b.length, 0) < 64 * 1024) state.keep.push(Buffer.from(pending.subarray(0, take)));
        state.left -= take;
        pending = pending.subarray(take);
        if (state.left > 0) break;
        if (pending.length < state.pad) break;
        pending = pending.subarray(state.pad);
        state.onDone(Buffer.concat(state.keep));
        state = { kind: 'header' };
        continue;
      }
      if (pending.length < 512) break;
      const block = pending.subarray(0, 512);
      pending = pending.subarray(512);
      if (block.every((b) => b === 0)) continue;
      const typeflag = String.fromCharCode(block[156] as number);
      const sizeField = field(block, 124, 12);
      const size =
        block[124] === 0x80
          ? block.subarray(125, 136).reduce((n, b) => n * 256 + b, 0)
          : Number.parseInt(sizeField.toString('latin1').trim() || '0', 8);
      const prefix = field(block, 345, 155);
      let name: Buffer =
        prefix.length > 0 ? Buffer.concat([prefix, Buffer.from('/'), field(block, 0, 100)]) : Buffer.from(field(block, 0, 100));
      let linkname: Buffer = Buffer.from(field(block, 157, 100));
      const pad = (512 - (size % 512)) % 512;
      if (typeflag === 'x') {
        state = {
          kind: 'body',
          left: size,
          pad,
          keep: [],
          onDone: (body) => {
            pax = new Map();
            for (let at = 0; at < body.length;) {
              const space = body.indexOf(0x20, at);
              const length = Number(body.subarray(at, space).toString('latin1'));
              const record = body.subarray(space + 1, at + length - 1);
              const eq = record.indexOf(0x3d);
              pax.set(record.subarray(0, eq).toString('latin1'), Buffer.from(record.subarray(eq + 1)));
              at += length;
            }
          },
        };
        continue;
      }
      if (pax) {
        name = pax.get('path') ?? name;
        linkname = pax.get('linkpath') ?? linkname;
        pax = undefined;
      }
      const type = typeflag === '5' ? 'directory' : typeflag === '2' ? 'symlink' : 'file';
      const key = name.toString('hex');
      state = {
        kind: 'body',
        left: size,
        pad,
        keep: [],
        onDone: (body) => entries.set(key, { type, size, linkname, head: body.subarray(0, 64) }),
      };
    }
  }
  return { entries, bytes };
}

const hexOf = (name: string | Buffer) => (typeof name === 'string' ? Buffer.from(name) : name).toString('hex');

/** A preloaded module that writes the process's peak RSS (KiB) to $DEPLOYBISECT_TEST_RSS_OUT on exit. */
function rssProbe(scratch: string): string {
  const probe = join(scratch, 'rss-probe.mjs');
  writeFileSync(
    probe,
    "import { writeFileSync } from 'node:fs';\n" +
      "process.on('exit', () => { const out = process.env.DEPLOYBISECT_TEST_RSS_OUT; if (out) writeFileSync(out, String(process.resourceUsage().maxRSS)); });\n",
  );
  return probe;
}

/** Runs the command and returns its run and its peak RSS in bytes. */
async function runMeasured(scratch: string, args: string[], cwd: string): Promise<CliRun & { rss: number; ms: number }> {
  const out = join(scratch, `rss-${Math.random().toString(36).slice(2)}`);
  const started = Date.now();
  const run = await runCli(args, {
    cwd,
    env: {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${rssProbe(scratch)}`.trim(),
      DEPLOYBISECT_TEST_RSS_OUT: out,
    },
  });
  const ms = Date.now() - started;
  return { ...run, rss: Number(readFileSync(out, 'utf8')) * 1024, ms };
}

interface JsonFile {
  path: string;
  oldPath?: string;
  pathBase64?: string;
  status: string;
  added: number;
  deleted: number;
  binary: boolean;
  diff?: string;
  diffOmitted?: string;
  size?: number;
}
interface JsonExplain {
  explanation: { notes: string[]; files: { inContext: JsonFile[]; ignored: JsonFile[]; outsideContext: JsonFile[] } };
}

describe('huge commits', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'deploybisect-huge-'));
  let repo: string;
  let base: string;
  let huge: string;
  let many: string;

  beforeAll(async () => {
    repo = newRepo(scratch, 'repo');
    base = commit(repo, 'base', [file('Dockerfile', 'FROM scratch\nCOPY . /\n'), file('start.sh', 'echo one\n', '100755')]);
    // One line of 200 MiB: text to git, the worst case for a diff (a single "+1" line).
    const big = await writeRepeatedBlob(repo, BIG, 0x61);
    huge = commit(repo, 'add a 200 MiB file', [`M 100644 ${big} big.txt\n`, file('start.sh', 'echo two\n', '100755')]);
    many = commit(
      repo,
      `add ${MANY} files`,
      Array.from({ length: MANY }, (_, i) => file(`many/f${String(i).padStart(5, '0')}.txt`, `file ${i}\n`)),
    );
  }, 60_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const bigNote = 'big.txt is 200.0 MiB: too large to count its lines or show its diff (files over 16.0 MiB are not read)';

  it('explain of a commit adding a 200 MiB file: listed with its size, not read, memory below the file size', async () => {
    const run = await runMeasured(scratch, ['explain', base, huge], repo);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines).toContain(`  Note: ${bigNote}`);
    expect(lines).toContain('    A big.txt (binary)');
    // The small change next to it still has its diff.
    expect(lines).toContain('    M start.sh (+1 -1)');
    expect(lines).toContain('      -echo one');
    expect(lines).toContain('      +echo two');
    expect(run.stdout.length).toBeLessThan(2048);
    // Before: the 200 MiB patch was read into memory (about 690 MB of RSS, 4.7 s).
    expect(run.rss).toBeLessThan(BIG);
  });

  it('explain --json of it: size, why there is no diff, valid and small', async () => {
    const run = await runCli(['explain', base, huge, '--json'], { cwd: repo });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.length).toBeLessThan(8192);
    const result = JSON.parse(run.stdout) as JsonExplain;
    const big = result.explanation.files.inContext.find((f) => f.path === 'big.txt');
    expect(big).toEqual({ path: 'big.txt', status: 'A', added: 0, deleted: 0, binary: true, size: BIG, diffOmitted: 'too-large' });
    expect(result.explanation.files.inContext.find((f) => f.path === 'start.sh')?.diff).toContain('+echo two');
    expect(result.explanation.notes).toEqual([bigNote]);
  });

  it(`explain of a commit adding ${MANY} files: the first 200 listed and how many more, diffs for the first 20 only, with a note; the JSON lists all`, async () => {
    const text = await runMeasured(scratch, ['explain', huge, many], repo);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    const note = `  Note: diffs are shown for 20 of ${MANY} small text files sent to the builder (at most 20 files, 64.0 KiB)`;
    expect(lines).toContain(note);
    expect(lines).toContain(`  Files sent to the builder, which can change the image (${MANY}):`);
    expect(lines.filter((line) => /^ {4}A many\/f\d{5}\.txt \(\+1\)$/.test(line))).toHaveLength(200);
    expect(lines).toContain(`    … and ${MANY - 200} more (the JSON output lists them all)`);
    expect(lines.filter((line) => /^ {6}\+file \d+$/.test(line))).toHaveLength(20);
    expect(lines).toContain('      +file 19');
    expect(lines).not.toContain('      +file 20');
    // Before: a diff for each of the 20,000 files (2.8 MB of output, 9 s); then every file listed (540 KB).
    expect(text.stdout.length).toBeLessThan(30_000);
    expect(text.rss).toBeLessThan(BIG);

    const json = await runCli(['explain', huge, many, '--json'], { cwd: repo });
    expect(json.code, json.stderr).toBe(0);
    const files = (JSON.parse(json.stdout) as JsonExplain).explanation.files.inContext;
    expect(files).toHaveLength(MANY);
    expect(files.filter((f) => f.diff !== undefined)).toHaveLength(20);
    expect(files.filter((f) => f.diffOmitted === 'too-many-files')).toHaveLength(MANY - 20);
  }, 60_000);

  it('streams the build context of both from git objects: 200 MiB and 20,000 files, exact sizes', async () => {
    const ctx = await createBuildContext({ repoDir: repo, commit: many });
    expect(ctx.files).toHaveLength(MANY + 3);
    const tar = await readTar(ctx.tar);
    const big = tar.entries.get(hexOf('big.txt'));
    expect(big).toMatchObject({ type: 'file', size: BIG });
    expect(big?.head.toString('latin1')).toBe('a'.repeat(64));
    expect(tar.entries.get(hexOf('many/f19999.txt'))).toMatchObject({ type: 'file', size: 'file 19999\n'.length });
    expect([...tar.entries.values()].filter((e) => e.type === 'file')).toHaveLength(MANY + 3);
    expect(tar.bytes).toBeGreaterThan(BIG);
  }, 30_000);
});

describe('file names that are not UTF-8 or hold control characters', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'deploybisect-names-'));
  const name = (text: string, ...rest: (number | string)[]) =>
    Buffer.concat([Buffer.from(text), ...rest.map((r) => (typeof r === 'number' ? Buffer.from([r]) : Buffer.from(r)))]);
  const cafe = name('caf', 0xe9, '.txt'); // Latin-1 "café.txt"
  const cafeGrave = name('caf', 0xe8, '.txt'); // differs from it in that byte only
  const cafeCirc = name('caf', 0xea, '.txt');
  const newline = name('new\nline.txt');
  const escape = name('esc\x1b[31mred.txt');
  let repo: string;
  let base: string;
  let odd: string;
  let renamed: string;

  beforeAll(() => {
    repo = newRepo(scratch, 'repo');
    // .dockerignore names caf\xe8.txt with its own byte: it must exclude that file only.
    base = commit(repo, 'base', [
      file('Dockerfile', 'FROM scratch\nCOPY . /\n'),
      file('.dockerignore', Buffer.concat([cafeGrave, Buffer.from('\n')])),
    ]);
    odd = commit(repo, 'odd names', [
      file(cafe, 'hi\n'),
      file(cafeGrave, 'ignored\n'),
      file(newline, 'x\n'),
      file(escape, 'y\n'),
      file('link', cafe, '120000'),
    ]);
    // The same content under a name that differs in one byte that is not UTF-8.
    renamed = commit(repo, 'rename', [
      Buffer.concat([Buffer.from('R '), Buffer.from(cQuote(cafe)), Buffer.from(' '), Buffer.from(cQuote(cafeCirc)), Buffer.from('\n')]),
    ]);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('explain prints every name escaped on its line, sorts them by .dockerignore correctly, and shows the diff', async () => {
    const run = await runCli(['explain', base, odd], { cwd: repo });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('\ufffd');
    expect(run.stdout).not.toContain('\x1b');
    const lines = run.stdout.split('\n');
    const from = lines.indexOf('  Files sent to the builder, which can change the image (4):');
    expect(from).toBeGreaterThan(0);
    const files = lines.slice(from).filter((line) => /^ {2}\S|^ {4}\S/.test(line));
    expect(files).toEqual([
      '  Files sent to the builder, which can change the image (4):',
      '    A caf\\xe9.txt (+1)',
      '    A esc\\x1b[31mred.txt (+1)',
      '    A link (+1)',
      '    A new\\x0aline.txt (+1)',
      '  Changed but ignored by .dockerignore (1):',
      '    A caf\\xe8.txt (+1)',
    ]);
    expect(lines).toContain('      +++ b/caf\\xe9.txt');
    expect(lines).toContain('      +hi');
    expect(lines).toContain('      +caf\\xe9.txt'); // the symlink's target, in its diff
  });

  it('explain --json is valid, printable, and gives each escaped name its exact bytes', async () => {
    const run = await runCli(['explain', base, odd, '--json'], { cwd: repo });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/\\u[dD][89a-fA-F][0-9a-fA-F]{2}/); // no lone surrogates
    const { files } = (JSON.parse(run.stdout) as JsonExplain).explanation;
    const all = [...files.inContext, ...files.ignored, ...files.outsideContext];
    for (const f of all) expect(f.path).not.toMatch(/[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\ufffd]/);
    const bytesOf = (path: string) => {
      const f = all.find((x) => x.path === path);
      return f?.pathBase64 === undefined ? undefined : Buffer.from(f.pathBase64, 'base64').toString('hex');
    };
    expect(bytesOf('caf\\xe9.txt')).toBe(cafe.toString('hex'));
    expect(bytesOf('caf\\xe8.txt')).toBe(cafeGrave.toString('hex'));
    expect(bytesOf('new\\x0aline.txt')).toBe(newline.toString('hex'));
    expect(bytesOf('esc\\x1b[31mred.txt')).toBe(escape.toString('hex'));
    expect(all.find((f) => f.path === 'link')?.pathBase64).toBeUndefined();
  });

  it('the build context tar carries the exact bytes of names and link targets; .dockerignore matches by bytes', async () => {
    const ctx = await createBuildContext({ repoDir: repo, commit: odd });
    const tar = await readTar(ctx.tar);
    expect([...tar.entries.keys()].sort()).toEqual([cafe, escape, newline, '.dockerignore', 'Dockerfile', 'link'].map(hexOf).sort());
    expect(tar.entries.get(hexOf(cafe))?.head.toString()).toBe('hi\n');
    expect(tar.entries.get(hexOf('link'))).toMatchObject({ type: 'symlink' });
    expect(tar.entries.get(hexOf('link'))?.linkname.equals(cafe)).toBe(true);
  });

  it('two names that differ in a byte that is not UTF-8 give two fingerprints (no shared verdict)', async () => {
    const [before, after] = await Promise.all([
      planBuildContext({ repoDir: repo, commit: odd }),
      planBuildContext({ repoDir: repo, commit: renamed }),
    ]);
    expect(after.fingerprint).not.toBe(before.fingerprint);
    const explained = await runCli(['explain', odd, renamed], { cwd: repo });
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout.split('\n')).toContain('    R caf\\xe9.txt -> caf\\xea.txt (no line changes)');
  });
});

describe('huge commit and odd names through Docker', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'deploybisect-huge-docker-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('deploybisect test sends a 200 MiB file and a non-UTF-8 name: exact bytes arrive, memory below the file size', async () => {
    await requireEngine();
    const repo = newRepo(scratch, 'repo');
    const cafe = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.txt')]);
    const zeros = await writeRepeatedBlob(repo, BIG, 0);
    const sha = commit(repo, 'huge and odd', [
      file(
        'Dockerfile',
        'FROM deploybisect-test/busybox:2\n' +
          'COPY caf* link /ctx/\n' +
          // Only the exact bytes satisfy this test; a U+FFFD in the name would not.
          `RUN test -f "/ctx/$(printf 'caf\\351.txt')" && test "$(cat /ctx/link)" = hi && test "$(ls /ctx | wc -l)" = 2\n` +
          // big.bin is sent with the context but not copied (a 200 MiB layer would only cost time);
          // its bytes in the tar are checked without Docker above.
          'CMD ["true"]\n',
      ),
      file(cafe, 'hi\n'),
      file('link', cafe, '120000'),
      `M 100644 ${zeros} big.bin\n`,
    ]);
    const run = await runMeasured(scratch, ['test', sha, '--probe', 'exit:0', '--network', 'none', '--no-cache'], repo);
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    expect(run.stdout).toMatch(/^healthy: /);
    expect(run.rss).toBeLessThan(BIG);
  }, 120_000);
});
