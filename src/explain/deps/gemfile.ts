/**
 * Gemfile.lock, by Bundler's format: sections at column 0 (GEM, GIT, PATH, PLATFORMS, DEPENDENCIES,
 * RUBY VERSION, BUNDLED WITH, CHECKSUMS); under `specs:` a gem at 4 spaces (`name (version)` or
 * `name (version-platform)`) and its requirements at 6; DEPENDENCIES lists the Gemfile's gems at 2.
 * The Gemfile beside it (Ruby, read by its conventions only) says which gems are in development or
 * test groups, and which Ruby it asks for.
 */
import type { DeclaredPackage, DependencySnapshot, RuntimePin } from './types.js';

export function readGemfileLock(text: string, path: string): DependencySnapshot {
  const packages = new Map<string, DeclaredPackage>();
  const direct = new Set<string>();
  const runtimes: RuntimePin[] = [];
  let section = '';
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (/^[A-Z]/.test(line)) {
      section = line.trim();
      return;
    }
    const spec = /^ {4}([^\s(]+) \(([^)]+)\)$/.exec(line);
    if (spec?.[1] && spec[2] && ['GEM', 'GIT', 'PATH'].includes(section) && !packages.has(spec[1])) {
      const version = spec[2].replace(/-(?:x86|x64|arm|aarch|universal|java|mswin|mingw|darwin|linux)[\w.-]*$/, '');
      packages.set(spec[1], { name: spec[1], version, scope: 'production', direct: false, line: index + 1 });
    }
    const dependency = /^ {2}([^\s(!]+)/.exec(line);
    if (dependency?.[1] && section === 'DEPENDENCIES') direct.add(dependency[1]);
    const ruby = /^ {3}ruby (\S+)/.exec(line);
    if (ruby?.[1] && section === 'RUBY VERSION') runtimes.push({ runtime: 'ruby', version: ruby[1].replace(/p\d+$/, ''), line: index + 1 });
  });
  const list = [...packages.values()].map((p) => (direct.has(p.name) ? { ...p, direct: true } : p));
  return { ecosystem: 'ruby', path, role: 'lock', packages: list, runtimes };
}

const GEM = /^\s*gem\s+["']([^"']+)["'](?:\s*,\s*["']([^"']+)["'])?/;
const GROUP = /^\s*group\s+(.+?)\s+do\b/;

export function readGemfile(text: string, path: string): DependencySnapshot {
  const packages: DeclaredPackage[] = [];
  const runtimes: RuntimePin[] = [];
  const groups: boolean[] = []; // for each open block: whether it is a development/test-only group
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '');
    const group = GROUP.exec(line);
    if (group?.[1]) {
      const names = group[1].match(/:\w+|["']\w+["']/g) ?? [];
      groups.push(names.length > 0 && names.every((n) => /development|test/.test(n)));
      return;
    }
    if (/\bdo\b(\s*\|.*\|)?\s*$/.test(line)) groups.push(false);
    else if (/^\s*end\b/.test(line)) groups.pop();
    const gem = GEM.exec(line);
    if (gem?.[1]) {
      const dev = groups.some(Boolean) || /group:\s*(?:\[?\s*:(?:development|test)\b)/.test(line);
      packages.push({ name: gem[1], version: gem[2] ?? '', scope: dev ? 'dev' : 'production', direct: true, line: index + 1 });
    }
    const ruby = /^\s*ruby\s+["']([^"']+)["']/.exec(line);
    if (ruby?.[1]) runtimes.push({ runtime: 'ruby', version: ruby[1], line: index + 1 });
  });
  return { ecosystem: 'ruby', path, role: 'manifest', packages, runtimes };
}
