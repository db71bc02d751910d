/**
 * What a failing process says about its packages, read from several lines at once (an error and the
 * stack or block under it): an ES module loaded with require() (and the file that requires it), an
 * API that is not there any more (`is not a function`, `has no attribute`, `cannot import name`), a
 * runtime older than a package needs (`The engine "node" is incompatible`, EBADENGINE, `requires a
 * different Python`, new syntax inside a package), and an install that cannot resolve (ERESOLVE, pip's
 * conflicts, `go: … requires`). Each names the packages it can: from the message, or from the paths of
 * the stack (`node_modules/<pkg>/`, `site-packages/<module>/`, `gems/<gem>-<version>/`). Pure.
 */
import { nodePackageOf } from '../deps/module-package.js';

export type DependencyClue =
  /** `requirer`: where the require() is, `scripts/server-backend.js:18`, when the stack says. */
  | { kind: 'esm-require'; package: string; requirer?: string; line: string }
  /** `modules`: what the message or the stack names, as written (npm packages, Python modules, gems). */
  | { kind: 'api-mismatch'; symbol: string; modules: string[]; line: string }
  | { kind: 'runtime-requirement'; runtime: 'node' | 'python' | 'go'; modules: string[]; required?: string; current?: string; line: string }
  | { kind: 'install-conflict'; modules: string[]; line: string };

/** Where a container keeps its app: left out of the paths the clues show. */
const APP_ROOT = /^(?:\/usr\/src\/app|\/home\/node\/app|\/opt\/app|\/srv\/app|\/app|\/code|\/workspace|\/src)\//;
const appPath = (path: string) => path.replace(APP_ROOT, '');

const NODE_FRAME = /\(?((?:[A-Za-z]:)?[^\s()]+?\.[cm]?[jt]sx?):(\d+)(?::\d+)?\)?/;
const PYTHON_FRAME = /File "[^"]*\/(?:site|dist)-packages\/([A-Za-z0-9_]+)/;
const GEM_FRAME = /\/gems\/([A-Za-z0-9_.-]+?)-\d[\w.]*\//;

/** Packages and modules the lines name by their install paths. */
function modulesOnPaths(lines: readonly string[]): string[] {
  const found = new Set<string>();
  for (const line of lines) {
    const inModules = /node_modules\/((?:@[^/\s]+\/)?[^/\s:)'"]+)/.exec(line);
    if (inModules?.[1]) found.add(inModules[1]);
    const python = PYTHON_FRAME.exec(line);
    if (python?.[1]) found.add(python[1]);
    const gem = GEM_FRAME.exec(line);
    if (gem?.[1]) found.add(gem[1]);
  }
  return [...found];
}

/** The first frame of the app itself (not node_modules, not Node's internals) in the lines: `path:line`. */
function requirerOf(lines: readonly string[], from: string | undefined): string | undefined {
  for (const line of lines) {
    const m = NODE_FRAME.exec(line.replace(/^\s*at\s+(?:[^(]*\()?/, '('));
    if (!m?.[1] || m[1].includes('node_modules') || m[1].startsWith('node:') || !m[1].includes('/')) continue;
    if (from === undefined || m[1] === from) return `${appPath(m[1])}:${m[2]}`;
  }
  return from === undefined ? undefined : appPath(from);
}

function esmClue(line: string, after: readonly string[], before: readonly string[]): DependencyClue | undefined {
  const required =
    /require\(\) of ES Module (\S+?)(?: from (\S+?))? not supported/.exec(line) ?? /Must use import to load ES Module: (\S+)/.exec(line);
  const named = /The requested module '([^']+)' is a CommonJS module/.exec(line);
  const statement = /SyntaxError: Cannot use import statement outside a module/.test(line);
  if (!required && !named && !statement) return undefined;
  const modulePath =
    required?.[1] ??
    named?.[1] ??
    before
      .slice(0, 6)
      .map((l) => /(\S*node_modules\/\S+?):\d+/.exec(l)?.[1])
      .find(Boolean);
  const pkg = modulePath ? nodePackageOf(modulePath) : undefined;
  if (!pkg) return undefined;
  const requirer = requirerOf([...after.slice(0, 12), ...before.slice(0, 6)], required?.[2]);
  return { kind: 'esm-require', package: pkg, ...(requirer ? { requirer } : {}), line };
}

function apiClue(line: string, after: readonly string[], before: readonly string[]): DependencyClue | undefined {
  const around = [...after.slice(0, 12), ...before.slice(0, 12)];
  const python = /cannot import name '([^']+)' from '([^']+)'/.exec(line) ?? /module '([^']+)' has no attribute '([^']+)'/.exec(line);
  if (python?.[1] && python[2]) {
    const [symbol, module] = line.includes('cannot import name') ? [python[1], python[2]] : [python[2], python[1]];
    return { kind: 'api-mismatch', symbol, modules: [module, ...modulesOnPaths(around)], line };
  }
  const attribute = /AttributeError: '[^']+' object has no attribute '([^']+)'|NoMethodError: undefined method [`']([^'`]+)'/.exec(line);
  const fn = /TypeError: (?:\(0\s*,\s*)?([\w$.]+)\)? is not a (?:function|constructor)/.exec(line);
  const symbol = attribute?.[1] ?? attribute?.[2] ?? fn?.[1];
  if (!symbol) return undefined;
  // `webdav_1.createClient` (TypeScript), `_webdav.createClient` (Babel): the import's name.
  const imported = /^_?([\w$]+?)(?:_\d+)?\.[\w$]+$/.exec(symbol)?.[1];
  const modules = [...(imported && fn ? [imported] : []), ...modulesOnPaths(around)];
  return modules.length > 0 ? { kind: 'api-mismatch', symbol, modules, line } : undefined;
}

function runtimeClue(line: string, after: readonly string[], before: readonly string[]): DependencyClue | undefined {
  const yarn =
    /(?:error|warning) ([^\s:]+): The engine "node" is incompatible with this module\. Expected version "([^"]+)"\. Got "([^"]+)"/.exec(
      line,
    );
  if (yarn?.[1])
    return { kind: 'runtime-requirement', runtime: 'node', modules: [nameOf(yarn[1])], required: yarn[2]!, current: yarn[3]!, line };
  const npmOld = /Unsupported engine for (\S+?): wanted: \{"node":"([^"]+)"\} \(current: \{"node":"([^"]+)"/.exec(line);
  if (npmOld?.[1])
    return { kind: 'runtime-requirement', runtime: 'node', modules: [nameOf(npmOld[1])], required: npmOld[2]!, current: npmOld[3]!, line };
  if (/EBADENGINE Unsupported engine|ERR_PNPM_UNSUPPORTED_ENGINE/.test(line)) {
    const block = after.slice(0, 6).join('\n');
    const pkg = /package: '([^']+)'|incompatible with "([^"]+)"/.exec(block);
    const required = /required: \{ node: '([^']+)'|Expected version: (\S+)/.exec(block);
    const current = /current: \{ node: '([^']+)'|Got: (\S+)/.exec(block);
    const name = pkg?.[1] ?? pkg?.[2];
    return {
      kind: 'runtime-requirement',
      runtime: 'node',
      modules: name ? [nameOf(name)] : [],
      ...opt('required', required?.[1] ?? required?.[2]),
      ...opt('current', current?.[1] ?? current?.[2]),
      line,
    };
  }
  const pip = /Package '([^']+)' requires a different Python: (\S+) not in '([^']+)'/.exec(line);
  if (pip?.[1]) return { kind: 'runtime-requirement', runtime: 'python', modules: [pip[1]], required: pip[3]!, current: pip[2]!, line };
  const go = /^go: (?:(\S+?)(?:@\S+)? requires|module (\S+) requires|go\.mod requires) go >= ([\d.]+)(?: \(running go ([\d.]+))?/.exec(
    line,
  );
  if (go)
    return {
      kind: 'runtime-requirement',
      runtime: 'go',
      modules: [go[1] ?? go[2]].filter((m): m is string => Boolean(m)),
      required: `>=${go[3]}`,
      ...opt('current', go[4]),
      line,
    };
  if (/^SyntaxError: (?:invalid syntax|Unexpected token|Invalid regular expression flags|Unexpected reserved word)/.test(line)) {
    const modules = modulesOnPaths(before.slice(0, 6));
    if (modules.length > 0)
      return { kind: 'runtime-requirement', runtime: line.includes('invalid syntax') ? 'python' : 'node', modules, line };
  }
  return undefined;
}

const opt = <K extends string>(key: K, value: string | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, string>));
/** `webdav@5.2.2` → webdav; `@scope/x@1.0.0` → @scope/x. */
const nameOf = (spec: string) =>
  spec.slice(0, spec.indexOf('@', spec.startsWith('@') ? 1 : 0) > 0 ? spec.indexOf('@', spec.startsWith('@') ? 1 : 0) : spec.length);

function conflictClue(line: string, after: readonly string[]): DependencyClue | undefined {
  const around = after;
  if (/ERESOLVE (?:unable to resolve|could not resolve)/.test(line)) {
    const modules = new Set<string>();
    for (const l of around.slice(0, 30)) {
      for (const m of l.matchAll(/(?:Found: |While resolving: |peer |from |dependency )((?:@[\w.-]+\/)?[\w.-]+)@/g))
        if (m[1]) modules.add(m[1]);
    }
    return { kind: 'install-conflict', modules: [...modules], line };
  }
  const pip = /Cannot install (.+) because these package versions have conflicting dependencies/.exec(line);
  if (pip?.[1]) {
    const modules = new Set(
      pip[1]
        .split(/,\s*|\s+and\s+/)
        .map((s) => s.trim().split(/[=<>!~ ]/)[0]!)
        .filter(Boolean),
    );
    for (const l of around.slice(0, 20)) {
      const m = /^\s*([A-Za-z0-9][\w.-]*) [\w.]+ depends on ([A-Za-z0-9][\w.-]*)/.exec(l);
      if (m?.[1]) modules.add(m[1]);
      if (m?.[2]) modules.add(m[2]);
    }
    return { kind: 'install-conflict', modules: [...modules], line };
  }
  const go = /^go: (\S+?)@\S+ requires (\S+?)@/.exec(line);
  if (go?.[1] && go[2] && !line.includes('requires go >=')) return { kind: 'install-conflict', modules: [go[1], go[2]], line };
  const bundler = /Bundler could not find compatible versions for gem "([^"]+)"/.exec(line);
  if (bundler?.[1]) return { kind: 'install-conflict', modules: [bundler[1]], line };
  return undefined;
}

const READERS = [esmClue, apiClue, runtimeClue, conflictClue];

/** The dependency clues of the lines, in order; each reader sees the lines after the line and those before it (nearest first). */
export function dependencyClues(lines: readonly string[]): DependencyClue[] {
  const clues: DependencyClue[] = [];
  const seen = new Set<string>();
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const after = lines.slice(i + 1, i + 31);
    const before = lines.slice(Math.max(0, i - 12), i).reverse();
    for (const read of READERS) {
      const clue = read(line, after, before);
      if (clue && !seen.has(`${clue.kind}:${line}`)) {
        seen.add(`${clue.kind}:${line}`);
        clues.push(clue);
      }
    }
  });
  return clues;
}
