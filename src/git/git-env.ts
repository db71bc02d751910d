/**
 * The environment every git process of deploybisect runs with, whichever way it is started
 * (simple-git for the porcelain calls, git-exec.ts's spawn layer for the streaming ones, the
 * demo's repository writer). No other module sets a GIT_* variable.
 *
 * Reading the user's repository: no inherited GIT_DIR / GIT_WORK_TREE / GIT_INDEX_FILE / …
 * that would point git somewhere other than the repository we were given, no optional locks
 * (a read must never rewrite the index), no prompts, a stable locale. Everything else the user
 * set (GIT_CONFIG_*, GIT_CEILING_DIRECTORIES, …) reaches git as it would from their shell.
 */
import type { SimpleGitOptions } from 'simple-git';

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

export interface GitEnvOptions {
  /**
   * Let git block-buffer its stdout (GIT_FLUSH=0). Writing to a pipe, git otherwise flushes
   * after every record of some commands (rev-list per commit, diff-tree --stdin per input
   * line) for interactive readers: one write per commit, and as many small reads here. Only
   * for a reader that consumes the output to its end, never for a request/answer exchange.
   */
  bufferedOutput?: boolean;
}

/** The environment for git reading (or, for the last-good ref, updating) the user's repository. */
export function gitEnv(options: GitEnvOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of STRIPPED_ENV) delete env[name];
  env.GIT_OPTIONAL_LOCKS = '0';
  env.GIT_TERMINAL_PROMPT = '0';
  env.LC_ALL = 'C';
  if (options.bufferedOutput) env.GIT_FLUSH = '0';
  return env;
}

/** Who makes a commit, and when. */
export interface CommitIdentity {
  name: string;
  email: string;
  /** Author and committer date, as git reads it: "<unix seconds> <offset>". */
  date: string;
}

/**
 * The environment for writing a repository of deploybisect's own (the demo's): none of the
 * caller's GIT_* (run from a git hook, GIT_DIR and friends would point git at the caller's
 * repository), no global or system configuration, no prompts, a stable locale; with
 * `identity`, the author and committer of a commit.
 */
export function writerEnv(identity?: CommitIdentity): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('GIT_')) env[name] = value;
  Object.assign(env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' });
  if (identity !== undefined) {
    const { name, email, date } = identity;
    Object.assign(env, { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: date });
    Object.assign(env, { GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_COMMITTER_DATE: date });
  }
  return env;
}

/** simple-git's vulnerability categories (each a setting of its `unsafe` option). */
type VulnerabilityCategory = Exclude<keyof NonNullable<SimpleGitOptions['unsafe']>, 'allowUnsafeCustomBinary' | 'allowAbbreviatedOptions'>;

/**
 * Every category on. A Record of the type, so a simple-git that adds a category fails the type
 * check here until it is decided.
 */
const EVERY_CATEGORY: Record<VulnerabilityCategory, true> = {
  allowUnsafeAlias: true,
  allowUnsafeAskPass: true,
  allowUnsafeCommandBinaries: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeCredentialHelper: true,
  allowUnsafeEditor: true,
  allowUnsafeMergeDriver: true,
  allowUnsafePager: true,
  allowUnsafeProtocolOverride: true,
  allowUnsafePack: true,
  allowUnsafeSshCommand: true,
  allowUnsafeGitProxy: true,
  allowUnsafeExec: true,
  allowUnsafeHooksPath: true,
  allowUnsafeDiffExternal: true,
  allowUnsafeDiffTextConv: true,
  allowUnsafeFilter: true,
  allowUnsafeFsMonitor: true,
  allowUnsafeGpgProgram: true,
  allowUnsafeTemplateDir: true,
  allowUnsafeInclude: true,
  allowUnsafeSubmodule: true,
  allowUnsafeUrlRewrite: true,
};

/**
 * What simple-git must be told to run git with `env` unchanged.
 *
 * simple-git 4 guards the environment it is handed: a variable that can run a program or load
 * configuration (EDITOR, PAGER, GIT_CONFIG_GLOBAL, GIT_EXEC_PATH, GIT_SSH_COMMAND, …, and any
 * GIT_CONFIG_KEY_<n> naming a setting such as core.pager) rejects every call unless its
 * category is allowed, and any other GIT_* variable not named in allowEnvironment rejects the
 * call too (one it inherits is dropped). Left on, the porcelain calls would fail in a shell
 * that sets EDITOR or PAGER, and would not see the configuration the spawned ones see (a
 * safe.directory given in GIT_CONFIG_COUNT in a CI container). The guard protects programs that
 * pass untrusted text to git: here the environment is the user's own, the one deploybisect has
 * always given git, and the arguments are deploybisect's (a ref or sha is refused when it starts
 * with '-', or goes on stdin), so every category is allowed and every variable named. Abbreviated
 * options stay refused (simple-git sets GIT_TEST_DISALLOW_ABBREVIATED_OPTIONS; deploybisect
 * spells every option in full) and the binary is plain `git`.
 */
export function simpleGitEnvOptions(env: NodeJS.ProcessEnv): Pick<SimpleGitOptions, 'allowEnvironment' | 'unsafe'> {
  return { allowEnvironment: Object.keys(env), unsafe: { ...EVERY_CATEGORY } };
}
