/**
 * pnpm-lock.yaml, lockfileVersion 5.x, 6.0 and 9.0 (YAML). The importers (the project and its
 * workspaces; the top level in 5.x/6.0 without workspaces) name the direct dependencies and their
 * sections; `packages` keys name every package (`/name/1.0.0` in 5.x, `/name@1.0.0` in 6.0,
 * `name@1.0.0` in 9.0). 5.x and 6.0 mark dev packages; for 9.0 a package is production when a
 * production dependency reaches it through `snapshots`.
 */
import { parse as parseYaml } from 'yaml';

import { isObject, stringOf, type JsonObject } from './json-input.js';
import { keyedLines } from './line-finder.js';
import type { DeclaredPackage, DependencySnapshot, Scope } from './types.js';

const SECTIONS: readonly [string, Scope][] = [
  ['dependencies', 'production'],
  ['optionalDependencies', 'production'],
  ['devDependencies', 'dev'],
];

/** `/@scope/name/1.0.0_peer@2` (5.x), `/name@1.0.0(peer@2)` (6.0), `name@1.0.0` (9.0) → [name, version]. */
export function pnpmKey(key: string): [string, string] {
  const bare = key.replace(/^\//, '').replace(/\(.*$/, '');
  const at = bare.indexOf('@', bare.startsWith('@') ? 1 : 0);
  if (at > 0) return [bare.slice(0, at), bare.slice(at + 1)];
  const slash = bare.lastIndexOf('/');
  return [bare.slice(0, slash), bare.slice(slash + 1).replace(/_.*$/, '')];
}

const versionOf = (value: unknown): string | undefined =>
  (isObject(value) ? stringOf(value.version) : typeof value === 'string' ? value : undefined)?.replace(/[(_].*$/, '');

export function readPnpmLock(text: string, path: string): DependencySnapshot {
  const base: DependencySnapshot = { ecosystem: 'npm', path, role: 'lock', packages: [], runtimes: [] };
  let lock: JsonObject;
  try {
    const parsed: unknown = parseYaml(text);
    if (!isObject(parsed)) return { ...base, problem: `${path} holds no lock` };
    lock = parsed;
  } catch (error) {
    return { ...base, problem: `${path} does not parse: ${(error as Error).message}` };
  }
  const importers = isObject(lock.importers) ? Object.values(lock.importers).filter(isObject) : [lock];
  const direct = new Map<string, Scope>();
  for (const importer of importers) {
    for (const [section, scope] of SECTIONS) {
      for (const name of Object.keys(isObject(importer[section]) ? importer[section] : {}))
        if (direct.get(name) !== 'production') direct.set(name, scope);
    }
  }
  const production = reachableFromProduction(lock, importers);
  const lines = keyedLines(text, /^ {2}'?\/?((?:@[^@/']+\/)?[^@/':\s]+)[@/]/);
  const byName = new Map<string, DeclaredPackage>();
  for (const [key, entry] of Object.entries(isObject(lock.packages) ? lock.packages : {})) {
    const [name, version] = pnpmKey(key);
    const known = byName.get(name);
    if (known) {
      if (known.version !== version && !known.otherVersions?.includes(version))
        known.otherVersions = [...(known.otherVersions ?? []), version];
      continue;
    }
    const dev = isObject(entry) && typeof entry.dev === 'boolean' ? entry.dev : production ? !production.has(`${name}@${version}`) : false;
    const engines = isObject(entry) && isObject(entry.engines) ? stringOf(entry.engines.node) : undefined;
    const line = lines.get(name);
    byName.set(name, {
      name,
      version,
      scope: direct.get(name) ?? (dev ? 'dev' : 'production'),
      direct: direct.has(name),
      ...(line !== undefined ? { line } : {}),
      ...(engines ? { engines } : {}),
    });
  }
  return { ...base, packages: [...byName.values()] };
}

/** 9.0: `name@version` of every package a production dependency reaches through `snapshots` (undefined before 9.0). */
function reachableFromProduction(lock: JsonObject, importers: JsonObject[]): Set<string> | undefined {
  if (!isObject(lock.snapshots)) return undefined;
  const edges = new Map<string, string[]>();
  for (const [key, entry] of Object.entries(lock.snapshots)) {
    const [name, version] = pnpmKey(key);
    const deps = isObject(entry)
      ? {
          ...(isObject(entry.dependencies) ? entry.dependencies : {}),
          ...(isObject(entry.optionalDependencies) ? entry.optionalDependencies : {}),
        }
      : {};
    const list = edges.get(`${name}@${version}`) ?? [];
    for (const [dep, v] of Object.entries(deps)) list.push(`${dep}@${versionOf(v) ?? ''}`);
    edges.set(`${name}@${version}`, list);
  }
  const seen = new Set<string>();
  const queue: string[] = [];
  for (const importer of importers) {
    for (const section of ['dependencies', 'optionalDependencies']) {
      for (const [name, value] of Object.entries(isObject(importer[section]) ? importer[section] : {}))
        queue.push(`${name}@${versionOf(value) ?? ''}`);
    }
  }
  while (queue.length > 0) {
    const next = queue.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(edges.get(next) ?? []));
  }
  return seen;
}
