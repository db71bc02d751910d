/**
 * A manifest change split per key, for `narrow`: two texts of a manifest → the keys that differ, each a
 * change that can be applied to the old text on its own or with any others. Pure.
 *
 * Keys are compared as parsed values: mappings key by key; a list of mappings that each have a unique
 * `name`, `key`, `image` or `id` (Render services, envVars, Kubernetes containers) item by item, by that
 * field; any other list as a whole. Limits: YAML is edited through `yaml`'s document model (comments
 * kept, some spacing may change); TOML and JSON are written back from the parsed value (TOML comments
 * are lost, key order kept); a multi-document YAML file whose number of documents changes is one change.
 */
import { isDeepStrictEqual } from 'node:util';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { parseAllDocuments, stringify as stringifyYaml, type Document } from 'yaml';

import { SECRET_NAME } from '../../contract/env.js';

export type ManifestFormat = 'yaml' | 'toml' | 'json';

/** A step of a key path: a mapping key, a list index, or the list item whose `field` is `value`. */
export type KeyStep = string | number | { field: string; value: string };

export interface KeyChange {
  /** 1-based, in the order of the keys in the files. */
  id: number;
  path: KeyStep[];
  /** `services[name=api].envVars[key=MODE].value` */
  key: string;
  /** Absent: the key is added. */
  before?: unknown;
  /** Absent: the key is removed. */
  after?: unknown;
  /** One line; values of secret-looking keys are masked. */
  summary: string;
}

const IDENTITY_FIELDS = ['name', 'key', 'image', 'id'];

export function formatOf(path: string): ManifestFormat {
  return path.endsWith('.toml') ? 'toml' : path.endsWith('.json') ? 'json' : 'yaml';
}

/** Whether the text parses in its format (YAML: every document without an error), so that it can be split per key. */
export function manifestParses(text: string, format: ManifestFormat): boolean {
  try {
    if (format !== 'yaml') return parseValue(text, format) !== undefined;
    const docs = yamlDocuments(text);
    if (docs.some((d) => d.errors.length > 0)) return false;
    docs.forEach((d) => d.toJS({ maxAliasCount: 1000 }));
    return true;
  } catch {
    return false;
  }
}

/** The per-key changes from `before` to `after` (texts of the same manifest). */
export function splitManifest(before: string, after: string, format: ManifestFormat): KeyChange[] {
  const out: Omit<KeyChange, 'id' | 'key' | 'summary'>[] = [];
  const [a, b] = [parseValue(before, format), parseValue(after, format)];
  if (format !== 'yaml') diff(a, b, [], out);
  else if ((a as unknown[]).length !== (b as unknown[]).length) out.push({ path: [], before: a, after: b });
  else (a as unknown[]).forEach((doc, i) => diff(doc, (b as unknown[])[i], [i], out));
  return out.map((change, i) => {
    const key = keyText(change.path);
    return { id: i + 1, ...change, key, summary: summaryOf(key, change.before, change.after) };
  });
}

/** The old text with the chosen changes applied (in any number, in any order). */
export function applyKeyChanges(before: string, format: ManifestFormat, changes: readonly KeyChange[]): string {
  if (format === 'yaml') return applyYaml(before, changes);
  const value = plain(format === 'toml' ? parseToml(before) : (JSON.parse(before) as unknown));
  let root = value;
  for (const change of changes) root = applyPlain(root, change);
  if (format === 'toml') return stringifyToml(root as Record<string, unknown>);
  const indent = /\n( +)"/.exec(before)?.[1]?.length ?? 2;
  return JSON.stringify(root, null, indent) + (before.endsWith('\n') ? '\n' : '');
}

/** YAML: the list of documents (a single-document file is still a list of one). */
function parseValue(text: string, format: ManifestFormat): unknown {
  if (format === 'toml') return plain(parseToml(text));
  if (format === 'json') return JSON.parse(text) as unknown;
  return yamlDocuments(text).map((d) => d.toJS({ maxAliasCount: 1000 }) as unknown);
}

function yamlDocuments(text: string): Document[] {
  return [...parseAllDocuments(text, { merge: true })];
}

function diff(a: unknown, b: unknown, path: KeyStep[], out: Omit<KeyChange, 'id' | 'key' | 'summary'>[]): void {
  if (isDeepStrictEqual(a, b)) return;
  if (isMap(a) && isMap(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(key in b)) out.push({ path: [...path, key], before: a[key] });
      else if (!(key in a)) out.push({ path: [...path, key], after: b[key] });
      else diff(a[key], b[key], [...path, key], out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const field = identity(a, b);
    if (field !== undefined) return diffById(a as Record<string, unknown>[], b as Record<string, unknown>[], field, path, out);
  }
  out.push({ path, before: a, after: b });
}

function diffById(
  a: Record<string, unknown>[],
  b: Record<string, unknown>[],
  field: string,
  path: KeyStep[],
  out: Omit<KeyChange, 'id' | 'key' | 'summary'>[],
): void {
  const byId = (list: Record<string, unknown>[]) => new Map(list.map((item) => [String(item[field]), item]));
  const [was, now] = [byId(a), byId(b)];
  for (const [value, item] of was) {
    const step = { field, value };
    if (!now.has(value)) out.push({ path: [...path, step], before: item });
    else diff(item, now.get(value), [...path, step], out);
  }
  for (const [value, item] of now) if (!was.has(value)) out.push({ path: [...path, { field, value }], after: item });
}

/** A field that names every item of both lists uniquely, if there is one. */
function identity(a: unknown[], b: unknown[]): string | undefined {
  const items = [...a, ...b];
  if (items.length === 0 || !items.every(isMap)) return undefined;
  return IDENTITY_FIELDS.find((field) =>
    [a, b].every((list) => {
      const values = (list as Record<string, unknown>[]).map((item) => item[field]);
      return values.every((v) => typeof v === 'string' || typeof v === 'number') && new Set(values).size === values.length;
    }),
  );
}

function applyYaml(text: string, changes: readonly KeyChange[]): string {
  const docs = yamlDocuments(text);
  for (const change of changes) {
    if (change.path.length === 0) return yamlText(change.after);
    const [index, ...rest] = change.path;
    const doc = docs[index as number]!;
    const steps = resolve(doc.toJS({ maxAliasCount: 1000 }) as unknown, rest);
    if (change.after === undefined) doc.deleteIn(steps);
    else if (steps.at(-1) === -1) doc.addIn(steps.slice(0, -1), doc.createNode(change.after));
    else doc.setIn(steps, doc.createNode(change.after));
  }
  return docs.map(String).join('');
}

/** A whole stream written anew (its number of documents changed). */
function yamlText(documents: unknown): string {
  return (documents as unknown[]).map((value, i) => `${i > 0 ? '---\n' : ''}${stringifyYaml(value)}`).join('');
}

function applyPlain(root: unknown, change: KeyChange): unknown {
  const steps = resolve(root, change.path);
  const parent = steps.slice(0, -1).reduce<unknown>((node, step) => (node as Record<string | number, unknown>)[step], root);
  const last = steps.at(-1)!;
  if (Array.isArray(parent)) {
    if (change.after === undefined) parent.splice(last as number, 1);
    else if (last === -1) parent.push(change.after);
    else parent[last as number] = change.after;
  } else if (change.after === undefined) {
    delete (parent as Record<string, unknown>)[last];
  } else {
    (parent as Record<string, unknown>)[last] = change.after;
  }
  return root;
}

/** Steps as indexes in the current value; an item not (yet) in its list is -1 (to be appended). */
function resolve(root: unknown, path: readonly KeyStep[]): (string | number)[] {
  const out: (string | number)[] = [];
  let node = root;
  for (const step of path) {
    if (typeof step === 'object') {
      const list = Array.isArray(node) ? (node as Record<string, unknown>[]) : [];
      const index = list.findIndex((item) => isMap(item) && String(item[step.field]) === step.value);
      out.push(index);
      node = index >= 0 ? list[index] : undefined;
    } else {
      out.push(step);
      node = isMap(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[step] : undefined;
    }
  }
  return out;
}

function keyText(path: readonly KeyStep[]): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (typeof step === 'object') out += `[${step.field}=${step.value}]`;
    else out += out === '' ? step : `.${step}`;
  }
  return out || '(the whole file)';
}

function summaryOf(key: string, before: unknown, after: unknown): string {
  const secret = SECRET_NAME.test(key.replace(/\]/g, '').replace(/\.value$/, ''));
  const show = (v: unknown) => (secret ? '***' : clip(JSON.stringify(v) ?? 'null'));
  if (before === undefined) return `${key} added: ${show(after)}`;
  if (after === undefined) return `${key} removed (was ${show(before)})`;
  return `${key}: ${show(before)} → ${show(after)}`;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** smol-toml's objects have no prototype; plain copies compare and print as usual. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
