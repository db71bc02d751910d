/**
 * One command of the CLI: its name, description and arguments, and its action, which receives the
 * positional arguments and the typed Settings (made once by program.ts), renders, and sets the exit code.
 */
import type { Settings } from '../options/settings.js';
import type { Style } from './render/color.js';
import type { RunWatch } from './run-watch.js';

export interface CliContext {
  signal: AbortSignal;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Set by the action: the process exit code. */
  exitCode: number;
  /** The run in progress, as its events tell (run-watch.ts): for the lines said on an interruption. */
  run: RunWatch;
}

/** What an action prints with. */
export interface CliIo {
  ctx: CliContext;
  /** A line (or lines) on stdout. */
  write(text: string): void;
  /** `--json`: the one JSON document on stdout, the command's result with its status, under the output's schema version. */
  json<T extends { status: string }>(result: T): void;
  paint(style: Style, text: string): string;
}

export type CommandName = 'run' | 'replay' | 'nightly' | 'log' | 'test' | 'narrow' | 'explain' | 'demo' | 'init' | 'clean' | 'doctor';

/** A positional argument: `<name>` when required, `[name]` when optional (with its default, if any). */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
  readonly default?: string;
}

type ValueOf<A extends ArgumentSpec> = A extends { optional: true }
  ? A extends { default: string }
    ? string
    : string | undefined
  : string;

/** The positional arguments an action receives, by name: a required one is always a string. */
export type ArgsOf<A extends readonly ArgumentSpec[]> = { [K in A[number] as K['name']]: ValueOf<K> };

/** What a command does with its arguments and typed Settings: renders, and sets the exit code. */
export type CommandAction<Args> = (args: Args, settings: Settings, io: CliIo) => Promise<void>;

export interface CommandSpec<A extends readonly ArgumentSpec[] = readonly ArgumentSpec[]> {
  name: CommandName;
  description: string;
  /** More for `<command> --help`, after the options (e.g. what the exit codes mean). */
  help?: string;
  arguments: A;
  /** Runs when no command is named (`deploybisect <good> <bad>`). */
  isDefault?: boolean;
  /** Accepts (hidden from help) and ignores the options of another command, so its command line can be reused. */
  ignoresOptionsOf?: 'run';
  /** The action, loaded when the command runs: `--help` and `--version` load no command's code. */
  load(): Promise<CommandAction<ArgsOf<A>>>;
}

/** A command whose action takes exactly the arguments its spec names (checked by the compiler). */
export function command<const A extends readonly ArgumentSpec[]>(spec: CommandSpec<A>): CommandSpec {
  return spec as unknown as CommandSpec;
}
