/**
 * One long-lived `git cat-file --batch` process: object names go in on stdin, objects come
 * back on stdout as "<oid> <type> <size>\n<content>\n", in order. Contents are streamed in
 * chunks, so a build context of any size costs one process and bounded memory.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

import { GitError } from '../errors.js';
import { firstLine, spawnGit } from './git-exec.js';

export type BatchObject =
  | { kind: 'found'; query: string; oid: string; type: string; size: number }
  /** Not found; with --follow-symlinks also a symlink leaving the tree, dangling, looping or through a file. */
  | { kind: 'missing'; query: string; reason: string };

export class CatFileBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer = Buffer.alloc(0);
  private readonly queries: string[] = [];
  private stderr = '';
  private exited = false;

  private constructor(repoDir: string, followSymlinks: boolean) {
    const args = ['cat-file', '--batch'];
    if (followSymlinks) args.push('--follow-symlinks');
    this.child = spawnGit(repoDir, args);
    this.child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += chunk.toString('utf8');
    });
    this.child.on('error', () => {
      /* surfaces as an early end of stdout, reported with stderr by readLine */
    });
    this.child.on('close', () => {
      this.exited = true;
    });
    this.child.stdin.on('error', () => {
      /* git went away; reading stdout reports it */
    });
    this.chunks = this.child.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /**
   * Starts the process. With followSymlinks, `<tree-ish>:<path>` queries follow symlinks
   * inside the tree (used to read a Dockerfile or .dockerignore the way a checkout would).
   */
  static start(repoDir: string, options: { followSymlinks?: boolean } = {}): CatFileBatch {
    return new CatFileBatch(repoDir, options.followSymlinks ?? false);
  }

  /** Queues object names (oids or `<rev>:<path>`); answers come back from next() in order. */
  request(names: readonly string[]): void {
    for (const name of names) {
      if (/[\n\r\0]/.test(name)) throw new GitError(`cannot ask git for object name ${JSON.stringify(name)}`);
    }
    this.queries.push(...names);
    if (names.length > 0) this.child.stdin.write(names.map((name) => `${name}\n`).join(''));
  }

  /** The header of the next answer. A found object's content must be consumed before the next call. */
  async next(): Promise<BatchObject> {
    const query = this.queries.shift();
    if (query === undefined) throw new Error('CatFileBatch.next() without a pending request');
    const line = await this.readLine();
    const found = /^([0-9a-f]{40}|[0-9a-f]{64}) (\S+) (\d+)$/.exec(line);
    if (found) return { kind: 'found', query, oid: found[1] ?? '', type: found[2] ?? '', size: Number(found[3]) };
    if (line === `${query} missing` || line === `${query} ambiguous`) {
      return { kind: 'missing', query, reason: line.slice(query.length + 1) };
    }
    // --follow-symlinks answers "symlink|dangling|loop|notdir <size>\n<detail>\n"
    const unresolved = /^(symlink|dangling|loop|notdir) (\d+)$/.exec(line);
    if (unresolved) {
      await this.readBody(Number(unresolved[2]));
      return { kind: 'missing', query, reason: unresolved[1] ?? '' };
    }
    throw new GitError(`unexpected answer from git cat-file --batch: ${JSON.stringify(line.slice(0, 200))}`);
  }

  /** Streams the content of the object whose header next() just returned. */
  async *body(size: number): AsyncGenerator<Buffer> {
    let left = size;
    while (left > 0) {
      if (this.pending.length === 0) this.pending = await this.readChunk();
      const take = Math.min(left, this.pending.length);
      const piece = this.pending.subarray(0, take);
      this.pending = this.pending.subarray(take);
      left -= take;
      yield piece;
    }
    await this.expectNewline();
  }

  /** Reads the whole content of the current object into memory (for small objects). */
  async readBody(size: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of this.body(size)) parts.push(Buffer.from(part));
    return Buffer.concat(parts, size);
  }

  /** Skips the content of the current object. */
  async skipBody(size: number): Promise<void> {
    for await (const _ of this.body(size)) {
      /* discard */
    }
  }

  /** Ends the process (closing stdin lets git exit; kill if it is still running). */
  close(): void {
    this.child.stdin.end();
    if (!this.exited) this.child.kill();
  }

  private async readLine(): Promise<string> {
    for (;;) {
      const end = this.pending.indexOf(0x0a);
      if (end >= 0) {
        const line = this.pending.subarray(0, end).toString('utf8');
        this.pending = this.pending.subarray(end + 1);
        return line;
      }
      this.pending = Buffer.concat([this.pending, await this.readChunk()]);
    }
  }

  private async expectNewline(): Promise<void> {
    if (this.pending.length === 0) this.pending = await this.readChunk();
    if (this.pending[0] !== 0x0a) throw new GitError('git cat-file --batch: malformed output (no newline after object)');
    this.pending = this.pending.subarray(1);
  }

  private async readChunk(): Promise<Buffer> {
    const result = await this.chunks.next();
    if (result.done) {
      await new Promise((resolve) => (this.exited ? resolve(undefined) : this.child.once('close', resolve)));
      throw new GitError(`git cat-file --batch ended early: ${firstLine(this.stderr) || 'no message'}`);
    }
    return result.value;
  }
}
