/**
 * TOML manifests (fly.toml, railway.toml) parsed with smol-toml (TOML 1.0). smol-toml gives the place of
 * a syntax error but not of each key, so a key's place is found by reading the lines: the table headers
 * (`[http_service]`, `[[services]]`, counting array-of-tables items) and `key =` lines under them.
 * Good enough for messages; a key written in an inline table or a dotted key falls back to its table's line.
 */
import { parse, TomlError } from 'smol-toml';

import type { FileText } from '../contract.js';
import { ManifestProblem, type KeyPath, type Position } from './problem.js';
import type { ParsedText } from './yaml-source.js';

export function parseToml(file: FileText): ParsedText {
  let value: unknown;
  try {
    value = parse(file.text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const first = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
    throw new ManifestProblem('parse', [], `not valid TOML: ${first}`, { position: { line: error.line, column: error.column } });
  }
  const lines = file.text.split(/\r?\n/);
  return { value, locate: (path) => locateTomlKey(lines, path) };
}

interface Header {
  /** The table's key path with array-of-tables indexes, e.g. ['services', 0, 'tcp_checks', 1]. */
  path: (string | number)[];
  line: number;
}

/** The place of a key: its `key =` line under its table, else the table's header, else line 1. */
export function locateTomlKey(lines: readonly string[], path: KeyPath): Position | undefined {
  const headers = tableHeaders(lines);
  let best: Position | undefined;
  let bestDepth = -1;
  const consider = (depth: number, position: Position) => {
    if (depth > bestDepth) [best, bestDepth] = [position, depth];
  };
  const tables: Header[] = [{ path: [], line: 0 }, ...headers];
  tables.forEach((table, t) => {
    if (!startsWith(path, table.path)) return;
    if (table.line > 0) consider(table.path.length, { line: table.line, column: 1 });
    const end = tables[t + 1]?.line ?? lines.length + 1;
    const rest = path.slice(table.path.length);
    const key = rest[0];
    if (typeof key !== 'string') return;
    for (let n = table.line + 1; n < end; n++) {
      const match = /^(\s*)(?:"([^"]*)"|([A-Za-z0-9_-]+))\s*=/.exec(lines[n - 1] ?? '');
      if (match && (match[2] ?? match[3]) === key) consider(table.path.length + 1, { line: n, column: (match[1]?.length ?? 0) + 1 });
    }
  });
  return best;
}

function tableHeaders(lines: readonly string[]): Header[] {
  const counts = new Map<string, number>();
  const headers: Header[] = [];
  lines.forEach((text, i) => {
    const match = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(text);
    if (!match) return;
    const names = match[2]!.split('.').map((part) => part.trim().replace(/^"(.*)"$/, '$1'));
    const path: (string | number)[] = [];
    names.forEach((name, k) => {
      path.push(name);
      const key = path.join('\0');
      const isLast = k === names.length - 1;
      if (isLast && match[1] === '[[') counts.set(key, (counts.get(key) ?? -1) + 1);
      // An array of tables seen before (`[[services]]` then `[[services.tcp_checks]]`) takes its latest item.
      const index = counts.get(key);
      if (index !== undefined) path.push(index);
    });
    headers.push({ path, line: i + 1 });
  });
  return headers;
}

function startsWith(path: KeyPath, prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => path[i] === part);
}
