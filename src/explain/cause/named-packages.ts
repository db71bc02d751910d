/**
 * The packages a failing deployment's output names: the modules it could not find, the ES module it
 * loaded with require(), the package whose API or runtime requirement it trips on, the packages an
 * install could not resolve, the package that provides a command it did not find. Read through the
 * clues of the catalogue (evidence-clues.ts), so the prior and the likely causes read the output
 * alike; a module maps to its package as the patterns map it (module-package.ts). Pure.
 */
import { wellKnownProvider } from '../deps/command-providers.js';
import { ecosystemOfClue, type NamedModule } from '../deps/module-package.js';
import type { Ecosystem } from '../deps/types.js';
import { programName } from '../dockerfile/shell-commands.js';
import { findClues, type Clue } from './evidence-clues.js';

const RUNTIME_ECOSYSTEM: Record<'node' | 'python' | 'go', Ecosystem> = { node: 'npm', python: 'python', go: 'go' };

function modulesOfClue(clue: Clue): NamedModule[] {
  switch (clue.kind) {
    case 'missing-module':
      return [{ module: clue.module, ecosystem: ecosystemOfClue(clue.ecosystem) }];
    case 'esm-require':
      return [{ module: clue.package, ecosystem: 'npm' }];
    case 'api-mismatch':
    case 'install-conflict':
      return clue.modules.map((module) => ({ module }));
    case 'runtime-requirement':
      return clue.modules.map((module) => ({ module, ecosystem: RUNTIME_ECOSYSTEM[clue.runtime] }));
    case 'missing-command': {
      const provider = wellKnownProvider(programName(clue.command));
      return provider ? [{ module: provider, ecosystem: 'npm' }] : [];
    }
    default:
      return [];
  }
}

/** The modules the lines name, once each (the first ecosystem said for a module wins). */
export function namedModules(lines: readonly string[]): NamedModule[] {
  const out = new Map<string, NamedModule>();
  for (const clue of findClues(lines)) {
    for (const named of modulesOfClue(clue)) {
      const key = `${named.ecosystem ?? ''}\0${named.module}`;
      if (named.module !== '' && !out.has(key)) out.set(key, named);
    }
  }
  return [...out.values()];
}
