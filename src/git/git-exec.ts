/**
 * The spawn layer: git as a child process, for what simple-git (git-porcelain.ts) cannot do:
 * the streaming protocols (`cat-file --batch`, `diff-tree --stdin`, a streamed `rev-list`),
 * output that must be read as exact bytes (path names that are not UTF-8, blobs), and the few
 * synchronous calls (simple-git is asynchronous only). The environment is git-env.ts's.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';

import { GitError, UsageError } from '../errors.js';
import { gitEnv, type GitEnvOptions } from './git-env.js';

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export type SpawnGitOptions = GitEnvOptions;

/** Starts `git <args>` in repoDir with the controlled environment; the caller owns the streams. */
export function spawnGit(repoDir: string, args: string[], options: SpawnGitOptions = {}): ChildProcessWithoutNullStreams {
  return spawn('git', args, { cwd: repoDir, env: gitEnv(options), stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * Runs git to completion and returns its exit code and output. Never throws for a non-zero
 * exit code (callers decide what a code means); throws UsageError when repoDir does not
 * exist and GitError when git cannot be started at all.
 */
export function runGit(repoDir: string, args: string[], input?: string | Buffer): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawnGit(repoDir, args);
    } catch (error) {
      reject(spawnFailure(repoDir, error));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(spawnFailure(repoDir, error)));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => {
      /* git may exit before reading all of its input; the exit code tells what happened */
    });
    child.stdin.end(input ?? '');
  });
}

export interface StreamedGitResult {
  code: number;
  stderr: string;
}

/**
 * Runs git to completion with no input, handing each chunk of stdout to onChunk as it arrives
 * (nothing is buffered here, so memory stays bounded however long the output). Never throws
 * for a non-zero exit code (callers decide what a code means). When onChunk throws, the rest
 * of the output is drained unread and, once git has exited with code 0, that error is thrown
 * (with a non-zero code the result is returned: git's failure is the better explanation).
 * Throws UsageError when repoDir does not exist and GitError when git cannot be started.
 */
export function streamGit(
  repoDir: string,
  args: string[],
  onChunk: (chunk: Buffer) => void,
  options: SpawnGitOptions = {},
): Promise<StreamedGitResult> {
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawnGit(repoDir, args, options);
    } catch (error) {
      reject(spawnFailure(repoDir, error));
      return;
    }
    let failure: { error: unknown } | undefined;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (failure) return;
      try {
        onChunk(chunk);
      } catch (error) {
        failure = { error };
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 65536) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => reject(spawnFailure(repoDir, error)));
    child.on('close', (code) => {
      // A failed git explains odd output better than the error it caused.
      if (failure && code === 0) reject(failure.error);
      else resolve({ code: code ?? -1, stderr });
    });
    child.stdin.on('error', () => {
      /* git does not read its input; the exit code tells what happened */
    });
    child.stdin.end();
  });
}

/** Runs git and returns stdout; a non-zero exit code becomes a GitError carrying git's message. */
export async function gitOutput(repoDir: string, args: string[], input?: string | Buffer): Promise<Buffer> {
  const result = await runGit(repoDir, args, input);
  if (result.code !== 0) throw gitFailure(args, result);
  return result.stdout;
}

export function gitFailure(args: string[], result: Pick<GitResult, 'code' | 'stderr'>): GitError {
  return new GitError(`git ${args[0] ?? ''} failed (exit ${result.code}): ${firstLine(result.stderr) || 'no message'}`);
}

export function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim();
}

export interface SyncGitOptions {
  /** The environment (default: gitEnv(), for reading the user's repository). */
  env?: NodeJS.ProcessEnv;
  /** Largest stdout accepted, in bytes (default 1 MiB, as child_process's). */
  maxBuffer?: number;
}

/**
 * Runs git to completion synchronously (for synchronous callers only: it blocks the event loop).
 * Never throws for a non-zero exit code; throws UsageError when repoDir does not exist and
 * GitError when git cannot be started (or its output exceeds maxBuffer).
 */
export function runGitSync(repoDir: string, args: string[], options: SyncGitOptions = {}): GitResult {
  const result = spawnSync('git', args, {
    cwd: repoDir,
    env: options.env ?? gitEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: options.maxBuffer ?? 1024 * 1024,
  });
  if (result.error) throw spawnFailure(repoDir, result.error);
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

/** runGitSync's stdout; a non-zero exit code becomes a GitError carrying git's message. */
export function gitOutputSync(repoDir: string, args: string[], options: SyncGitOptions = {}): Buffer {
  const result = runGitSync(repoDir, args, options);
  if (result.code !== 0) throw gitFailure(args, result);
  return result.stdout;
}

/** The error for a git that could not be run in repoDir: a usage error when the directory is not there. */
function spawnFailure(repoDir: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if ((code === 'ENOENT' || code === 'ENOTDIR') && !isDirectory(repoDir)) {
    // spawn reports a missing cwd as ENOENT, the same as a missing git binary.
    return new UsageError(`not a git repository: ${repoDir} (no such directory)`, { cause: error });
  }
  return new GitError(`cannot run git in ${repoDir}: ${(error as Error).message}`, { cause: error });
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The installed git's version (`git version 2.39.5` → `2.39.5`); undefined when git cannot be started. */
export async function gitVersion(): Promise<string | undefined> {
  try {
    const { code, stdout } = await runGit(tmpdir(), ['--version']);
    return code === 0 ? (/git version (\S+)/.exec(stdout.toString('utf8'))?.[1] ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}
