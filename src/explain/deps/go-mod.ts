/**
 * go.mod and go.sum, by the grammar of the Go modules reference: go.mod's directives one a line or
 * in `directive ( … )` blocks, `//` comments, `// indirect` marking a requirement no package of the
 * module imports directly; `go` and `toolchain` pin the Go version. go.sum lines are
 * `module version[/go.mod] hash`: a module whose code was downloaded has a line without `/go.mod`.
 */
import type { DeclaredPackage, DependencySnapshot, RuntimePin } from './types.js';
import { compareVersions } from './version.js';

const unquote = (token: string) => (/^["`].*["`]$/.test(token) ? token.slice(1, -1) : token);

export function readGoMod(text: string, path: string): DependencySnapshot {
  const packages: DeclaredPackage[] = [];
  const runtimes: RuntimePin[] = [];
  let block: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const comment = raw.indexOf('//');
    const indirect = comment !== -1 && /^\/\/\s*indirect\b/.test(raw.slice(comment).trim());
    const code = (comment === -1 ? raw : raw.slice(0, comment)).trim();
    if (code === '') return;
    if (block !== undefined && code === ')') {
      block = undefined;
      return;
    }
    let words = code.split(/\s+/);
    if (block === undefined) {
      if (words[1] === '(') {
        block = words[0];
        return;
      }
    } else {
      words = [block, ...words];
    }
    const [directive, first, second] = words;
    if (directive === 'require' && first && second) {
      packages.push({ name: unquote(first), version: unquote(second), scope: 'production', direct: !indirect, line });
    } else if (directive === 'go' && first) runtimes.push({ runtime: 'go', version: first, line });
    else if (directive === 'toolchain' && first) runtimes.push({ runtime: 'go', version: first.replace(/^go/, ''), line });
  });
  return { ecosystem: 'go', path, role: 'manifest', packages, runtimes };
}

export function readGoSum(text: string, path: string): DependencySnapshot {
  const byName = new Map<string, DeclaredPackage>();
  text.split('\n').forEach((raw, index) => {
    const [module, version] = raw.trim().split(/\s+/);
    if (!module || !version || version.endsWith('/go.mod')) return;
    const known = byName.get(module);
    if (!known) {
      byName.set(module, { name: module, version, scope: 'production', direct: false, line: index + 1 });
    } else if (compareVersions(version, known.version) > 0) {
      byName.set(module, { ...known, version, line: index + 1, otherVersions: [...(known.otherVersions ?? []), known.version] });
    } else if (version !== known.version) {
      known.otherVersions = [...(known.otherVersions ?? []), version];
    }
  });
  return { ecosystem: 'go', path, role: 'lock', packages: [...byName.values()], runtimes: [] };
}
