/**
 * Python locks: poetry.lock and uv.lock (TOML `[[package]]` lists), Pipfile.lock (JSON `default`
 * and `develop`), and the Pipfile beside it (TOML `[packages]`, `[dev-packages]`, `[requires]`).
 * poetry marks dev packages (`category`, or `groups` without `main`); uv's own entry (the project,
 * `source = { editable = "." }`) names the direct dependencies and dev groups.
 */
import { isObject, parseJsonObject, stringOf, type JsonObject } from './json-input.js';
import { keyedLines } from './line-finder.js';
import { normalizePythonName } from './pep508.js';
import { parseTomlTable } from './toml-input.js';
import type { DeclaredPackage, DependencySnapshot, RuntimePin, Scope } from './types.js';

const table = (value: unknown): JsonObject => (isObject(value) ? value : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const withLine = (line: number | undefined) => (line !== undefined ? { line } : {});

function tomlLock(text: string, path: string): { base: DependencySnapshot; toml?: JsonObject } {
  const base: DependencySnapshot = { ecosystem: 'python', path, role: 'lock', packages: [], runtimes: [] };
  const parsed = parseTomlTable(text, path);
  return parsed.ok ? { base, toml: parsed.value } : { base: { ...base, problem: parsed.problem } };
}

export function readPoetryLock(text: string, path: string): DependencySnapshot {
  const { base, toml } = tomlLock(text, path);
  if (!toml) return base;
  const lines = keyedLines(text, /^name = "([^"]+)"/);
  const packages = list(toml.package)
    .filter(isObject)
    .map((entry): DeclaredPackage => {
      const name = stringOf(entry.name) ?? '';
      const groups = list(entry.groups).filter((g): g is string => typeof g === 'string');
      const dev = entry.category === 'dev' || (groups.length > 0 && !groups.includes('main'));
      const python = stringOf(entry['python-versions']);
      return {
        name: normalizePythonName(name),
        version: stringOf(entry.version) ?? '',
        scope: dev ? 'dev' : 'production',
        direct: false,
        ...withLine(lines.get(name)),
        ...(python && python !== '*' ? { engines: python } : {}),
      };
    });
  return { ...base, packages };
}

export function readUvLock(text: string, path: string): DependencySnapshot {
  const { base, toml } = tomlLock(text, path);
  if (!toml) return base;
  const entries = list(toml.package).filter(isObject);
  const isProject = (e: JsonObject) => isObject(e.source) && (e.source.editable === '.' || e.source.virtual === '.');
  const project = entries.find(isProject);
  const names = (deps: unknown) =>
    list(deps)
      .filter(isObject)
      .map((d) => normalizePythonName(stringOf(d.name) ?? ''));
  const production = new Set(
    project ? [...names(project.dependencies), ...Object.values(table(project['optional-dependencies'])).flatMap(names)] : [],
  );
  const dev = new Set(project ? Object.values(table(project['dev-dependencies'])).flatMap(names) : []);
  const edges = new Map(entries.map((e) => [normalizePythonName(stringOf(e.name) ?? ''), names(e.dependencies)]));
  const reached = reach([...production], edges);
  const lines = keyedLines(text, /^name = "([^"]+)"/);
  const packages = entries
    .filter((e) => !isProject(e))
    .map((entry): DeclaredPackage => {
      const name = normalizePythonName(stringOf(entry.name) ?? '');
      const scope: Scope = project && !reached.has(name) ? 'dev' : 'production';
      return {
        name,
        version: stringOf(entry.version) ?? '',
        scope,
        direct: production.has(name) || dev.has(name),
        ...withLine(lines.get(stringOf(entry.name) ?? '')),
      };
    });
  const requires = stringOf(toml['requires-python']);
  return {
    ...base,
    packages,
    runtimes: requires
      ? [{ runtime: 'python', version: requires, ...withLine(keyedLines(text, /^(requires-python) =/).get('requires-python')) }]
      : [],
  };
}

function reach(start: string[], edges: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const next = queue.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(edges.get(next) ?? []));
  }
  return seen;
}

export function readPipfileLock(text: string, path: string): DependencySnapshot {
  const base: DependencySnapshot = { ecosystem: 'python', path, role: 'lock', packages: [], runtimes: [] };
  const parsed = parseJsonObject(text, path);
  if (!parsed.ok) return { ...base, problem: parsed.problem };
  const lines = keyedLines(text, /^ {8}"([^"]+)": \{/);
  const packages: DeclaredPackage[] = [];
  for (const [section, scope] of [
    ['default', 'production'],
    ['develop', 'dev'],
  ] as const) {
    for (const [name, entry] of Object.entries(table(parsed.value[section]))) {
      const version = (isObject(entry) ? stringOf(entry.version) : undefined)?.replace(/^==/, '') ?? '';
      packages.push({ name: normalizePythonName(name), version, scope, direct: false, ...withLine(lines.get(name)) });
    }
  }
  const python = stringOf(table(table(parsed.value._meta).requires).python_version);
  const runtimes: RuntimePin[] = python
    ? [{ runtime: 'python', version: python, ...withLine(keyedLines(text, /"(python_version)"/).get('python_version')) }]
    : [];
  return { ...base, packages, runtimes };
}

export function readPipfile(text: string, path: string): DependencySnapshot {
  const base: DependencySnapshot = { ecosystem: 'python', path, role: 'manifest', packages: [], runtimes: [] };
  const parsed = parseTomlTable(text, path);
  if (!parsed.ok) return { ...base, problem: parsed.problem };
  const lines = keyedLines(text, /^"?([A-Za-z0-9][A-Za-z0-9._-]*)"?\s*=/);
  const packages: DeclaredPackage[] = [];
  for (const [section, scope] of [
    ['packages', 'production'],
    ['dev-packages', 'dev'],
  ] as const) {
    for (const [name, spec] of Object.entries(table(parsed.value[section]))) {
      const version = typeof spec === 'string' ? spec : (stringOf(table(spec).version) ?? '');
      packages.push({ name: normalizePythonName(name), version, scope, direct: true, ...withLine(lines.get(name)) });
    }
  }
  const python = stringOf(table(parsed.value.requires).python_version) ?? stringOf(table(parsed.value.requires).python_full_version);
  return { ...base, packages, runtimes: python ? [{ runtime: 'python', version: python, ...withLine(lines.get('python_version')) }] : [] };
}
