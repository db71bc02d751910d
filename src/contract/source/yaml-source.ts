/**
 * YAML manifests (render.yaml, Kubernetes, skaffold.yaml, heroku.yml, app specs; railway.json too: JSON
 * is YAML 1.2) parsed with `yaml` (YAML 1.2, `<<` merge keys on, duplicate keys an error), with the
 * line and column of every key for messages.
 */
import { isCollection, LineCounter, parseAllDocuments, parseDocument, type Document, type YAMLError } from 'yaml';

import type { FileText } from '../contract.js';
import { ManifestProblem, type KeyPath, type Position } from './problem.js';

export interface ParsedText {
  value: unknown;
  /** The place of a key (or of the nearest enclosing key that exists), 1-based. */
  locate(path: KeyPath): Position | undefined;
}

const OPTIONS = { merge: true, uniqueKeys: true, prettyErrors: false } as const;

/** One YAML document; a parse error is thrown as a ManifestProblem of kind parse, with its place. */
export function parseYaml(file: FileText): ParsedText {
  const lines = new LineCounter();
  const doc = parseDocument(file.text, { ...OPTIONS, lineCounter: lines });
  return fromDocument(doc, lines);
}

/** Every document of a multi-document YAML stream (Kubernetes); empty documents are left out. */
export function parseYamlDocuments(file: FileText): ParsedText[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(file.text, { ...OPTIONS, lineCounter: lines });
  if (!Array.isArray(docs)) return [];
  return docs.map((doc) => fromDocument(doc, lines)).filter((parsed) => parsed.value !== null && parsed.value !== undefined);
}

function fromDocument(doc: Document, lines: LineCounter): ParsedText {
  const error = doc.errors[0];
  if (error) throw parseProblem(error, lines);
  const locate = (path: KeyPath): Position | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const offset = keyOffset(doc, path.slice(0, n));
      if (offset !== undefined) {
        const { line, col } = lines.linePos(offset);
        return { line, column: col };
      }
    }
    return undefined;
  };
  return { value: doc.toJS({ maxAliasCount: 1000 }) as unknown, locate };
}

/** Where a key starts (its key token for a mapping entry, the item for a sequence index). */
function keyOffset(doc: Document, path: KeyPath): number | undefined {
  if (path.length === 0) return doc.contents?.range?.[0];
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1]!;
  if (!isCollection(parent)) return undefined;
  for (const item of parent.items as unknown[]) {
    if (typeof last === 'number') break;
    const pair = item as { key?: { value?: unknown; range?: [number, number, number] } };
    if (pair.key && String(pair.key.value) === last) return pair.key.range?.[0];
  }
  if (typeof last === 'number') {
    const node = (parent.items as { range?: [number, number, number] }[])[last];
    return node?.range?.[0];
  }
  return undefined;
}

function parseProblem(error: YAMLError, lines: LineCounter): ManifestProblem {
  const first = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const { line, col } = lines.linePos(error.pos[0]);
  return new ManifestProblem('parse', [], `not valid YAML: ${first}`, { position: { line, column: col } });
}
