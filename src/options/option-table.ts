/**
 * The one table of options, in the order `--help` and the README list them. The typed Settings
 * object is inferred from it: each key's type is what its row's parser returns.
 */
import type { CommandName, Input, OptionRow } from './row.js';
import { CLEAN_ROWS } from './rows-clean.js';
import { CONTAINER_ROWS } from './rows-container.js';
import { DEPLOY_ROWS } from './rows-deploy.js';
import { NARROW_ROWS } from './rows-narrow.js';
import { PROBE_ROWS } from './rows-probes.js';
import { RUN_ROWS } from './rows-run.js';
import { SEARCH_ROWS } from './rows-search.js';
import { SOURCE_ROWS } from './rows-source.js';

export const OPTIONS = [
  ...SOURCE_ROWS,
  ...DEPLOY_ROWS,
  ...CONTAINER_ROWS,
  ...PROBE_ROWS,
  ...SEARCH_ROWS,
  ...NARROW_ROWS,
  ...RUN_ROWS,
  ...CLEAN_ROWS,
] as const;

type Row = (typeof OPTIONS)[number];
type SettingRow = Exclude<Row, { aliasOf: string }>;

/** Every option's parsed value, by key (commander's attribute name): durations in ms, probes as Probe[], regexes as RegExp. */
export type RowValues = { readonly [R in SettingRow as R['key']]: ReturnType<R['parse']> };

/** The typed settings of one invocation (made by resolveSettings in settings.ts). */
export type Settings = RowValues & {
  /** What was given for this invocation (command line, config file, library caller) as written, by key. */
  readonly given: Readonly<Record<string, Input>>;
};

/**
 * Rows of `test` that `narrow` does not take: it judges each configuration by the commit's own
 * failure, whatever its kind.
 */
const NOT_FOR_NARROW: ReadonlySet<string> = new Set(['regression']);

/** The rows a command takes: `replay` those of `run`, `nightly` those of `run` and its own, `narrow` those of `test` (but NOT_FOR_NARROW) and its own. */
export function optionsFor(command: CommandName | 'replay'): OptionRow[] {
  const rows: readonly OptionRow[] = OPTIONS;
  if (command === 'nightly') return rows.filter((o) => o.commands.includes('run') || o.commands.includes('nightly'));
  if (command === 'narrow')
    return rows.filter((o) => (o.commands.includes('test') && !NOT_FOR_NARROW.has(o.key)) || o.commands.includes('narrow'));
  const as = command === 'replay' ? 'run' : command;
  return rows.filter((o) => o.commands.includes(as));
}

/** A row's default as written on the command line (`60s`, `2xx`): the one place it is written. */
export function defaultOf(key: string): string {
  const row = (OPTIONS as readonly OptionRow[]).find((o) => o.key === key && o.aliasOf === undefined);
  if (row?.default === undefined) throw new Error(`option ${key} has no default`);
  return row.default;
}

/** The rows with a Settings key of their own (not a second spelling such as `--no-config`). */
export function settingRows(): OptionRow[] {
  return (OPTIONS as readonly OptionRow[]).filter((o) => o.aliasOf === undefined);
}

/** The rows the config file (and the library's options) may hold, by key. */
export function configurableRows(): Map<string, OptionRow> {
  return new Map(
    settingRows()
      .filter((o) => !o.perInvocation)
      .map((o) => [o.key, o]),
  );
}
