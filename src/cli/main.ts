#!/usr/bin/env node
import { CommanderError } from 'commander';

import { DeployBisectError, ExitCode, UsageError } from '../errors.js';
import { mistypedCommand } from './command-guess.js';
import { COMMAND_NAMES } from './commands/index.js';
import { SIGNAL_EXIT } from './exit-status.js';
import { jsonError, wantsJson } from './json-output.js';
import { optionHelpRequest, renderOptionHelp } from './option-help.js';
import { createProgram, type CliContext } from './program.js';
import { interruptedLine, leftLine, type RunWatch } from './run-watch.js';
import { SHORT_USAGE } from './usage.js';

/**
 * bin/deploybisect passes the arguments after a `--` (so that Node.js does not act on a
 * `--env-file` meant for us) and says so in the environment: that `--` is removed here.
 */
export function withoutWrapperSeparator(argv: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.DEPLOYBISECT_ARGS_AFTER_SEPARATOR !== '1' || argv[2] !== '--') return argv;
  delete env.DEPLOYBISECT_ARGS_AFTER_SEPARATOR;
  return [...argv.slice(0, 2), ...argv.slice(3)];
}

/** The CLI edge: parse, run, and turn every error into one line and a documented exit code. */
export async function main(argv: string[]): Promise<number> {
  // `deploybisect … | head`: a closed pipe is the reader's choice, not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  // Bare `deploybisect` (an empty $GOOD $BAD too): how to use it, as a usage error.
  if (argv.length <= 2) {
    process.stderr.write(SHORT_USAGE);
    return ExitCode.usage;
  }
  const json = wantsJson(argv);
  // `[command] --help --<option>`: that option in full.
  const asked = optionHelpRequest(argv.slice(2), COMMAND_NAMES);
  if (asked) {
    try {
      process.stdout.write(`${renderOptionHelp(asked.command, asked.flags)}\n`);
      return 0;
    } catch (error) {
      return handleError(error, json);
    }
  }
  const meant = await mistypedCommand(argv.slice(2), COMMAND_NAMES);
  if (meant) return handleError(new UsageError(`unknown command '${meant.word}' (did you mean ${meant.command}?)`), json);
  const controller = new AbortController();
  const run: RunWatch = { verdicts: 0, resumable: false };
  let signalled: keyof typeof SIGNAL_EXIT | undefined;
  const onSignal = (name: keyof typeof SIGNAL_EXIT) => () => {
    if (signalled) {
      // A second signal: leave now, saying what is left and how to remove it.
      process.stderr.write(`\ndeploybisect: ${leftLine(run)}\n`);
      process.exit(SIGNAL_EXIT[name]);
    }
    signalled = name;
    process.stderr.write(`\ndeploybisect: ${interruptedLine(name, run)}\n`);
    controller.abort(new Error(name));
  };
  const handlers = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM') };
  process.on('SIGINT', handlers.SIGINT);
  process.on('SIGTERM', handlers.SIGTERM);

  const ctx: CliContext = { signal: controller.signal, stdout: process.stdout, stderr: process.stderr, exitCode: 0, run };
  const program = createProgram(ctx);
  try {
    await program.parseAsync(argv);
    return signalled ? SIGNAL_EXIT[signalled] : ctx.exitCode;
  } catch (error) {
    if (signalled) return SIGNAL_EXIT[signalled];
    return handleError(error, json);
  } finally {
    process.off('SIGINT', handlers.SIGINT);
    process.off('SIGTERM', handlers.SIGTERM);
  }
}

/** The error's line on stderr (and, with `json`, the error as the JSON document on stdout); its exit code. */
export function handleError(error: unknown, json = false): number {
  const code = exitCodeOf(error);
  if (json && !(error instanceof CommanderError && error.exitCode === 0)) process.stdout.write(`${jsonError(error, code)}\n`);
  // commander already printed its message (help and version exit 0).
  if (error instanceof CommanderError) return code;
  if (error instanceof DeployBisectError) {
    process.stderr.write(`deploybisect: ${error.message}\n`);
    return code;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`deploybisect: internal error: ${message}\n`);
  if (process.env.DEPLOYBISECT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return code;
}

/** Every parse error is a usage error; help and version exit 0. */
function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : ExitCode.usage;
  if (error instanceof DeployBisectError) return error.exitCode;
  return ExitCode.internal;
}

/**
 * Sets the exit code and lets the process end by itself. Requests to an engine that hangs (a
 * stream, a wait) would keep it alive for ever: once our output is flushed, a grace second later it
 * exits anyway (the timer does not keep a process alive that is otherwise done).
 */
function finish(code: number): void {
  process.exitCode = code;
  let flushed = 0;
  const done = () => {
    if (++flushed === 2) setTimeout(() => process.exit(code), 1000).unref();
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

main(withoutWrapperSeparator(process.argv)).then(finish, (error: unknown) => finish(handleError(error, wantsJson(process.argv))));
