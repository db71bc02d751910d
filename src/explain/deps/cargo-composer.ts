/**
 * Cargo.lock (TOML `[[package]]`: a package without `source` is a member of the workspace, and the
 * packages it depends on are direct) and composer.json / composer.lock (JSON: `require` and
 * `require-dev`, `packages` and `packages-dev`; `php` and `ext-*` requirements are the runtime's).
 */
import { isObject, parseJsonObject, stringMap, stringOf } from './json-input.js';
import { keyedLines } from './line-finder.js';
import { parseTomlTable } from './toml-input.js';
import type { DeclaredPackage, DependencySnapshot, RuntimePin } from './types.js';

const withLine = (line: number | undefined) => (line !== undefined ? { line } : {});

export function readCargoLock(text: string, path: string): DependencySnapshot {
  const base: DependencySnapshot = { ecosystem: 'rust', path, role: 'lock', packages: [], runtimes: [] };
  const parsed = parseTomlTable(text, path);
  if (!parsed.ok) return { ...base, problem: parsed.problem };
  const entries = (Array.isArray(parsed.value.package) ? parsed.value.package : []).filter(isObject);
  // `dependencies = ["name", "name version", "name version (source)"]`
  const depName = (d: unknown) => (typeof d === 'string' ? d.split(' ')[0]! : '');
  const members = entries.filter((e) => e.source === undefined);
  const direct = new Set(members.flatMap((m) => (Array.isArray(m.dependencies) ? m.dependencies.map(depName) : [])));
  const lines = keyedLines(text, /^name = "([^"]+)"/);
  const seen = new Map<string, DeclaredPackage>();
  for (const entry of entries) {
    if (entry.source === undefined) continue;
    const name = stringOf(entry.name) ?? '';
    const version = stringOf(entry.version) ?? '';
    const known = seen.get(name);
    if (known) known.otherVersions = [...(known.otherVersions ?? []), version];
    else seen.set(name, { name, version, scope: 'production', direct: direct.has(name), ...withLine(lines.get(name)) });
  }
  return { ...base, packages: [...seen.values()] };
}

export function readComposerJson(text: string, path: string): DependencySnapshot {
  const base: DependencySnapshot = { ecosystem: 'php', path, role: 'manifest', packages: [], runtimes: [] };
  const parsed = parseJsonObject(text, path);
  if (!parsed.ok) return { ...base, problem: parsed.problem };
  const lines = keyedLines(text, /^\s*"([^"]+)"\s*:/);
  const packages: DeclaredPackage[] = [];
  const runtimes: RuntimePin[] = [];
  for (const [section, scope] of [
    ['require', 'production'],
    ['require-dev', 'dev'],
  ] as const) {
    for (const [name, version] of Object.entries(stringMap(parsed.value[section]))) {
      if (name === 'php') runtimes.push({ runtime: 'php', version, ...withLine(lines.get(name)) });
      else if (!name.startsWith('ext-') && !name.startsWith('lib-'))
        packages.push({ name, version, scope, direct: true, ...withLine(lines.get(name)) });
    }
  }
  return { ...base, packages, runtimes };
}

export function readComposerLock(text: string, path: string): DependencySnapshot {
  const base: DependencySnapshot = { ecosystem: 'php', path, role: 'lock', packages: [], runtimes: [] };
  const parsed = parseJsonObject(text, path);
  if (!parsed.ok) return { ...base, problem: parsed.problem };
  const lines = keyedLines(text, /^\s*"name": "([^"]+)"/);
  const packages: DeclaredPackage[] = [];
  for (const [section, scope] of [
    ['packages', 'production'],
    ['packages-dev', 'dev'],
  ] as const) {
    const list = Array.isArray(parsed.value[section]) ? (parsed.value[section] as unknown[]) : [];
    for (const entry of list.filter(isObject)) {
      const name = stringOf(entry.name) ?? '';
      const php = isObject(entry.require) ? stringOf(entry.require.php) : undefined;
      packages.push({
        name,
        version: (stringOf(entry.version) ?? '').replace(/^v(?=\d)/, ''),
        scope,
        direct: false,
        ...withLine(lines.get(name)),
        ...(php ? { engines: php } : {}),
      });
    }
  }
  return { ...base, packages };
}
