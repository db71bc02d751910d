/**
 * The packages a failing deployment's output names: the modules it could not find, the ES module it
 * loaded with require(), the package whose API or runtime requirement it trips on, the packages an
 * install could not resolve, the package that provides a command it did not find. Read through the
 * clues of the catalogue (evidence-clues.ts), so the prior and the likely causes read the output
 * alike; a module maps to its package as the patterns map it (module-package.ts). Pure.
 */
import { wellKnownProvider } from '../deps/command-providers.js';
import { ecosystemOfClue, type NamedModule } from '../deps/module-package.js';
import type { Ecosystem, PackageChange } from '../deps/types.js';
import { programName } from '../dockerfile/shell-commands.js';
import { findClues, type Clue } from './evidence-clues.js';

const RUNTIME_ECOSYSTEM: Record<'node' | 'python' | 'go', Ecosystem> = { node: 'npm', python: 'python', go: 'go' };

/** What makes a package missing, and what makes it a different package than the code expects (the patterns' links). */
const GONE: readonly PackageChange['kind'][] = ['removed', 'moved'];
const RAISED: readonly PackageChange['kind'][] = ['upgraded', 'added', 'changed'];
const VERSIONED: readonly PackageChange['kind'][] = ['upgraded', 'downgraded', 'changed'];

function modulesOfClue(clue: Clue): NamedModule[] {
  switch (clue.kind) {
    case 'missing-module':
      return [{ module: clue.module, ecosystem: ecosystemOfClue(clue.ecosystem), explainedBy: GONE }];
    case 'esm-require':
      return [{ module: clue.package, ecosystem: 'npm', explainedBy: RAISED }];
    case 'api-mismatch':
      return clue.modules.map((module) => ({ module, explainedBy: VERSIONED }));
    case 'install-conflict':
      return clue.modules.map((module) => ({ module }));
    case 'runtime-requirement':
      return clue.modules.map((module) => ({ module, ecosystem: RUNTIME_ECOSYSTEM[clue.runtime], explainedBy: RAISED }));
    case 'missing-command': {
      const provider = wellKnownProvider(programName(clue.command));
      return provider ? [{ module: provider, ecosystem: 'npm', explainedBy: GONE }] : [];
    }
    default:
      return [];
  }
}

/** One module named by several clues: any change one of them can come from. */
function merged(a: NamedModule, b: NamedModule): NamedModule {
  if (a.explainedBy === undefined) return a;
  if (b.explainedBy === undefined) return { module: a.module, ...(a.ecosystem ? { ecosystem: a.ecosystem } : {}) };
  return { ...a, explainedBy: [...new Set([...a.explainedBy, ...b.explainedBy])] };
}

/** The modules the lines name, once each (the first ecosystem said for a module wins). */
export function namedModules(lines: readonly string[]): NamedModule[] {
  const out = new Map<string, NamedModule>();
  for (const clue of findClues(lines)) {
    for (const named of modulesOfClue(clue)) {
      const key = `${named.ecosystem ?? ''}\0${named.module}`;
      const seen = out.get(key);
      if (named.module !== '') out.set(key, seen ? merged(seen, named) : named);
    }
  }
  return [...out.values()];
}
