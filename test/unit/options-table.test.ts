import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { renderOptionHelp } from '../../src/cli/option-help.js';
import { createProgram } from '../../src/cli/program.js';
import { OPTIONS, optionsFor } from '../../src/options/option-table.js';
import { renderOptionsMarkdown } from '../../src/options/render-docs.js';
import { longFlag, type CommandName, type OptionRow } from '../../src/options/row.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COMMANDS: readonly CommandName[] = ['run', 'test', 'explain', 'clean', 'log', 'nightly', 'init', 'demo', 'narrow', 'doctor'];
const ROWS: readonly OptionRow[] = OPTIONS;
const START = '<!-- options:start -->';
const END = '<!-- options:end -->';

function fakeStream(): NodeJS.WriteStream {
  let text = '';
  return {
    write(chunk: string | Uint8Array): boolean {
      text += String(chunk);
      return true;
    },
    get text() {
      return text;
    },
  } as unknown as NodeJS.WriteStream;
}

/** What `<command> --help` prints, the text after the options included. */
function helpOf(command: CommandName): string {
  const stdout = fakeStream();
  const program = createProgram({
    signal: new AbortController().signal,
    stdout,
    stderr: fakeStream(),
    exitCode: 0,
    run: { verdicts: 0, resumable: false },
  });
  const sub = program.commands.find((c) => c.name() === command);
  expect(sub, `command ${command}`).toBeDefined();
  sub!.outputHelp();
  return (stdout as unknown as { text: string }).text;
}

/** The flags column of the Options section: each option line starts with two spaces and a dash. */
function helpFlags(help: string): string[] {
  const section = (help.split(/^Options:\n/m)[1] ?? '').split(/\n\n/)[0]!;
  return section
    .split('\n')
    .filter((line) => /^ {2}-/.test(line))
    .map((line) => line.trim().split(/ {2,}/)[0]!);
}

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Splits a markdown table row on the pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe('the option table and --help', () => {
  it('has unique flags', () => {
    const longNames = OPTIONS.map((o) => /--[a-z-]+/.exec(o.flags)?.[0]);
    expect(longNames.every(Boolean)).toBe(true);
    expect(new Set(longNames).size).toBe(OPTIONS.length);
  });

  it.each(COMMANDS)(
    '%s --help lists exactly the common options the table gives it (plus --help) and names every other one under More options',
    (command) => {
      const help = helpOf(command);
      const listed = helpFlags(help);
      expect(listed).toEqual([
        ...optionsFor(command)
          .filter((o) => o.common)
          .map((o) => o.flags),
        '-h, --help',
      ]);
      const more = squash(help.split(/^More options:\n/m)[1]?.split(/\n\n/)[0] ?? '')
        .split(' ')
        .filter(Boolean);
      expect(more).toEqual(
        optionsFor(command)
          .filter((o) => !o.common)
          .map((o) => longFlag(o)),
      );
    },
  );

  it.each(COMMANDS)(
    '%s --help shows each listed option with its one-line description; --help --<option> shows every option in full, with its choices and default',
    (command) => {
      const help = squash(helpOf(command));
      for (const option of optionsFor(command)) {
        if (option.common) expect(help).toContain(`${option.flags} ${squash(option.description)}`);
        const full = squash(renderOptionHelp(command, [longFlag(option)]));
        expect(full).toContain(`${option.flags} ${squash(option.help ?? option.description)}`);
        if (option.choices) expect(full).toContain(`one of: ${option.choices.join(', ')}`);
        if (typeof option.default === 'string') expect(full).toContain(`default: ${option.default}`);
      }
    },
  );

  it('a short --help: run --help under 60 lines, and every one-line description fits beside its flags in 80 columns', () => {
    expect(helpOf('run').split('\n').length).toBeLessThan(60);
    for (const option of OPTIONS as readonly OptionRow[]) {
      expect(`  ${option.flags}  ${option.description}`.length, option.flags).toBeLessThanOrEqual(80);
    }
  });

  it.each(COMMANDS)(
    '%s --help does not show options the table gives only to other commands (nightly takes those of run too)',
    (command) => {
      const listed = helpFlags(helpOf(command));
      for (const option of ROWS.filter((o) => !optionsFor(command).includes(o))) {
        expect(listed, `${option.flags} on ${command}`).not.toContain(option.flags);
      }
    },
  );

  it('gives every option to at least one command, and no option to an unknown one', () => {
    for (const option of ROWS) {
      expect(option.commands.length, option.flags).toBeGreaterThan(0);
      for (const command of option.commands) expect(COMMANDS).toContain(command);
    }
  });
});

describe('renderOptionsMarkdown', () => {
  const lines = renderOptionsMarkdown().split('\n');

  it('renders a header and one row per option', () => {
    expect(lines[0]).toBe('| option | meaning | default | commands |');
    expect(lines[1]).toBe('| --- | --- | --- | --- |');
    expect(lines).toHaveLength(OPTIONS.length + 2);
  });

  it('gives every row exactly four cells, even when a flag or description contains a pipe', () => {
    for (const line of lines) expect(cells(line), line).toHaveLength(4);
  });

  it('renders each option: flags in backticks, description with choices, default, commands', () => {
    ROWS.forEach((option, i) => {
      const [flags, meaning, def, commands] = cells(lines[i + 2]!).map((c) => c.replaceAll('\\|', '|'));
      expect(flags).toBe(`\`${option.flags}\``);
      expect(meaning).toContain(option.help ?? option.description);
      for (const choice of option.choices ?? []) expect(meaning).toContain(`\`${choice}\``);
      expect(def).toBe(typeof option.default === 'string' ? `\`${option.default}\`` : '');
      expect(commands).toBe(option.commands.join(', '));
    });
  });
});

describe('docs/options.md, the option reference', () => {
  it('contains renderOptionsMarkdown() verbatim between the options markers', () => {
    const path = join(ROOT, 'docs', 'options.md');
    expect(existsSync(path), 'docs/options.md').toBe(true);
    const page = readFileSync(path, 'utf8');
    const start = page.indexOf(START);
    const end = page.indexOf(END);
    expect(start, `docs/options.md has ${START}`).toBeGreaterThanOrEqual(0);
    expect(end, `docs/options.md has ${END} after ${START}`).toBeGreaterThan(start);
    expect(page.indexOf(START, start + 1), `only one ${START}`).toBe(-1);
    const between = page.slice(start + START.length, end);
    expect(between.trim(), 'run `npm run docs:options` after changing an option row').toBe(renderOptionsMarkdown());
  });
});
