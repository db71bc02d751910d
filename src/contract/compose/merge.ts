/**
 * Compose's merge of several files (compose-spec 13-merge.md, compose-go override/): mappings merge
 * key by key, sequences append, scalars are replaced; `command`, `entrypoint` and `healthcheck.test`
 * are replaced whole; ports, volumes, secrets and env_file keep one entry per unique key (the later
 * file's entry takes the earlier's place); `!reset` removes a value, `!override` replaces it unmerged.
 * Works on canonical trees (canonical.ts), so list-or-mapping keys are mappings already. Pure.
 */
import { isMapping, type Tree } from './canonical.js';
import { fail } from './compose-failure.js';

export interface MergeTags {
  /** Dotted paths tagged `!reset` in the overriding file. */
  resets: ReadonlySet<string>;
  /** Dotted paths tagged `!override` in the overriding file. */
  overrides: ReadonlySet<string>;
}

const NO_TAGS: MergeTags = { resets: new Set(), overrides: new Set() };

type Pattern = readonly string[];

const REPLACED: Pattern[] = [
  ['services', '*', 'command'],
  ['services', '*', 'entrypoint'],
  ['services', '*', 'healthcheck', 'test'],
];

function matches(path: readonly string[], pattern: Pattern): boolean {
  return path.length === pattern.length && pattern.every((part, i) => part === '*' || part === path[i]);
}

/** Merges `override` over `base` (neither is changed). */
export function mergeTrees(base: Tree, override: Tree, tags: MergeTags = NO_TAGS): Tree {
  const cleanBase = structuredClone(base);
  const cleanOverride = structuredClone(override);
  for (const reset of tags.resets) {
    removePath(cleanBase, reset.split('.'));
    removePath(cleanOverride, reset.split('.'));
  }
  const merged = mergeAt(cleanBase, cleanOverride, [], tags) as Tree;
  return enforceUnicity(merged);
}

/** `extends`: the service over its base, with the same rules as for files. */
export function extendService(base: Tree, service: Tree): Tree {
  const merged = mergeTrees({ services: { x: base } }, { services: { x: service } });
  return (merged['services'] as Tree)['x'] as Tree;
}

function removePath(tree: Tree, path: readonly string[]): void {
  let node: unknown = tree;
  for (const part of path.slice(0, -1)) {
    if (!isMapping(node)) return;
    node = node[part];
  }
  if (isMapping(node)) delete node[path.at(-1) ?? ''];
}

function mergeAt(base: unknown, override: unknown, path: readonly string[], tags: MergeTags): unknown {
  if (override === undefined || override === null) return base;
  if (tags.overrides.has(path.join('.')) || REPLACED.some((pattern) => matches(path, pattern))) return override;
  if (isMapping(base)) {
    if (!isMapping(override)) return fail('invalid-project', `cannot override ${path.join('.')}`);
    const out: Tree = { ...base };
    for (const [key, value] of Object.entries(override)) {
      out[key] = key in base ? mergeAt(base[key], value, [...path, key], tags) : value;
    }
    return out;
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(override)) return fail('invalid-project', `cannot override ${path.join('.')}`);
    return [...base, ...override];
  }
  return override;
}

type Indexer = (entry: unknown) => string;

const text = (entry: unknown): string => String(entry);
const byTarget =
  (defaultDir: string): Indexer =>
  (entry) => {
    if (!isMapping(entry)) return String(entry);
    return typeof entry['target'] === 'string' ? entry['target'] : `${defaultDir}/${String(entry['source'])}`;
  };
const portKey: Indexer = (entry) => {
  if (!isMapping(entry)) return String(entry);
  const published = entry['published'] === undefined || entry['published'] === null ? '' : String(entry['published']);
  return `${String(entry['host_ip'] ?? '0.0.0.0')}:${published}:${String(entry['target'])}/${String(entry['protocol'] ?? 'tcp')}`;
};

const UNIQUE: readonly [Pattern, Indexer][] = [
  [['services', '*', 'volumes'], (entry) => (isMapping(entry) ? String(entry['target']) : String(entry))],
  [['services', '*', 'ports'], portKey],
  [['services', '*', 'secrets'], byTarget('/run/secrets')],
  [['services', '*', 'build', 'secrets'], byTarget('/run/secrets')],
  [['services', '*', 'env_file'], (entry) => (isMapping(entry) ? String(entry['path']) : String(entry))],
  [['services', '*', 'expose'], text],
  [['services', '*', 'profiles'], text],
  [['services', '*', 'links'], text],
  [['services', '*', 'extra_hosts'], text],
  [['services', '*', 'volumes_from'], text],
  [['services', '*', 'networks', '*', 'aliases'], text],
];

/** One entry per unique key in the lists that have one; a later entry takes the earlier's place. */
function enforceUnicity(tree: Tree): Tree {
  const walk = (node: unknown, path: readonly string[]): unknown => {
    if (Array.isArray(node)) {
      const rule = UNIQUE.find(([pattern]) => matches(path, pattern));
      if (!rule) return node;
      const out: unknown[] = [];
      const seen = new Map<string, number>();
      for (const entry of node) {
        const key = rule[1](entry);
        const at = seen.get(key);
        if (at === undefined) {
          seen.set(key, out.length);
          out.push(entry);
        } else {
          out[at] = entry;
        }
      }
      return out;
    }
    if (isMapping(node)) {
      const out: Tree = {};
      for (const [key, value] of Object.entries(node)) out[key] = walk(value, [...path, key]);
      return out;
    }
    return node;
  };
  return walk(tree, []) as Tree;
}
