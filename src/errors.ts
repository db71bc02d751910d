/**
 * Typed errors thrown by the core. The CLI edge maps them to one-line messages
 * and exit codes (see src/cli/main.ts and src/cli/exit-status.ts); nothing below the CLI calls process.exit.
 */

/** Exit codes of the command line, documented in the README. */
export const ExitCode = {
  found: 0,
  internal: 1,
  usage: 2,
  badIsHealthy: 3,
  goodIsUnhealthy: 4,
  inconclusive: 5,
  /** `nightly`: the commit checked is broken, and the commit that broke it was found. */
  nightlyBroken: 6,
  /** `test`: the commit cannot be tested for the regression looked for (git bisect run skips it). */
  untestable: 125,
  /**
   * `test`: the engine, git or deploybisect itself failed, so the commit was not judged. Above 127, so
   * `git bisect run` stops instead of taking it for a bad commit; not 130 or 143 (the signals').
   */
  testAborted: 128,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class DeployBisectError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(message: string, exitCode: ExitCodeValue, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad input from the user: unknown ref, malformed option, missing Dockerfile. Exit 2. */
export class UsageError extends DeployBisectError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, options);
  }
}

/** The Docker engine (or another piece of infrastructure) failed us. Exit 1. */
export class InfrastructureError extends DeployBisectError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.internal, options);
  }
}

/** A git operation failed for a reason that is not the user's input. Exit 1. */
export class GitError extends DeployBisectError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.internal, options);
  }
}
