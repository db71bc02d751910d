/**
 * Loads the history a bisection runs over: `git rev-list --parents bad --not good...` with commit
 * dates, in rev-list's own order (the order `git bisect` works with). Read-only: runs rev-list and
 * log only, never `git bisect` or anything that writes to the repository.
 */
import type { CommitGraph, CommitNode } from '../bisect/commit-graph.js';
import { GitError, UsageError } from '../errors.js';
import { firstLine, streamGit } from './git-exec.js';
import { ChunkSplitter } from './split-chunks.js';

const OBJECT_NAME = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function requireObjectName(sha: string, role: string): void {
  if (!OBJECT_NAME.test(sha)) {
    throw new UsageError(`${role} must be a full commit id (40 or 64 hex digits), got '${sha}'`);
  }
}

export async function loadCommitGraph(
  repoDir: string,
  bad: string,
  goods: string[],
  opts?: { firstParent?: boolean },
): Promise<CommitGraph> {
  requireObjectName(bad, 'bad commit');
  for (const good of goods) requireObjectName(good, 'good commit');

  const args = ['rev-list', '--parents', '--timestamp'];
  if (opts?.firstParent) args.push('--first-parent');
  args.push('--end-of-options', bad, ...goods.map((g) => `^${g}`), '--');

  // A hot streaming path, so not through simple-git (git-porcelain.ts): it buffers the whole
  // output and hands it over as one string, which for a range of 100,000 commits would cost
  // about as much as git's own walk. Here git runs through the spawn layer (git-exec.ts:
  // controlled environment, block-buffered stdout) and its output is parsed chunk by chunk
  // while git is still walking.
  const parser = new RevListParser();
  let parseError: unknown;
  const onChunk = (chunk: Buffer): void => {
    try {
      parser.push(chunk);
    } catch (error) {
      parseError = error;
      throw error;
    }
  };
  let result: { code: number; stderr: string };
  try {
    result = await streamGit(repoDir, args, onChunk, { bufferedOutput: true });
  } catch (cause) {
    // Unexpected output is reported as itself, as before; anything else (no such directory,
    // git missing) is a failed rev-list.
    if (parseError !== undefined && cause === parseError) throw cause;
    throw new GitError(`git rev-list failed in ${repoDir}: ${String(cause)}`, { cause });
  }
  if (result.code !== 0) {
    const message = firstLine(result.stderr) || 'no message';
    throw new GitError(`git rev-list failed in ${repoDir}: ${message} (exit ${result.code})`);
  }
  return { commits: parser.end() };
}

/** Parses lines of `rev-list --timestamp --parents`: "<date> <sha> <parent>...". */
export function parseRevList(output: string): CommitNode[] {
  const parser = new RevListParser();
  parser.push(Buffer.from(output, 'utf8'));
  return parser.end();
}

/** Bytes that `\s` matches in the ASCII range: tab, line feed, vertical tab, form feed, carriage return, space. */
const SPACE = new Uint8Array(256);
for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) SPACE[c] = 1;
/** Lowercase hex digits. */
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdef') HEX[c.charCodeAt(0)] = 1;

/**
 * Incremental parser of `git rev-list --timestamp --parents` output, fed chunk by chunk as git
 * produces it: one CommitNode per line "<date> <sha> <parent>...", blank lines skipped, a
 * GitError for anything else. Lines are scanned as bytes (no string per line, no regex); a line
 * the fast path does not accept (not ASCII, odd fields) is handed to the plain string parse,
 * which gives the same result or the same error as before.
 */
export class RevListParser {
  private readonly commits: CommitNode[] = [];
  /** The start of a line whose end is in a later chunk. */
  private readonly splitter = new ChunkSplitter(0x0a, (buffer, start, end) => this.line(buffer, start, end));
  /** The first parent of the last commit parsed. */
  private lastFirstParent: string | undefined;

  push(chunk: Buffer): void {
    this.splitter.push(chunk);
  }

  /** The commits, in output order, once all of the output has been pushed. */
  end(): CommitNode[] {
    const last = this.splitter.takeRest();
    if (last !== undefined) this.line(last, 0, last.length);
    return this.commits;
  }

  private line(buf: Buffer, start: number, end: number): void {
    let p = start;
    while (p < end && SPACE[buf[p] as number] === 1) p++;
    if (p === end) return; // blank

    // <date>: -?[0-9]+
    const dateStart = p;
    if (buf[p] === 0x2d /* '-' */) p++;
    const digitsStart = p;
    let value = 0;
    for (let c = buf[p] as number; p < end && c >= 0x30 && c <= 0x39; c = buf[++p] as number) value = value * 10 + (c - 0x30);
    const digits = p - digitsStart;
    if (digits === 0 || p === end || SPACE[buf[p] as number] !== 1) return this.slowLine(buf, start, end);
    // Past 15 digits the running sum may round differently from Number().
    const date = digits > 15 ? Number(buf.toString('latin1', dateStart, p)) : dateStart === digitsStart ? value : -value;

    // <sha> <parent>...: lowercase hex, the sha 40 or 64 digits long
    while (p < end && SPACE[buf[p] as number] === 1) p++;
    const shaStart = p;
    while (p < end && HEX[buf[p] as number] === 1) p++;
    const shaLength = p - shaStart;
    if ((shaLength !== 40 && shaLength !== 64) || (p < end && SPACE[buf[p] as number] !== 1)) return this.slowLine(buf, start, end);
    // Where each parent starts and ends, then the strings: arrays of their exact size (one
    // parent almost always), not arrays grown by push with room to spare.
    let bounds: number[] | undefined;
    let first = -1;
    let firstEnd = -1;
    for (;;) {
      while (p < end && SPACE[buf[p] as number] === 1) p++;
      if (p === end) break;
      const parentStart = p;
      while (p < end && HEX[buf[p] as number] === 1) p++;
      if (p < end && SPACE[buf[p] as number] !== 1) return this.slowLine(buf, start, end);
      if (first < 0) {
        first = parentStart;
        firstEnd = p;
      } else (bounds ??= []).push(parentStart, p);
    }
    // In rev-list order a commit's line usually follows its child's: the child's first parent
    // is this very id, and sharing that string (instead of an equal copy) makes the lookups
    // of later passes (sha → position maps) cheaper and the graph smaller.
    const previous = this.lastFirstParent;
    const sha =
      previous !== undefined && sameAscii(buf, shaStart, shaStart + shaLength, previous)
        ? previous
        : buf.toString('latin1', shaStart, shaStart + shaLength);
    let parents: string[];
    if (first < 0) parents = [];
    else if (bounds === undefined) parents = [buf.toString('latin1', first, firstEnd)];
    else {
      parents = [buf.toString('latin1', first, firstEnd)];
      for (let k = 0; k < bounds.length; k += 2) parents.push(buf.toString('latin1', bounds[k] as number, bounds[k + 1] as number));
    }
    this.lastFirstParent = parents[0];
    this.commits.push({ sha, parents, date });
  }

  /** The plain string parse of one line, for whatever the byte scan does not accept. */
  private slowLine(buf: Buffer, start: number, end: number): void {
    const line = buf.toString('utf8', start, end);
    const fields = line
      .trim()
      .split(/\s+/)
      .filter((f) => f.length > 0);
    if (fields.length === 0) return;
    const [date, sha, ...parents] = fields;
    if (sha === undefined || !OBJECT_NAME.test(sha) || !/^-?\d+$/.test(date ?? '')) {
      throw new GitError(`unexpected line from git rev-list: '${line}'`);
    }
    this.lastFirstParent = parents[0];
    this.commits.push({ sha, parents, date: Number(date) });
  }
}

/** True when bytes [from, to) of buf are exactly the (ASCII) text. */
function sameAscii(buf: Buffer, from: number, to: number, text: string): boolean {
  if (to - from !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (buf[from + k] !== text.charCodeAt(k)) return false;
  return true;
}
