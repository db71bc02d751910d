/**
 * package.json: the packages the project declares (dependencies and optionalDependencies are
 * production, devDependencies dev; peers are the host's business and left out), the Node version it
 * pins (`engines.node`) and its scripts (what `npm run build` runs).
 */
import { isObject, parseJsonObject, stringMap, stringOf } from './json-input.js';
import { keyedLines } from './line-finder.js';
import type { DeclaredPackage, DependencySnapshot, Scope } from './types.js';

const SECTIONS: readonly [string, Scope][] = [
  ['dependencies', 'production'],
  ['optionalDependencies', 'production'],
  ['devDependencies', 'dev'],
];

export function readPackageJson(text: string, path: string): DependencySnapshot {
  const base: DependencySnapshot = { ecosystem: 'npm', path, role: 'manifest', packages: [], runtimes: [] };
  const parsed = parseJsonObject(text, path);
  if (!parsed.ok) return { ...base, problem: parsed.problem };
  const json = parsed.value;
  const sectionLines = keyedLines(text, /^\s*"(dependencies|optionalDependencies|devDependencies|engines)"\s*:/);
  const entryLines = entryLinesAfter(text);
  const packages: DeclaredPackage[] = [];
  const seen = new Set<string>();
  for (const [section, scope] of SECTIONS) {
    const start = sectionLines.get(section) ?? 0;
    for (const [name, version] of Object.entries(stringMap(json[section]))) {
      if (seen.has(name)) continue; // a package in both dependencies and devDependencies installs as production
      seen.add(name);
      const line = entryLines(name, start);
      packages.push({ name, version, scope, direct: true, ...(line !== undefined ? { line } : {}) });
    }
  }
  const node = isObject(json.engines) ? stringOf(json.engines.node) : undefined;
  const engineLine = entryLines('node', sectionLines.get('engines') ?? 0);
  return {
    ...base,
    packages,
    runtimes: node ? [{ runtime: 'node', version: node, ...(engineLine !== undefined ? { line: engineLine } : {}) }] : [],
    scripts: stringMap(json.scripts),
  };
}

/** The line of `"name":` after a section's line (the first such line past it). */
function entryLinesAfter(text: string): (name: string, after: number) => number | undefined {
  const lines = text.split('\n');
  return (name, after) => {
    const needle = `${JSON.stringify(name)}`;
    for (let i = after; i < lines.length; i += 1) {
      const line = lines[i]!.trimStart();
      if (line.startsWith(needle) && /^\s*:/.test(line.slice(needle.length))) return i + 1;
      if (i > after && line.startsWith('}')) return undefined;
    }
    return undefined;
  };
}
