/**
 * One compose file's text → plain YAML trees (one per document; `<<` merge keys applied), with the
 * line of any path for messages and the paths compose's `!reset` / `!override` tags mark.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair } from 'yaml';

import { fail } from './compose-failure.js';

export type TreePath = readonly (string | number)[];

export interface YamlDocument {
  /** The document as plain data (null for an empty one). */
  tree: unknown;
  /** The 1-based line and column of a path, or of the deepest part of it the document has. */
  positionOf(path: TreePath): { line: number; column: number } | null;
  /** Dotted paths (`services.web.ports`) tagged `!reset` (value cleared) or `!override` (replaced, not merged). */
  resets: ReadonlySet<string>;
  overrides: ReadonlySet<string>;
}

/** Aliases a real file may expand (sentry's compose file uses a few hundred); the yaml default is 100. */
const MAX_ALIASES = 10_000;

/** Parses the file (YAML 1.2, merge keys on); a syntax error is a 'yaml' failure with its line. */
export function parseComposeYaml(text: string, file: string): YamlDocument[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { merge: true, lineCounter, uniqueKeys: true });
  if (!Array.isArray(documents)) return [];
  return documents.map((document) => {
    const error = document.errors[0];
    if (error) {
      const reason = error.message.split(/ at line \d+, column \d+/)[0] ?? error.message;
      fail('yaml', `failed to parse ${file}: ${reason}`, {
        file,
        line: error.linePos?.[0].line ?? null,
        column: error.linePos?.[0].col ?? null,
      });
    }
    const tree: unknown = document.toJS({ maxAliasCount: MAX_ALIASES });
    const resets = new Set<string>();
    const overrides = new Set<string>();
    collectTags(document.contents, [], document, resets, overrides);
    return {
      tree,
      resets,
      overrides,
      positionOf: (path) => {
        const offset = offsetOf(document, path);
        if (offset === null) return null;
        const { line, col } = lineCounter.linePos(offset);
        return { line, column: col };
      },
    };
  });
}

function resolveAlias(node: unknown, document: Document): unknown {
  return isAlias(node) ? node.resolve(document) : node;
}

/** The pair of a mapping with the key, looking into `<<` merge keys (aliases or lists of them) as YAML merges them. */
function pairOf(node: unknown, key: string, document: Document, depth = 0): Pair | undefined {
  const map = resolveAlias(node, document);
  if (!isMap(map) || depth > 20) return undefined;
  const own = map.items.find((item) => isScalar(item.key) && typeof item.key.value !== 'symbol' && String(item.key.value) === key);
  if (own) return own;
  // With merge keys on, yaml reads `<<` as a scalar whose value is a symbol and whose source is `<<`.
  const merge = map.items.find((item) => isScalar(item.key) && typeof item.key.value === 'symbol' && item.key.source === '<<');
  const sources = isSeq(merge?.value) ? merge.value.items : merge ? [merge.value] : [];
  for (const source of sources) {
    const found = pairOf(source, key, document, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function offsetOf(document: Document, path: TreePath): number | null {
  let node: unknown = document.contents;
  let offset: number | null = isNode(node) ? (node.range?.[0] ?? null) : null;
  for (const segment of path) {
    node = resolveAlias(node, document);
    let next: unknown;
    if (isMap(node)) {
      const pair = pairOf(node, String(segment), document);
      if (pair && isNode(pair.key)) offset = pair.key.range?.[0] ?? offset;
      next = pair?.value;
    } else if (isSeq(node) && /^\d+$/.test(String(segment))) {
      next = node.items[Number(segment)];
      if (isNode(next)) offset = next.range?.[0] ?? offset;
    }
    if (next === undefined || next === null) return offset;
    node = next;
  }
  return offset;
}

function collectTags(node: unknown, path: string[], document: Document, resets: Set<string>, overrides: Set<string>): void {
  if (!isNode(node)) return;
  const tag = (node as Node).tag;
  if (tag === '!reset') resets.add(path.join('.'));
  if (tag === '!override') overrides.add(path.join('.'));
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key)) collectTags(pair.value, [...path, String(pair.key.value)], document, resets, overrides);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => collectTags(item, [...path, String(index)], document, resets, overrides));
  }
}
