/**
 * One file's (interpolated) tree into compose's canonical forms, as compose-go's transform step does:
 * `build: dir` → `{context}`, lists → mappings (depends_on, environment, labels, build.args, networks),
 * short ports and volumes → long entries, env_file → `[{path, required}]`, secrets → `{source}` — and
 * every relative path made repository-relative against the file's base directory. The merge of files,
 * `extends` and the typed model all work on this form.
 */
import { fail } from './compose-failure.js';
import { isRemoteContext, resolvePath } from './paths.js';
import { parsePortSpec, PortSpecError } from './port-spec.js';
import { parseVolumeSpec, VolumeSpecError } from './volume-spec.js';
import type { TreePath } from './yaml-file.js';

export type Tree = Record<string, unknown>;

export function isMapping(value: unknown): value is Tree {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Where a file's values come from: its name, the directory its relative paths start from, its lines. */
export interface FileScope {
  file: string;
  baseDir: string;
  positionOf(path: TreePath): { line: number; column: number } | null;
}

export function failAt(scope: FileScope, path: TreePath, message: string): never {
  const position = scope.positionOf(path);
  return fail('invalid-project', message, { file: scope.file, line: position?.line ?? null, column: position?.column ?? null });
}

/** A scalar of a list_or_dict as compose turns it into a string (null stays null: a bare key). */
function scalarText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** `[K=V, K]` or `{K: V, K: null}` → `{K: V, K: null}`. */
export function listOrDict(value: unknown): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = String(item);
      const eq = text.indexOf('=');
      if (eq < 0) out[text] = null;
      else out[text.slice(0, eq)] = text.slice(eq + 1);
    }
  } else if (isMapping(value)) {
    for (const [key, item] of Object.entries(value)) out[key] = scalarText(item);
  }
  return out;
}

function canonicalBuild(build: unknown, scope: FileScope): Tree {
  const out: Tree = typeof build === 'string' ? { context: build } : { ...(build as Tree) };
  if (typeof out['context'] === 'string' && !isRemoteContext(out['context'])) out['context'] = resolvePath(scope.baseDir, out['context']);
  if (out['args'] !== undefined) out['args'] = listOrDict(out['args']);
  if (Array.isArray(out['secrets'])) out['secrets'] = out['secrets'].map((s) => (typeof s === 'string' ? { source: s } : s));
  return out;
}

function canonicalDependsOn(value: unknown): Tree {
  const out: Tree = {};
  if (Array.isArray(value)) {
    for (const name of value) out[String(name)] = { condition: 'service_started', required: true };
    return out;
  }
  for (const [name, spec] of Object.entries(value as Tree)) {
    out[name] = { condition: 'service_started', required: true, ...(isMapping(spec) ? spec : {}) };
  }
  return out;
}

function canonicalEnvFiles(value: unknown, scope: FileScope): Tree[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    const entry: Tree = typeof item === 'string' ? { path: item } : { ...(item as Tree) };
    entry['path'] = resolvePath(scope.baseDir, String(entry['path']));
    if (entry['required'] === undefined) entry['required'] = true;
    return entry;
  });
}

function canonicalVolume(value: unknown, path: TreePath, scope: FileScope): Tree {
  let entry: Tree;
  if (typeof value === 'string') {
    try {
      const { options, ...long } = parseVolumeSpec(value);
      entry = { ...long, ...volumeOptions(long.type, options) };
    } catch (error) {
      if (error instanceof VolumeSpecError) failAt(scope, path, error.message);
      throw error;
    }
  } else {
    entry = { ...(value as Tree) };
  }
  const source = entry['source'];
  if (entry['type'] === 'bind' && (source === '' || source === undefined || source === null)) {
    failAt(scope, path, 'invalid mount config for type "bind": field Source must not be empty');
  }
  if (entry['type'] === 'bind' && typeof source === 'string') entry['source'] = resolvePath(scope.baseDir, source);
  return entry;
}

function volumeOptions(type: 'bind' | 'volume', options: readonly string[]): Tree {
  const out: Tree = {};
  for (const option of options) {
    if (option === 'nocopy') out['volume'] = { nocopy: true };
    else if (type === 'bind' && /^(z|Z)$/.test(option)) out['bind'] = { ...(out['bind'] as Tree), selinux: option };
    else if (type === 'bind' && /^r?(private|shared|slave)$/.test(option)) out['bind'] = { ...(out['bind'] as Tree), propagation: option };
  }
  return out;
}

function canonicalPorts(value: unknown, path: TreePath, scope: FileScope): Tree[] {
  const out: Tree[] = [];
  (value as unknown[]).forEach((item, index) => {
    if (isMapping(item)) {
      const entry = { ...item };
      if (typeof entry['target'] === 'string' && /^\d+$/.test(entry['target'])) entry['target'] = Number(entry['target']);
      if (typeof entry['published'] === 'number') entry['published'] = String(entry['published']);
      out.push(entry);
      return;
    }
    try {
      out.push(...parsePortSpec(item as string | number).map((port) => ({ ...port })));
    } catch (error) {
      if (error instanceof PortSpecError) failAt(scope, [...path, index], error.message);
      throw error;
    }
  });
  return out;
}

function extraHosts(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return Object.entries(value as Tree).flatMap(([host, ip]) => (Array.isArray(ip) ? ip : [ip]).map((one) => `${host}=${String(one)}`));
}

/** One service's definition in canonical form. */
export function canonicalService(service: Tree, path: TreePath, scope: FileScope): Tree {
  const out: Tree = { ...service };
  const at = (key: string): TreePath => [...path, key];
  if (out['build'] !== undefined) out['build'] = canonicalBuild(out['build'], scope);
  if (out['depends_on'] !== undefined) out['depends_on'] = canonicalDependsOn(out['depends_on']);
  if (out['env_file'] !== undefined) out['env_file'] = canonicalEnvFiles(out['env_file'], scope);
  for (const key of ['environment', 'labels']) if (out[key] !== undefined) out[key] = listOrDict(out[key]);
  if (Array.isArray(out['networks'])) out['networks'] = Object.fromEntries(out['networks'].map((name) => [String(name), null]));
  if (Array.isArray(out['volumes'])) out['volumes'] = out['volumes'].map((v, i) => canonicalVolume(v, [...at('volumes'), i], scope));
  if (Array.isArray(out['ports'])) out['ports'] = canonicalPorts(out['ports'], at('ports'), scope);
  if (Array.isArray(out['expose'])) out['expose'] = out['expose'].map(String);
  if (Array.isArray(out['secrets'])) out['secrets'] = out['secrets'].map((s) => (typeof s === 'string' ? { source: s } : s));
  if (out['extra_hosts'] !== undefined) out['extra_hosts'] = extraHosts(out['extra_hosts']);
  if (typeof out['extends'] === 'string') out['extends'] = { service: out['extends'] };
  if (isMapping(out['extends']) && typeof out['extends']['file'] === 'string') {
    out['extends'] = { ...out['extends'], file: resolvePath(scope.baseDir, out['extends']['file']) };
  }
  return out;
}

/** A whole file in canonical form (services, and the top-level elements' paths). */
export function canonicalFile(tree: Tree, scope: FileScope): Tree {
  const out: Tree = { ...tree };
  if (isMapping(tree['services'])) {
    const services: Tree = {};
    for (const [name, service] of Object.entries(tree['services'])) {
      services[name] = isMapping(service) ? canonicalService(service, ['services', name], scope) : {};
    }
    out['services'] = services;
  }
  for (const kind of ['networks', 'volumes', 'secrets', 'configs']) {
    if (!isMapping(tree[kind])) continue;
    const resources: Tree = {};
    for (const [name, resource] of Object.entries(tree[kind])) {
      const entry: Tree = isMapping(resource) ? { ...resource } : {};
      if (typeof entry['file'] === 'string') entry['file'] = resolvePath(scope.baseDir, entry['file']);
      resources[name] = entry;
    }
    out[kind] = resources;
  }
  return out;
}
