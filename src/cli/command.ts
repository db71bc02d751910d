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

export interface CommandSpec {
  name: 'run' | 'replay' | 'nightly' | 'log' | 'test' | 'narrow' | 'explain' | 'demo' | 'init' | 'clean' | 'doctor';
  description: string;
  /** More for `<command> --help`, after the options (e.g. what the exit codes mean). */
  help?: string;
  /** commander's argument syntax (`<good>`, `[ref]`), what it is, and a default for an optional one. */
  arguments?: ReadonlyArray<{ name: string; description: string; default?: string }>;
  /** Runs when no command is named (`deploybisect <good> <bad>`). */
  isDefault?: boolean;
  /** Accepts (hidden from help) and ignores the options of another command, so its command line can be reused. */
  ignoresOptionsOf?: 'run';
  action(args: string[], settings: Settings, io: CliIo): Promise<void>;
}
