/**
 * What each of many commits changed against one chosen parent, from ONE
 * `git diff-tree --stdin` process: "<commit> <parent>" lines go in, raw diff records come
 * out, commit by commit in input order. Tree entries are included (`-t`), so a directory
 * that appears or disappears is reported as its own record. Read-only plumbing.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

import { GitError } from '../errors.js';
import { DiffTreeParser, type CommitDiff } from './diff-tree-parser.js';
import { firstLine, spawnGit } from './git-exec.js';

export type { CommitDiff } from './diff-tree-parser.js';

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

const DIFF_TREE_ARGS = [
  'diff-tree',
  '--stdin',
  '-r',
  '-t',
  '--raw',
  '-z',
  '--no-renames',
  '--always',
  '--ignore-submodules=none',
  '--no-ext-diff',
];

function startDiffTree(
  repoDir: string,
  pairs: readonly (readonly [string, string])[],
  visit: (diff: CommitDiff, index: number) => void,
): DiffTreeRun {
  // Block-buffered output (GIT_FLUSH=0): git would otherwise write once per input line. Safe
  // here: nothing waits for an answer before writing more input.
  const child = spawnGit(repoDir, DIFF_TREE_ARGS, { bufferedOutput: true });
  return new DiffTreeProcess(child, pairs, new DiffTreeParser(pairs, visit));
}

/** Pairs written to git's stdin at once. */
const FEED_SLICE = 4096;

/** One `git diff-tree --stdin` at work: the pairs fed in, its output parsed, its end reported by `done`. */
class DiffTreeProcess implements DiffTreeRun {
  readonly done: Promise<void>;
  private settle!: { resolve: () => void; reject: (error: unknown) => void };
  /** Set once the run has failed (or was cancelled): what `done` rejects with. */
  private failure: { error: unknown } | undefined;
  private stderr = '';
  /** The next pair to write to git's stdin. */
  private fed = 0;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly pairs: readonly (readonly [string, string])[],
    private readonly parser: DiffTreeParser,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.listen();
    this.feed();
  }

  pause(): void {
    this.child.stdout.pause();
  }

  resume(): void {
    this.child.stdout.resume();
  }

  cancel(): void {
    if (this.failure) return;
    this.failure = { error: new GitError('git diff-tree cancelled') };
    this.stop();
    this.done.catch(() => {
      /* nobody waits for a cancelled run */
    });
  }

  private listen(): void {
    const { child } = this;
    child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => {
      /* git went away; the exit code and stderr say why */
    });
    child.stdout.on('data', (chunk: Buffer) => {
      try {
        this.parser.push(chunk);
      } catch (error) {
        this.fail(error);
      }
    });
    child.on('error', (error) => {
      // git could not be started (or signalled): there is no output to wait for.
      this.fail(new GitError(`git diff-tree failed: ${error.message}`, { cause: error }));
      this.settle.reject(this.failure?.error);
    });
    child.on('close', (code) => this.finish(code));
  }

  /** Once git has exited: resolves `done`, or rejects it with the first thing that went wrong. */
  private finish(code: number | null): void {
    if (this.failure) return this.settle.reject(this.failure.error);
    try {
      this.parser.end();
    } catch (error) {
      return this.settle.reject(error);
    }
    const message = firstLine(this.stderr) || 'no message';
    if (code !== 0) return this.settle.reject(new GitError(`git diff-tree failed (exit ${code ?? -1}): ${message}`));
    if (this.parser.answered !== this.pairs.length) {
      return this.settle.reject(
        new GitError(`git diff-tree answered for ${this.parser.answered} of ${this.pairs.length} commits: ${message}`),
      );
    }
    this.settle.resolve();
  }

  /** Feeds the pairs in slices so a huge range never sits in memory twice; stdout is read meanwhile. */
  private feed(): void {
    const { child, pairs } = this;
    while (this.fed < pairs.length && this.failure === undefined && !child.stdin.destroyed) {
      let text = '';
      const end = Math.min(pairs.length, this.fed + FEED_SLICE);
      for (; this.fed < end; this.fed++) {
        const pair = pairs[this.fed] as readonly [string, string];
        text += `${pair[0]} ${pair[1]}\n`;
      }
      if (!child.stdin.write(text)) {
        child.stdin.once('drain', () => this.feed());
        return;
      }
    }
    if (this.fed >= pairs.length) child.stdin.end();
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    this.stop();
  }

  private stop(): void {
    const { child } = this;
    child.stdout.removeAllListeners('data');
    child.stdout.resume();
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}
