/**
 * commander, wired from the option table and the command specs. Before an action runs, its typed
 * Settings are made once: the table's defaults ← the config file ← the command line.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';

import { loadConfig } from '../options/config-file.js';
import { optionsFor } from '../options/option-table.js';
import { longFlag } from '../options/row.js';
import { resolveSettings, type Settings } from '../options/settings.js';
import type { CliContext, CliIo, CommandSpec } from './command.js';
import { COMMANDS } from './commands/index.js';
import { jsonDocument } from './json-output.js';
import { colorEnabled, painter } from './render/color.js';

export type { CliContext } from './command.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * The command's options: the common ones listed in `--help` with their one-line description, the
 * others named in a paragraph under them (`--help --<option>` says what one does). Defaults are the
 * rows' business (settings.ts), not commander's.
 */
function addOptions(command: Command, spec: CommandSpec): Command {
  const own = optionsFor(spec.name);
  for (const row of own) {
    const option = new Option(row.flags, row.description);
    if (row.choices) option.choices(row.choices);
    if (row.repeatable) option.argParser(collect);
    if (!row.common) option.hideHelp();
    command.addOption(option);
  }
  const more = own.filter((row) => !row.common).map((row) => longFlag(row));
  if (more.length > 0) command.addHelpText('after', moreOptionsText(spec.name, more));
  // Another command's options, taken and dropped (never parsed, not in help).
  const taken = new Set(own.map((row) => row.key));
  for (const row of spec.ignoresOptionsOf ? optionsFor(spec.ignoresOptionsOf) : []) {
    if (!taken.has(row.key)) command.addOption(new Option(row.flags).hideHelp());
  }
  return command;
}

/** The options `--help` does not list, named, and how to learn about one. */
function moreOptionsText(name: string, flags: readonly string[]): string {
  const lines: string[] = [];
  for (const flag of flags) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + flag.length + 1 <= 78) lines[lines.length - 1] = `${last} ${flag}`;
    else lines.push(`  ${flag}`);
  }
  return `\nMore options:\n${lines.join('\n')}\n\nWhat one does: deploybisect ${name} --help --<option> (e.g. --help ${flags[0]}); all of them: docs/options.md`;
}

/** What the command line said (not commander's defaults) of the command's own options, by key. */
function commandLineValues(command: Command, spec: CommandSpec): Record<string, unknown> {
  const own = new Set(optionsFor(spec.name).map((row) => row.key));
  const given: Record<string, unknown> = {};
  for (const option of command.options) {
    const key = option.attributeName();
    if (own.has(key) && command.getOptionValueSource(key) === 'cli') given[key] = command.getOptionValue(key);
  }
  return given;
}

/** The command's Settings: the config file (unless the command does not read one, or --no-config) under the command line. */
async function settingsOf(spec: CommandSpec, command: Command): Promise<Settings> {
  const given = commandLineValues(command, spec);
  const readsConfig = optionsFor(spec.name).some((row) => row.key === 'config');
  const config =
    readsConfig && given.config !== false
      ? await loadConfig(typeof given.repo === 'string' ? given.repo : '.', given.config as string | undefined)
      : undefined;
  return resolveSettings({ command: spec.name, given, ...(config ? { config } : {}) });
}

function packageVersion(): string {
  const manifest = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export function createProgram(ctx: CliContext): Command {
  const program = new Command('deploybisect')
    .description('Find the commit that broke a Docker deployment: build, run and probe images of candidate commits, and bisect.')
    .version(packageVersion(), '--version')
    .addHelpText(
      'after',
      '\nWithout a command, `deploybisect <good> <bad>` runs the search: see `deploybisect run --help` for its options and exit codes,\n`deploybisect test --help` for the codes `git bisect run` reads.',
    )
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      // One style for every error line: `deploybisect: <message>`.
      outputError: (s, write) => write(`${s.replace(/^error: /, 'deploybisect: ').trimEnd()} (see deploybisect --help)\n`),
    })
    // An option's line in --help is its description alone (its default and choices are in its long help).
    .configureHelp({ optionDescription: (option) => option.description })
    // Before the subcommands are added, so they inherit it: parse errors become exit 2 in main.ts.
    .exitOverride();
  const io: CliIo = {
    ctx,
    write: (text) => void ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    json: (result) => io.write(jsonDocument(result)),
    paint: painter(colorEnabled(ctx.stdout)),
  };
  for (const spec of COMMANDS) {
    const command = program.command(spec.name, spec.isDefault ? { isDefault: true } : {}).description(spec.description);
    for (const arg of spec.arguments) command.argument(arg.optional ? `[${arg.name}]` : `<${arg.name}>`, arg.description, arg.default);
    addOptions(command, spec);
    if (spec.help) command.addHelpText('after', spec.help);
    command.action(async (...values: unknown[]) => {
      const self = values.at(-1) as Command;
      // The positional values by their names, as the action's type says (commander checked the required ones).
      const args = Object.fromEntries(spec.arguments.map((arg, i) => [arg.name, values[i] as string | undefined]));
      const [action, settings] = await Promise.all([spec.load(), settingsOf(spec, self)]);
      await action(args as never, settings, io);
    });
  }
  return program;
}
