/**
 * Running git as a child process, read-only. Every command deploybisect runs against the
 * user's repository goes through here, so the environment is controlled in one place:
 * no optional locks (a read must never rewrite the index), no prompts, a stable locale,
 * and no inherited GIT_DIR / GIT_WORK_TREE / GIT_INDEX_FILE that would point git
 * somewhere other than the repository we were given.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { statSync } from 'node:fs';
import { GitError, UsageError } from '../errors.js';

const STRIPPED_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
];

export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of STRIPPED_ENV) delete env[name];
  env.GIT_OPTIONAL_LOCKS = '0';
  env.GIT_TERMINAL_PROMPT = '0';
  env.LC_ALL = 'C';
  return env;
}

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface SpawnGitOptions {
  /**
   * Let git block-buffer its stdout (GIT_FLUSH=0). Writing to a pipe, git otherwise flushes
   * after every record of some commands (rev-list per commit, diff-tree --stdin per input
   * line) for interactive readers: one write per commit, and as many small reads here. Only
   * for a reader that consumes the output to its end, never for a request/answer exchange.
   */
  bufferedOutput?: boolean;
}

/** Starts `git <args>` in repoDir with the controlled environment; the caller owns the streams. */
export function spawnGit(repoDir: string, args: string[], options: SpawnGitOptions = {}): ChildProcessWithoutNullStreams {
  const env = gitEnv();
  if (options.bufferedOutput) env.GIT_FLUSH = '0';
  return spawn('git', args, { cwd: repoDir, env, stdio: ['pipe', 'pipe', 'pipe'] });
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
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
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

export function gitFailure(args: string[], result: GitResult): GitError {
  return new GitError(`git ${args[0] ?? ''} failed (exit ${result.code}): ${firstLine(result.stderr) || 'no message'}`);
}

export function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim();
}

function spawnFailure(repoDir: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if ((code === 'ENOENT' || code === 'ENOTDIR') && !isDirectory(repoDir)) {
    // spawn reports a missing cwd as ENOENT, the same as a missing git binary.
    return new UsageError(`not a git repository: ${repoDir} (no such directory)`, { cause: error });
  }
  return new GitError(`cannot run git in ${repoDir}: ${(error as Error).message}`, { cause: error });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
