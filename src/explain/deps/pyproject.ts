/**
 * pyproject.toml: `[project]` dependencies and optional dependencies (production), `requires-python`;
 * PEP 735 `[dependency-groups]`, `[tool.uv] dev-dependencies`, `[tool.pdm.dev-dependencies]` (dev);
 * poetry's `[tool.poetry.dependencies]` (with `python`), `[tool.poetry.dev-dependencies]` and
 * `[tool.poetry.group.<name>.dependencies]` (dev, except the `main` group).
 */
import { isObject, stringOf, type JsonObject } from './json-input.js';
import { lineFinder, type LineFinder } from './line-finder.js';
import { normalizePythonName, parseRequirement } from './pep508.js';
import { parseTomlTable } from './toml-input.js';
import type { DeclaredPackage, DependencySnapshot, RuntimePin, Scope } from './types.js';

const table = (value: unknown): JsonObject => (isObject(value) ? value : {});
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function readPyproject(text: string, path: string): DependencySnapshot {
  const base: DependencySnapshot = { ecosystem: 'python', path, role: 'manifest', packages: [], runtimes: [] };
  const parsed = parseTomlTable(text, path);
  if (!parsed.ok) return { ...base, problem: parsed.problem };
  const toml = parsed.value;
  const finder = lineFinder(text);
  const out = new Map<string, DeclaredPackage>();
  const add = (name: string, version: string, scope: Scope, line: number | undefined) => {
    const key = normalizePythonName(name);
    const known = out.get(key);
    if (known && (known.scope === 'production' || scope === 'dev')) return;
    out.set(key, { name: key, version, scope, direct: true, ...(line !== undefined ? { line } : {}) });
  };
  const project = table(toml.project);
  const tool = table(toml.tool);
  const poetry = table(tool.poetry);
  addPep508(add, finder, project.dependencies, 'production');
  for (const list of Object.values(table(project['optional-dependencies']))) addPep508(add, finder, list, 'production');
  for (const list of Object.values(table(toml['dependency-groups']))) addPep508(add, finder, list, 'dev');
  addPep508(add, finder, table(tool.uv)['dev-dependencies'], 'dev');
  for (const list of Object.values(table(table(tool.pdm)['dev-dependencies']))) addPep508(add, finder, list, 'dev');
  addPoetryTable(add, finder, poetry.dependencies, 'production');
  addPoetryTable(add, finder, poetry['dev-dependencies'], 'dev');
  for (const [group, spec] of Object.entries(table(poetry.group))) {
    addPoetryTable(add, finder, table(spec).dependencies, group === 'main' ? 'production' : 'dev');
  }
  const runtimes: RuntimePin[] = [];
  const requires = stringOf(project['requires-python']) ?? poetryVersion(table(poetry.dependencies).python);
  if (requires) {
    const line = finder.match(/^\s*(requires-python|python)\s*=/);
    runtimes.push({ runtime: 'python', version: requires, ...(line !== undefined ? { line } : {}) });
  }
  return { ...base, packages: [...out.values()], runtimes };
}

type Add = (name: string, version: string, scope: Scope, line: number | undefined) => void;

function addPep508(add: Add, finder: LineFinder, list: unknown, scope: Scope): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    if (typeof item !== 'string') continue; // `{ include-group = "x" }`
    const requirement = parseRequirement(item);
    if (requirement)
      add(requirement.name, requirement.specifier, scope, finder.match(new RegExp(`["']${escapeRegExp(requirement.name)}(?![\\w.-])`)));
  }
}

function poetryVersion(spec: unknown): string | undefined {
  if (typeof spec === 'string') return spec;
  if (isObject(spec)) return stringOf(spec.version) ?? stringOf(spec.git) ?? stringOf(spec.path) ?? stringOf(spec.url);
  if (Array.isArray(spec)) return spec.map(poetryVersion).filter(Boolean).join(' || ');
  return undefined;
}

function addPoetryTable(add: Add, finder: LineFinder, deps: unknown, scope: Scope): void {
  for (const [name, spec] of Object.entries(table(deps))) {
    if (name.toLowerCase() === 'python') continue;
    add(name, poetryVersion(spec) ?? '', scope, finder.match(new RegExp(`^\\s*"?${escapeRegExp(name)}"?\\s*=`)));
  }
}
