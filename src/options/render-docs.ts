/**
 * What the option table renders besides commander: docs/options.md's option reference and the library's
 * option type (src/options/config-options.ts). `npm run docs:options` rewrites both; unit tests keep
 * them in step with the table.
 */
import { configurableRows, OPTIONS } from './option-table.js';
import type { OptionRow } from './row.js';

/** The option reference in docs/options.md: each option's full text. */
export function renderOptionsMarkdown(): string {
  // A `|` inside a table cell ends the cell, even inside backticks, unless escaped.
  const cell = (text: string): string => text.replaceAll('|', '\\|');
  const rows = (OPTIONS as readonly OptionRow[]).map((o) => {
    const def = o.default === undefined ? '' : `\`${o.default}\``;
    const choices = o.choices ? ` (${o.choices.map((c) => `\`${c}\``).join(', ')})` : '';
    return `| ${cell(`\`${o.flags}\``)} | ${cell(`${o.help ?? o.description}${choices}`)} | ${cell(def)} | ${o.commands.join(', ')} |`;
  });
  return ['| option | meaning | default | commands |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The TypeScript type of one value of a row, as the library takes it. */
function libraryType(row: OptionRow): string {
  const scalar =
    row.kind === 'flag'
      ? 'boolean'
      : row.choices
        ? row.choices.map((c) => `'${c}'`).join(' | ')
        : row.kind === 'number'
          ? 'number'
          : row.kind === 'duration'
            ? 'string | number'
            : 'string';
  if (!row.repeatable) return scalar;
  return `${scalar.includes('|') ? `(${scalar})` : scalar}[] | ${scalar}`;
}

/** The library's option type: everything the config file can say, typed. */
export function renderConfigTypes(): string {
  const lines = [
    '// Generated from the option table (src/options/option-table.ts) by `npm run docs:options`; do not edit.',
    '// A unit test (test/unit/config-file.test.ts) checks that it is in step with the table.',
    '',
    '/**',
    ' * Everything the config file can say; the library takes the same options. Durations are text such',
    ' * as `90s` or `2m`, or a number of seconds.',
    ' */',
    'export interface ConfigOptions {',
  ];
  for (const [key, row] of configurableRows()) {
    lines.push(`  /** \`${row.flags}\`: ${(row.help ?? row.description).replaceAll('*/', '* /')} */`, `  ${key}?: ${libraryType(row)};`);
  }
  lines.push('}', '');
  return lines.join('\n');
}
