/**
 * `deploybisect run --help --probe`: what one option does, in full (its long help, default, choices,
 * and the commands that take it), instead of the command's short help.
 */
import { UsageError } from '../errors.js';
import { optionsFor } from '../options/option-table.js';
import type { OptionRow } from '../options/row.js';

const HELP_FLAGS = new Set(['--help', '-h']);

/** The command and the options asked about, when the command line is `[command] --help --<option>…`; else undefined. */
export function optionHelpRequest(args: readonly string[], commands: readonly string[]): { command: string; flags: string[] } | undefined {
  if (!args.some((a) => HELP_FLAGS.has(a))) return undefined;
  const flags = args.filter((a) => a.startsWith('-') && !HELP_FLAGS.has(a) && a !== '--').map((a) => a.replace(/=.*$/, ''));
  if (flags.length === 0) return undefined;
  const first = args.find((a) => !a.startsWith('-'));
  return { command: first !== undefined && commands.includes(first) ? first : 'run', flags };
}

/** The full text of each option asked about; a usage error for one the command does not take. */
export function renderOptionHelp(command: string, flags: readonly string[]): string {
  const rows = optionsFor(command as Parameters<typeof optionsFor>[0]);
  return flags
    .map((flag) => {
      const row = rows.find((r) => r.flags.split(/[ ,|]+/).includes(flag));
      if (!row) throw new UsageError(`${command} has no option ${flag} (deploybisect ${command} --help lists them)`);
      return optionText(row);
    })
    .join('\n\n');
}

function optionText(row: OptionRow): string {
  const facts = [
    ...(row.default !== undefined ? [`default: ${row.default}`] : []),
    ...(row.choices ? [`one of: ${row.choices.join(', ')}`] : []),
    ...(row.repeatable ? ['repeatable'] : []),
    `taken by: ${row.commands.join(', ')}`,
    ...(row.perInvocation ? [] : [`in the config file as "${row.aliasOf ?? row.key}"`]),
  ];
  return [row.flags, ...wrap(row.help ?? row.description, 96).map((l) => `  ${l}`), `  (${facts.join('; ')})`].join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + word.length + 1 <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}
