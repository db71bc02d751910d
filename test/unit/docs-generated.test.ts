/**
 * The parts of the docs that are generated from the code (scripts/docs.mjs) or taken from files must
 * say what the code says now: the failure-pattern table (docs/explanations.md) is the catalogue
 * rendered, the kinds of evidence it describes are those the catalogue reads, the JSON field
 * reference (docs/json.md) is the result types read with the TypeScript compiler, the JSON error
 * document is the one the CLI writes, and the workflow step shown is the example file's.
 * The option reference has its own test (options-table.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { renderJsonReference } from '../../scripts/docs/json-reference.mjs';
import { readBetween } from '../../scripts/docs/markers.mjs';
import { renderPatternTable } from '../../scripts/docs/pattern-table.mjs';
import { JSON_SCHEMA_VERSION, jsonError } from '../../src/cli/json-output.js';
import { DeployBisectError, ExitCode, GitError, InfrastructureError, UsageError } from '../../src/errors.js';
import { FAILURE_PATTERNS } from '../../src/explain/cause/patterns.js';

const ROOT = join(import.meta.dirname, '..', '..');
const page = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The first cell of each body row of a Markdown table, without its backticks. */
const firstColumn = (table: string) =>
  table
    .split('\n')
    .slice(2)
    .map((row) => /^\| `([^`]+)` \|/.exec(row)?.[1] ?? row);

describe('docs/explanations.md, the failure patterns', () => {
  const explanations = page('docs/explanations.md');
  const table = readBetween(explanations, 'failure-patterns', 'docs/explanations.md');

  it('holds the table rendered from the catalogue, verbatim (npm run docs:patterns rewrites it)', () => {
    expect(table).toBe(renderPatternTable(FAILURE_PATTERNS));
  });

  it('has one row per pattern: each id once, with its family, evidence, linked findings and certainty', () => {
    const rows = table.split('\n').slice(2);
    expect(rows).toHaveLength(FAILURE_PATTERNS.length);
    for (const p of FAILURE_PATTERNS) {
      const row = rows.filter((r) => r.split(' | ')[1] === `\`${p.id}\``);
      expect(row, p.id).toHaveLength(1);
      expect(row[0]).toMatch(new RegExp(`^\\| ${p.family} \\| \`${p.id}\` \\|`));
      expect(row[0]).toContain(`| \`${p.evidence}\` | ${p.links.map((l) => `\`${l}\``).join(', ')} | ${p.certainty} |`);
    }
  });

  it('lists the families in their order, and the catalogue order within a family', () => {
    const ids = table
      .split('\n')
      .slice(2)
      .map((r) => /`([^`]+)`/.exec(r)![1]);
    const families = ids.map((id) => FAILURE_PATTERNS.find((p) => p.id === id)!.family);
    expect(families[0]).toBe('ports');
    expect(families.at(-1)).toBe('deployment');
    for (let i = 1; i < ids.length; i++) {
      if (families[i] !== families[i - 1]) continue;
      const order = (id: string) => FAILURE_PATTERNS.findIndex((p) => p.id === id);
      expect(order(ids[i]!), `${ids[i - 1]} before ${ids[i]}`).toBeGreaterThan(order(ids[i - 1]!));
    }
    expect(new Set(families).size, 'a family in one block').toBe(families.filter((f, i) => f !== families[i - 1]).length);
  });

  it('describes exactly the kinds of evidence the catalogue reads', () => {
    const described = firstColumn(readBetween(explanations, 'evidence-kinds', 'docs/explanations.md'));
    expect(new Set(described).size).toBe(described.length);
    expect(new Set(described)).toEqual(new Set(FAILURE_PATTERNS.map((p) => p.evidence)));
  });

  it('names only patterns of the catalogue in its notes on single patterns', () => {
    const noted = [...explanations.matchAll(/^- `([a-z-]+)`:/gm)].map((m) => m[1]);
    expect(noted.length).toBeGreaterThan(0);
    for (const id of noted)
      expect(
        FAILURE_PATTERNS.map((p) => p.id),
        id,
      ).toContain(id);
  });
});

describe('docs/json.md', () => {
  const json = page('docs/json.md');

  it('holds the field reference read from the result types, verbatim (npm run docs:json rewrites it)', () => {
    expect(readBetween(json, 'json-reference', 'docs/json.md')).toBe(renderJsonReference());
  }, 30_000);

  it('has a section for every document and every type they refer to, each listed once', () => {
    const reference = readBetween(json, 'json-reference', 'docs/json.md');
    const sections = [...reference.matchAll(/^### (\w+)$/gm)].map((m) => m[1]);
    expect(sections.slice(0, 4)).toEqual(['BisectResult', 'TestCommitResult', 'NarrowResult', 'ExplainRangeResult']);
    expect(new Set(sections).size).toBe(sections.length);
    for (const [, name] of reference.matchAll(/\]\(#(\w+)\)/g))
      expect(
        sections.map((s) => s!.toLowerCase()),
        name,
      ).toContain(name);
    // Fields the other pages rely on.
    expect(reference).toContain('| `culprit.explanation?` | [Explanation](#explanation) |');
    expect(reference).toContain('| `logTail` | string[] |');
    expect(reference).toContain('| `verdict` | `"good"` \\| `"bad"` \\| `"skip"` |');
  }, 30_000);

  it('shows an example of the run document whose every field the reference lists', () => {
    const reference = readBetween(json, 'json-reference', 'docs/json.md');
    const example = /## An example[\s\S]*?```json\n([\s\S]*?)```/.exec(json)?.[1];
    expect(example, 'a json block under ## An example').toBeDefined();
    const document = JSON.parse(example!) as Record<string, unknown>;
    const fieldsOf = (section: string) =>
      [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!.replaceAll('?', '').replaceAll('[]', ''));
    const bisect = reference.slice(reference.indexOf('### BisectResult'), reference.indexOf('### TestCommitResult'));
    const topLevel = new Set(['schemaVersion', ...fieldsOf(bisect).filter((f) => !f.includes('.'))]);
    for (const key of Object.keys(document)) expect(topLevel, key).toContain(key);
    const everyName = new Set(fieldsOf(reference).flatMap((f) => f.split('.')));
    const keys = (value: unknown): string[] =>
      Array.isArray(value)
        ? value.flatMap(keys)
        : value !== null && typeof value === 'object'
          ? Object.entries(value).flatMap(([k, v]) => (k === 'evidence' && typeof v === 'object' ? [k] : [k, ...keys(v)]))
          : [];
    for (const key of keys(document).filter((k) => k !== 'schemaVersion')) expect(everyName, key).toContain(key);
  });

  it('gives the schema version every document carries', () => {
    expect(json).toContain(`now \`${JSON_SCHEMA_VERSION}\``);
  });

  it('shows the error document the CLI writes, and every code it can carry', () => {
    const shown = /## Errors[\s\S]*?```json\n([\s\S]*?)```/.exec(json)?.[1];
    expect(shown, 'a json block under ## Errors').toBeDefined();
    const written = JSON.parse(jsonError(new UsageError('…'), ExitCode.usage)) as unknown;
    expect(JSON.parse(shown!)).toEqual(written);
    const errors = json.slice(json.indexOf('## Errors'), json.indexOf('## The other documents'));
    const codes = [
      new UsageError('x'),
      new InfrastructureError('x'),
      new GitError('x'),
      new DeployBisectError('x', ExitCode.testAborted),
      new Error('x'),
    ].map((error) => (JSON.parse(jsonError(error, 1)) as { error: { code: string } }).error.code);
    expect(codes).toEqual(['usage', 'infrastructure', 'git', 'test-aborted', 'internal']);
    for (const code of codes) expect(errors, code).toContain(`| \`${code}\` |`);
  });
});

describe('docs/nightly-and-ci.md', () => {
  it('shows the workflow step as the example workflow has it', () => {
    const shown = [...page('docs/nightly-and-ci.md').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(shown.length).toBeGreaterThan(0);
    const workflow = page('docs/ci/github-actions-nightly.yml');
    for (const block of shown) expect(workflow).toContain(block);
  });
});
