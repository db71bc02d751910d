/**
 * One row of the option table: how an option is written (flags), what it means, which commands take
 * it, its default as the user would write it, and how its input becomes the typed value the code
 * receives. commander, `--help`, the README's table, the config file's JSON Schema, the library's
 * option type and the typed Settings are all made from these rows.
 */
export type CommandName = 'run' | 'test' | 'explain' | 'clean' | 'log' | 'nightly' | 'init' | 'demo' | 'doctor' | 'narrow';

/** An input as it arrives: a flag's boolean, one value's text, or a repeatable option's values. */
export type Input = boolean | string | string[];

/** What a parser may look at besides its own input: other rows' parsed values, and where the input came from. */
export interface ParseContext {
  /**
   * Another row's parsed value (parsed on first use). Typed by the caller: the Settings type is
   * inferred from the rows, so a row cannot name it without a circular type.
   */
  get<T>(key: string): T;
  /** Whether this row's input was given (on the command line, in the config file, by the library caller), not its default. */
  given: boolean;
}

/** How the value is written in the config file and in the library's options (for the schema and the type). */
export type ValueKind = 'flag' | 'text' | 'number' | 'duration' | 'choice';

export interface OptionRow<K extends string = string, T = unknown> {
  /** The Settings key: commander's attribute name (`--build-arg` → `buildArg`, `--no-verify` → `verify`). */
  readonly key: K;
  /** commander flags, e.g. `-C, --repo <dir>`. */
  readonly flags: string;
  /** One line for `--help` (short enough not to wrap there). */
  readonly description: string;
  /** What the option does in full, for `<command> --help --<option>` and docs/options.md; absent: the description says it all. */
  readonly help?: string;
  /** Listed with its description in `--help`; the others are named in one paragraph under it. */
  readonly common?: boolean;
  readonly commands: readonly CommandName[];
  readonly kind: ValueKind;
  /** The default, as it would be written on the command line (shown in help and the README). */
  readonly default?: string;
  readonly choices?: readonly string[];
  readonly repeatable?: boolean;
  /** Says something about one invocation, not about the project: not in the config file. */
  readonly perInvocation?: boolean;
  /** Names files of the user's own: relative paths in a config file are relative to that file (made absolute before parsing). */
  readonly userPath?: boolean;
  /**
   * A second spelling of another row's key (`--no-config` beside `--config <file>`): listed in help
   * and the README, wired into commander, parsed by the row it belongs to.
   */
  readonly aliasOf?: string;
  /** The typed value, from the input (undefined = not given and no default). */
  readonly parse: (input: Input | undefined, ctx: ParseContext) => T;
}

type RowBase<K extends string> = Pick<OptionRow<K>, 'key' | 'flags' | 'description' | 'commands'> &
  Partial<Pick<OptionRow<K>, 'perInvocation' | 'userPath' | 'help' | 'common'>>;

/** A flag: true when given (`--no-x`: false when given, else true). */
export function flag<K extends string>(base: RowBase<K>): OptionRow<K, boolean> {
  const negated = /(^|[ ,])--no-/.test(base.flags);
  return { ...base, kind: 'flag', parse: (input) => (input === undefined ? negated : input === true || input === 'true') };
}

/** An option with one value and a default: the parser always gets text. */
export function valued<K extends string, T>(
  base: RowBase<K> & { default: string; kind?: ValueKind; choices?: readonly string[] },
  parse: (text: string, ctx: ParseContext) => T,
): OptionRow<K, T> {
  return { kind: 'text', ...base, parse: (input, ctx) => parse(textOf(input, base.default), ctx) };
}

/** An option with one value and no default: undefined when not given. */
export function optional<K extends string, T>(
  base: RowBase<K> & { kind?: ValueKind; choices?: readonly string[] },
  parse: (text: string, ctx: ParseContext) => T,
): OptionRow<K, T | undefined> {
  return { kind: 'text', ...base, parse: (input, ctx) => (input === undefined ? undefined : parse(textOf(input, ''), ctx)) };
}

/** A repeatable option: the parser gets every value given (none = an empty list). */
export function repeatable<K extends string, T>(
  base: RowBase<K> & { kind?: ValueKind },
  parse: (values: string[], ctx: ParseContext) => T,
): OptionRow<K, T> {
  return {
    kind: 'text',
    ...base,
    repeatable: true,
    parse: (input, ctx) => parse(input === undefined ? [] : Array.isArray(input) ? input : [String(input)], ctx),
  };
}

function textOf(input: Input | undefined, fallback: string): string {
  if (input === undefined) return fallback;
  if (Array.isArray(input)) return input.at(-1) ?? fallback;
  return String(input);
}

/** The long flag (`--build-arg`) of a row. */
export function longFlag(row: Pick<OptionRow, 'flags'>): string {
  return row.flags.split(/[ ,|]+/).find((part) => part.startsWith('--'))!;
}
