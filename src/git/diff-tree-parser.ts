/**
 * The `-z --raw --stdin` output of `git diff-tree -r -t`, parsed chunk by chunk as git writes it
 * (diff-tree-stream.ts runs git): one CommitDiff per commit of the input, in order.
 */
import { GitError } from '../errors.js';
import { decodeGitPath } from './path-bytes.js';
import { ChunkSplitter } from './split-chunks.js';

export interface RawChange {
  /** Octal git modes as printed: '000000' (absent), '040000' (tree), '100644', '100755', '120000', '160000'. */
  oldMode: string;
  newMode: string;
  newOid: string;
  /** A, D, M, T (type change), … (no renames: --no-renames). */
  status: string;
  path: string;
}

export interface CommitDiff {
  commit: string;
  changes: RawChange[];
}

/** The start of a tree → tree record (a directory whose content changed). */
const TREE_MODIFIED = ':040000 040000 ';

/**
 * The `-z --raw` output of diff-tree, parsed as it arrives: NUL-terminated tokens, each a
 * commit header (the commit id), a record's ":<modes> <oids> <status>" or that record's path.
 * Tokens are read in place from git's chunks (only one cut by a chunk boundary is copied);
 * strings are made only for what a RawChange holds.
 */
export class DiffTreeParser {
  /** Pairs answered so far (their headers seen). */
  answered = 0;
  /** The commit whose records are being read, and its records so far (copied to an array of the exact size when done). */
  private current: string | undefined;
  private readonly changes: RawChange[] = [];
  private changeCount = 0;
  /** A record waiting for its path: its fields (pendingOid undefined while none is). */
  private pendingOldMode = '';
  private pendingNewMode = '';
  private pendingOid: string | undefined;
  private pendingStatus = '';
  /** The path of a record left out comes next. */
  private skipPath = false;
  /** The start of a token whose end is in a later chunk. */
  private readonly splitter = new ChunkSplitter(0, (buffer, start, end) => this.token(buffer, start, end));

  constructor(
    private readonly pairs: readonly (readonly [string, string])[],
    private readonly visit: (diff: CommitDiff, index: number) => void,
  ) {}

  push(chunk: Buffer): void {
    this.splitter.push(chunk);
  }

  /** At the end of git's output: the last commit's diff. */
  end(): void {
    // An unterminated token can only be cut-off output: the exit code or the count of
    // answers reports it.
    this.splitter.takeRest();
    this.flush();
  }

  private flush(): void {
    if (this.current === undefined) return;
    const diff: CommitDiff = { commit: this.current, changes: this.changes.slice(0, this.changeCount) };
    this.current = undefined;
    this.changeCount = 0;
    this.visit(diff, this.answered - 1);
  }

  private token(buf: Buffer, from: number, to: number): void {
    if (this.skipPath) {
      this.skipPath = false;
      return;
    }
    const newOid = this.pendingOid;
    if (newOid !== undefined) {
      this.pendingOid = undefined;
      // Records before any commit header (there are none) would be dropped.
      if (this.current !== undefined) {
        this.changes[this.changeCount++] = {
          oldMode: this.pendingOldMode,
          newMode: this.pendingNewMode,
          newOid,
          status: this.pendingStatus,
          path: decodeGitPath(buf, from, to),
        };
      }
      return;
    }
    if (buf[from] === 0x3a /* ':' */) {
      if (to - from >= TREE_MODIFIED.length && sameAscii(buf, from, from + TREE_MODIFIED.length, TREE_MODIFIED)) {
        this.skipPath = true;
      } else {
        this.meta(buf, from, to);
      }
      return;
    }
    // A commit header: the commit id of the next pair, compared in place.
    const expected = this.pairs[this.answered]?.[0];
    if (expected === undefined || !sameAscii(buf, from, to, expected)) {
      const token = buf.toString('latin1', from, to);
      if (/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(token)) {
        throw new GitError(`git diff-tree answered for ${token}, expected ${expected ?? 'nothing'}`);
      }
      throw new GitError(`unexpected output from git diff-tree: ${JSON.stringify(buf.toString('utf8', from, to).slice(0, 200))}`);
    }
    this.flush();
    this.answered++;
    this.current = expected;
  }

  /** A record's ":<old mode> <new mode> <old oid> <new oid> <status>", read in place; its path is the next token. */
  private meta(buf: Buffer, from: number, to: number): void {
    let oldEnd = -1;
    let newEnd = -1;
    let oldOidEnd = -1;
    let newOidEnd = -1;
    for (let p = from + 1, field = 0; p < to && field < 4; p++) {
      if (buf[p] !== 0x20) continue;
      if (field === 0) oldEnd = p;
      else if (field === 1) newEnd = p;
      else if (field === 2) oldOidEnd = p;
      else newOidEnd = p;
      field++;
    }
    if (newOidEnd < 0) throw new GitError(`unexpected record from git diff-tree: ${JSON.stringify(buf.toString('latin1', from, to))}`);
    // The status is the fifth field (a single letter here: no renames or copies, so no scores).
    let statusEnd = newOidEnd + 1;
    while (statusEnd < to && buf[statusEnd] !== 0x20) statusEnd++;
    this.pendingOldMode = oldEnd - from - 1 === 6 ? mode(buf, from + 1) : buf.toString('latin1', from + 1, oldEnd);
    this.pendingNewMode = newEnd - oldEnd - 1 === 6 ? mode(buf, oldEnd + 1) : buf.toString('latin1', oldEnd + 1, newEnd);
    this.pendingStatus =
      statusEnd - newOidEnd - 1 === 1
        ? (STATUS[buf[newOidEnd + 1] as number] ?? buf.toString('latin1', newOidEnd + 1, statusEnd))
        : buf.toString('latin1', newOidEnd + 1, statusEnd);
    this.pendingOid = buf.toString('latin1', oldOidEnd + 1, newOidEnd);
  }
}

/** True when bytes [from, to) of buf are exactly the (ASCII) text. */
function sameAscii(buf: Buffer, from: number, to: number, text: string): boolean {
  if (to - from !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (buf[from + k] !== text.charCodeAt(k)) return false;
  return true;
}

const MODES = ['000000', '040000', '100644', '100755', '120000', '160000'];

/** One of the usual modes without making a string, else the bytes as they are. */
function mode(buf: Buffer, from: number): string {
  for (const m of MODES) if (sameAscii(buf, from, from + 6, m)) return m;
  return buf.toString('latin1', from, from + 6);
}

const STATUS: (string | undefined)[] = [];
for (const s of 'ACDMRTUX') STATUS[s.charCodeAt(0)] = s;
