/**
 * yarn.lock, classic (v1, its own grammar: yarn-classic-grammar.ts) and berry (YAML with
 * `__metadata`, yarn 2+). Neither says dev or direct (package.json does); berry entries carry `bin`.
 * The workspace's own entry (`name@workspace:.`) is the project, not a package.
 */
import { parse as parseYaml } from 'yaml';

import { isObject, stringOf, type JsonObject } from './json-input.js';
import { keyedLines } from './line-finder.js';
import type { DeclaredPackage, DependencySnapshot } from './types.js';
import { parseYarnClassic, YarnLockSyntaxError } from './yarn-classic-grammar.js';

/** `@scope/name@^1.2.0` → `@scope/name`; `name@npm:1.0.0` → `name`. */
export function nameOfSpecifier(specifier: string): string {
  const at = specifier.indexOf('@', specifier.startsWith('@') ? 1 : 0);
  return at <= 0 ? specifier : specifier.slice(0, at);
}

export function readYarnLock(text: string, path: string): DependencySnapshot {
  const base: DependencySnapshot = { ecosystem: 'npm', path, role: 'lock', packages: [], runtimes: [] };
  const berry = /^__metadata:/m.test(text);
  let entries: JsonObject;
  try {
    const parsed: unknown = berry ? parseYaml(text) : parseYarnClassic(text);
    if (!isObject(parsed)) return { ...base, problem: `${path} holds no entries` };
    entries = parsed;
  } catch (error) {
    const why = error instanceof YarnLockSyntaxError || error instanceof Error ? error.message : String(error);
    return { ...base, problem: `${path} does not parse: ${why}` };
  }
  const lines = keyedLines(text, /^"?((?:@[^@/"\s]+\/)?[^@"\s,]+)@/);
  const byName = new Map<string, DeclaredPackage>();
  for (const [key, entry] of Object.entries(entries)) {
    if (key === '__metadata' || !isObject(entry)) continue;
    const resolution = stringOf(entry.resolution);
    if (resolution?.includes('@workspace:')) continue;
    const name = nameOfSpecifier(resolution ?? key.split(',')[0]!.trim());
    const version = stringOf(entry.version) ?? (typeof entry.version === 'number' ? String(entry.version) : undefined);
    if (version === undefined) continue;
    const known = byName.get(name);
    if (known) {
      if (known.version !== version && !known.otherVersions?.includes(version))
        known.otherVersions = [...(known.otherVersions ?? []), version];
      continue;
    }
    const bins = isObject(entry.bin) ? Object.keys(entry.bin) : [];
    const line = lines.get(name);
    byName.set(name, {
      name,
      version,
      scope: 'production',
      direct: false,
      ...(line !== undefined ? { line } : {}),
      ...(bins.length > 0 ? { bins } : {}),
    });
  }
  return { ...base, packages: [...byName.values()] };
}
