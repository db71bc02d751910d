/**
 * What each of many commits changed against one chosen parent, from ONE
 * `git diff-tree --stdin` process: "<commit> <parent>" lines go in, raw diff records come
 * out, commit by commit in input order. Tree entries are included (`-t`), so a directory
 * that appears or disappears is reported as its own record. Read-only plumbing.
 */
import { ChunkSplitter } from './split-chunks.js';
import { GitError } from '../errors.js';
import { firstLine, spawnGit } from './git-exec.js';
import { decodeGitPath } from './path-bytes.js';

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
 * Diffs every `[commit, parent]` pair, yielding one CommitDiff per pair in the same order.
 * Memory stays bounded: git's output is consumed as it is produced (and paused while diffs wait
 * for the consumer). A directory whose content changed (tree → tree, 'M') is left out: its
 * changed entries are reported on their own.
 */
export async function* diffTreeStream(repoDir: string, pairs: readonly (readonly [string, string])[]): AsyncGenerator<CommitDiff> {
  if (pairs.length === 0) return;
  const ready: CommitDiff[] = [];
  let wake: (() => void) | undefined;
  const run = startDiffTree(repoDir, pairs, (diff) => {
    ready.push(diff);
    if (ready.length >= 1024) run.pause();
    wake?.();
  });
  let finished: { error?: unknown } | undefined;
  run.done.then(
    () => {
      finished = {};
      wake?.();
    },
    (error: unknown) => {
      finished = { error };
      wake?.();
    },
  );
  try {
    for (;;) {
      if (ready.length > 0) {
        const batch = ready.splice(0, ready.length);
        run.resume();
        yield* batch;
        continue;
      }
      if (finished) {
        if ('error' in finished) throw finished.error;
        return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    run.cancel();
  }
}

/**
 * Diffs every `[commit, parent]` pair, calling `visit(diff, index)` for each, in order, as git's
 * output arrives (no promise per commit); resolves once all pairs are diffed. Same records as
 * diffTreeStream. Throws GitError when git fails or answers out of order; what visit throws
 * ends the diff and is thrown.
 */
export function diffTreeEach(
  repoDir: string,
  pairs: readonly (readonly [string, string])[],
  visit: (diff: CommitDiff, index: number) => void,
): Promise<void> {
  if (pairs.length === 0) return Promise.resolve();
  return startDiffTree(repoDir, pairs, visit).done;
}

interface DiffTreeRun {
  done: Promise<void>;
  pause(): void;
  resume(): void;
  /** Stops git if it is still running; done then settles without further visits. */
  cancel(): void;
}

function startDiffTree(
  repoDir: string,
  pairs: readonly (readonly [string, string])[],
  visit: (diff: CommitDiff, index: number) => void,
): DiffTreeRun {
  const args = ['diff-tree', '--stdin', '-r', '-t', '--raw', '-z', '--no-renames', '--always', '--ignore-submodules=none', '--no-ext-diff'];
  // Block-buffered output (GIT_FLUSH=0): git would otherwise write once per input line. Safe
  // here: nothing waits for an answer before writing more input.
  const child = spawnGit(repoDir, args, { bufferedOutput: true });
  let failure: { error: unknown } | undefined;
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const stop = (): void => {
    child.stdout.removeAllListeners('data');
    child.stdout.resume();
    if (child.exitCode === null && child.signalCode === null) child.kill();
  };
  const fail = (error: unknown): void => {
    if (failure) return;
    failure = { error };
    stop();
  };
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  child.stdin.on('error', () => {
    /* git went away; the exit code and stderr say why */
  });
  const parser = new DiffTreeParser(pairs, visit);
  child.stdout.on('data', (chunk: Buffer) => {
    try {
      parser.push(chunk);
    } catch (error) {
      fail(error);
    }
  });
  child.on('error', (error) => {
    // git could not be started (or signalled): there is no output to wait for.
    fail(new GitError(`git diff-tree failed: ${error.message}`, { cause: error }));
    settle?.reject(failure?.error);
  });
  child.on('close', (code) => {
    if (failure) return settle?.reject(failure.error);
    try {
      parser.end();
    } catch (error) {
      return settle?.reject(error);
    }
    if (code !== 0) return settle?.reject(new GitError(`git diff-tree failed (exit ${code ?? -1}): ${firstLine(stderr) || 'no message'}`));
    if (parser.answered !== pairs.length) {
      return settle?.reject(new GitError(`git diff-tree answered for ${parser.answered} of ${pairs.length} commits: ${firstLine(stderr) || 'no message'}`));
    }
    settle?.resolve();
  });

  // Feed in slices so a huge range never sits in memory twice; stdout is read meanwhile.
  const slice = 4096;
  let i = 0;
  const feed = (): void => {
    while (i < pairs.length && failure === undefined && !child.stdin.destroyed) {
      let text = '';
      const end = Math.min(pairs.length, i + slice);
      for (; i < end; i++) {
        const pair = pairs[i] as readonly [string, string];
        text += `${pair[0]} ${pair[1]}\n`;
      }
      if (!child.stdin.write(text)) {
        child.stdin.once('drain', feed);
        return;
      }
    }
    if (i >= pairs.length) child.stdin.end();
  };
  feed();

  return {
    done,
    pause: () => child.stdout.pause(),
    resume: () => child.stdout.resume(),
    cancel: () => {
      if (failure) return;
      failure = { error: new GitError('git diff-tree cancelled') };
      stop();
      done.catch(() => {
        /* nobody waits for a cancelled run */
      });
    },
  };
}

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
        this.changes[this.changeCount++] = { oldMode: this.pendingOldMode, newMode: this.pendingNewMode, newOid, status: this.pendingStatus, path: decodeGitPath(buf, from, to) };
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
