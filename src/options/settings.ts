/**
 * The typed Settings of one invocation, built once: each option's default (from its row) ← the
 * config file ← the command line, or ← the library caller's object. Everything downstream takes
 * these parsed values (durations in ms, probes as Probe[], regexes as RegExp), never strings.
 */
import { resolve } from 'node:path';

import { checkSettings } from './cross-checks.js';
import { optionsFor, settingRows, type Settings } from './option-table.js';
import type { CommandName, Input, OptionRow, ParseContext } from './row.js';

export type { Settings } from './option-table.js';

export interface SettingsSources {
  command: CommandName | 'replay';
  /** Values given on the command line (commander's, from the command line only) or by the library caller, by key. */
  given?: Readonly<Record<string, unknown>>;
  /** The config file's values by key, and its directory (its relative paths are relative to it). */
  config?: { values: Readonly<Record<string, unknown>>; dir: string };
}

/** Parses every option once, in dependency order, and checks the rules between options. */
export function resolveSettings(sources: SettingsSources): Settings {
  const takes = new Set(optionsFor(sources.command).map((o) => o.key));
  const values = new Map<string, unknown>();
  const given: Record<string, Input> = {};
  const parsing = new Set<string>();
  const rows = new Map(settingRows().map((o) => [o.key, o]));

  const get = <T>(key: string): T => {
    if (values.has(key)) return values.get(key) as T;
    const row = rows.get(key);
    if (!row) throw new Error(`no option ${key}`);
    if (parsing.has(key)) throw new Error(`options depend on each other in a circle at ${key}`);
    parsing.add(key);
    const input = inputOf(row, sources, takes.has(key));
    if (input !== undefined) given[key] = input;
    const ctx: ParseContext = { get, given: input !== undefined };
    values.set(key, row.parse(input, ctx));
    parsing.delete(key);
    return values.get(key) as T;
  };
  for (const key of rows.keys()) get(key);
  const settings = { ...Object.fromEntries(values), given } as Settings;
  checkSettings(settings);
  return settings;
}

/**
 * A row's input: given for this invocation, else the config file's (for the rows the command
 * takes; the files it names are where the config is, not where the command runs).
 */
function inputOf(row: OptionRow, sources: SettingsSources, commandTakesIt: boolean): Input | undefined {
  const direct = sources.given?.[row.key];
  if (direct !== undefined) return asInput(row, direct);
  const config = sources.config;
  if (!config || !commandTakesIt || row.perInvocation || config.values[row.key] === undefined) return undefined;
  const input = asInput(row, config.values[row.key]);
  if (!row.userPath || typeof input === 'boolean') return input;
  return Array.isArray(input) ? input.map((p) => resolve(config.dir, p)) : resolve(config.dir, input);
}

/** A value from JSON or the library as the command line would hold it: text, a list of texts, or a flag's boolean. */
export function asInput(row: OptionRow, value: unknown): Input {
  if (row.kind === 'flag' || typeof value === 'boolean') return value as boolean;
  if (row.repeatable) return (Array.isArray(value) ? value : [value]).map(String);
  return String(value);
}
