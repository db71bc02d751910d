/**
 * The porcelain calls, through simple-git: one-shot commands with a small text answer (resolving
 * refs, ancestry, commit metadata, repository and shallow checks, the last-good ref). The
 * streaming protocols and byte-exact output stay on the spawn layer (git-exec.ts). Both run git
 * with git-env.ts's environment.
 *
 * simple-git on its own reports a non-zero exit only when git also wrote to stderr (so
 * `merge-base --is-ancestor` answering "no" would look like "yes"), and then without the code;
 * here every non-zero exit is reported with its code and git's stderr.
 */
import { simpleGit, GitError as SimpleGitError, type SimpleGit } from 'simple-git';

import { GitError, UsageError } from '../errors.js';
import { gitEnv, simpleGitEnvOptions } from './git-env.js';
import { firstLine, gitFailure, isDirectory } from './git-exec.js';

export interface PorcelainResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** git exited with a non-zero code (-1: killed by a signal), or could not be started. */
class GitExit extends SimpleGitError {
  constructor(
    readonly code: number,
    readonly notStarted: boolean,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(undefined, `git exited with code ${code}`);
  }
}

/** A simple-git for repoDir, with the controlled environment and, when given, `input` on git's stdin. */
function porcelain(repoDir: string, input: string | undefined): SimpleGit {
  // simple-git refuses a directory that is not there (its own error); say what the spawn layer says.
  if (!isDirectory(repoDir)) throw new UsageError(`not a git repository: ${repoDir} (no such directory)`);
  const env = gitEnv();
  return simpleGit({
    baseDir: repoDir,
    ...simpleGitEnvOptions(env),
    ...(input === undefined ? {} : { input: () => input }),
    errors: (error, result) => {
      if (result.exitCode === 0) return error;
      const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');
      // The code of the process's close event: null after a signal, a negative errno when spawn failed.
      const code = result.exitCode as number | null;
      return new GitExit(code ?? -1, code !== null && code < 0, text(result.stdOut), text(result.stdErr));
    },
  }).env(env);
}

/**
 * Runs `call` on a simple-git for repoDir. Never throws for a non-zero exit code (callers decide
 * what a code means); throws UsageError when repoDir does not exist and GitError when git cannot
 * be started.
 */
export async function runPorcelain(
  repoDir: string,
  call: (git: SimpleGit) => Promise<string>,
  options: { input?: string } = {},
): Promise<PorcelainResult> {
  try {
    return { code: 0, stdout: await call(porcelain(repoDir, options.input)), stderr: '' };
  } catch (error) {
    if (!(error instanceof GitExit)) throw error;
    if (error.notStarted) {
      // simple-git hands on the spawn error as git's stderr: "Error: spawn git ENOENT" and a stack.
      throw new GitError(`cannot run git in ${repoDir}: ${firstLine(error.stderr).replace(/^Error: /, '')}`, { cause: error });
    }
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

/**
 * runPorcelain's stdout; a non-zero exit code becomes a GitError carrying git's message, named
 * after `command` (e.g. 'log': "git log failed (exit 128): …").
 */
export async function porcelainOutput(
  repoDir: string,
  command: string,
  call: (git: SimpleGit) => Promise<string>,
  options: { input?: string } = {},
): Promise<string> {
  const result = await runPorcelain(repoDir, call, options);
  if (result.code !== 0) throw gitFailure([command], result);
  return result.stdout;
}
