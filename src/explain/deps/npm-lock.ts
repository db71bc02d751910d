/**
 * package-lock.json and npm-shrinkwrap.json, lockfileVersion 1 to 3. v2 and v3 list every install
 * path under `packages` (`node_modules/a/node_modules/b`), with `dev`, `bin` and `engines`; v1 nests
 * `dependencies` by install path and has no `bin`. A package installed in several versions keeps the
 * hoisted one (`node_modules/<name>`) as its version and lists the others.
 */
import { isObject, parseJsonObject, stringMap, stringOf, type JsonObject } from './json-input.js';
import { keyedLines } from './line-finder.js';
import type { DeclaredPackage, DependencySnapshot } from './types.js';

interface Copy {
  path: string;
  version: string;
  dev: boolean;
  bins?: string[];
  engines?: string;
}

export function readPackageLock(text: string, path: string): DependencySnapshot {
  const base: DependencySnapshot = { ecosystem: 'npm', path, role: 'lock', packages: [], runtimes: [] };
  const parsed = parseJsonObject(text, path);
  if (!parsed.ok) return { ...base, problem: parsed.problem };
  const json = parsed.value;
  const root = isObject(json.packages) && isObject(json.packages['']) ? json.packages[''] : undefined;
  const direct = new Set(
    root
      ? [
          ...Object.keys(stringMap(root.dependencies)),
          ...Object.keys(stringMap(root.devDependencies)),
          ...Object.keys(stringMap(root.optionalDependencies)),
        ]
      : [],
  );
  const copies = isObject(json.packages) ? copiesV2(json.packages) : copiesV1(json.dependencies, 'node_modules');
  const lines = isObject(json.packages) ? keyedLines(text, /^ {4}"(node_modules\/[^"]*)": \{/) : keyedLines(text, /^ {4}"([^"]+)": \{/);
  const packages = group(copies).map(([name, list]): DeclaredPackage => {
    const primary = list.find((c) => c.path === `node_modules/${name}`) ?? list[0]!;
    const others = [...new Set(list.map((c) => c.version))].filter((v) => v !== primary.version);
    const line = lines.get(isObject(json.packages) ? primary.path : name);
    return {
      name,
      version: primary.version,
      scope: list.every((c) => c.dev) ? 'dev' : 'production',
      direct: direct.has(name),
      ...(line !== undefined ? { line } : {}),
      ...(primary.bins ? { bins: primary.bins } : {}),
      ...(primary.engines ? { engines: primary.engines } : {}),
      ...(others.length > 0 ? { otherVersions: others } : {}),
    };
  });
  return { ...base, packages };
}

/** The package name of an install path: what follows its last `node_modules/`. */
export function nameOfInstallPath(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  return at === -1 ? path : path.slice(at + 'node_modules/'.length);
}

function copiesV2(packages: JsonObject): Copy[] {
  const copies: Copy[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    if (path === '' || !isObject(entry) || !path.includes('node_modules/')) continue; // the root and workspace folders
    const version = stringOf(entry.version);
    if (version === undefined || entry.link === true) continue;
    const bins = isObject(entry.bin) ? Object.keys(entry.bin) : undefined;
    const engines = isObject(entry.engines) ? stringOf(entry.engines.node) : undefined;
    copies.push({
      path: stringOf(entry.name) ? `node_modules/${stringOf(entry.name)}` : path,
      version,
      dev: entry.dev === true || entry.devOptional === true,
      ...(bins && bins.length > 0 ? { bins } : {}),
      ...(engines ? { engines } : {}),
    });
  }
  return copies;
}

function copiesV1(dependencies: unknown, prefix: string): Copy[] {
  if (!isObject(dependencies)) return [];
  const copies: Copy[] = [];
  for (const [name, entry] of Object.entries(dependencies)) {
    if (!isObject(entry)) continue;
    const path = `${prefix}/${name}`;
    const version = stringOf(entry.version);
    if (version !== undefined) copies.push({ path, version, dev: entry.dev === true });
    copies.push(...copiesV1(entry.dependencies, `${path}/node_modules`));
  }
  return copies;
}

function group(copies: readonly Copy[]): [string, Copy[]][] {
  const byName = new Map<string, Copy[]>();
  for (const copy of copies) {
    const name = nameOfInstallPath(copy.path);
    const list = byName.get(name);
    if (list) list.push(copy);
    else byName.set(name, [copy]);
  }
  return [...byName];
}
