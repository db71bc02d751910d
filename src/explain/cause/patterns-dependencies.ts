/**
 * The dependencies family of the catalogue: output that names a package, linked to the change of that
 * package the commit made (read from its manifest and lock files, `deps/`). One rule per pattern.
 */
import { describeChange, whereWritten } from '../deps/describe-changes.js';
import { ecosystemOfClue, moduleOfPackage } from '../deps/module-package.js';
import type { Ecosystem, PackageChange } from '../deps/types.js';
import { majorLabel } from '../deps/version.js';
import type { Finding } from '../finding.js';
import { define, type FailurePattern } from './pattern-shape.js';

const changeOf = (f: Finding): PackageChange | undefined => f.dependency;
const where = (c: PackageChange) => (c.sources.length > 0 ? ` (${whereWritten(c.sources)})` : '');
const moved = (c: PackageChange) => `${c.name} ${c.from ?? '(none)'} → ${c.to ?? '(none)'}${c.major ? ' (major)' : ''}`;
const names = (c: PackageChange, modules: readonly string[], ecosystem?: Ecosystem) =>
  (ecosystem === undefined || ecosystem === c.ecosystem) && modules.some((m) => moduleOfPackage(c.ecosystem, m, c.name));
/** The move itself, first words of a change-first explanation: "webdav 4.11.2 → 5.2.2 (major)", "webdav 5.2.2 added". */
const headline = (c: PackageChange) => (c.kind === 'added' ? `${c.name} ${c.to} added` : moved(c));
const raised = (c: PackageChange) => c.kind === 'upgraded' || c.kind === 'added' || c.kind === 'changed';
const RUNTIME_ECOSYSTEM: Record<string, Ecosystem> = { node: 'npm', python: 'python', go: 'go' };

export const DEPENDENCY_PATTERNS: readonly FailurePattern[] = [
  define({
    id: 'esm-only-upgrade',
    family: 'dependencies',
    title: 'a package loaded with require() that the commit upgraded to an ES-module-only version',
    evidence: 'esm-require',
    links: ['dependency'],
    certainty: 'strong',
    changeFirst: true,
    explain: (clue, f) => {
      const c = changeOf(f);
      if (!c || c.ecosystem !== 'npm' || c.name !== clue.package || !raised(c)) return undefined;
      const who = clue.requirer ? `\`${clue.requirer}\` \`require()\`s it` : 'it is loaded with `require()`';
      return `${headline(c)}: ${c.name} ${majorLabel(c.to ?? '')} is an ES module and ${who}${where(c)}`;
    },
  }),
  define({
    id: 'module-dependency-removed',
    family: 'dependencies',
    title: 'a module that cannot be found whose package the commit removed from the manifest or lock',
    evidence: 'missing-module',
    links: ['dependency'],
    certainty: 'strong',
    explain: (clue, f) => {
      const c = changeOf(f);
      if (!c || c.kind !== 'removed' || !names(c, [clue.module], ecosystemOfClue(clue.ecosystem))) return undefined;
      return `this commit removed ${c.name} ${c.from ?? ''}`.trimEnd() + where(c);
    },
  }),
  define({
    id: 'module-dependency-dev',
    family: 'dependencies',
    title: 'a module that cannot be found whose package the commit moved to dev dependencies (left out of production installs)',
    evidence: 'missing-module',
    links: ['dependency'],
    certainty: 'likely',
    explain: (clue, f) => {
      const c = changeOf(f);
      if (!c || c.kind !== 'moved' || c.scope !== 'dev' || !names(c, [clue.module], ecosystemOfClue(clue.ecosystem))) return undefined;
      return `this commit moved ${c.name} to dev dependencies, which a production install leaves out${where(c)}`;
    },
  }),
  define({
    id: 'api-major-upgrade',
    family: 'dependencies',
    title: 'a function, attribute or name missing from a package the commit upgraded to a new major version',
    evidence: 'api-mismatch',
    links: ['dependency'],
    certainty: 'likely',
    changeFirst: true,
    explain: (clue, f) => {
      const c = changeOf(f);
      if (!c || !c.major || c.kind !== 'upgraded' || !names(c, clue.modules)) return undefined;
      return `${moved(c)}: a new major version whose API no longer has \`${clue.symbol}\` as the code uses it${where(c)}`;
    },
  }),
  define({
    id: 'runtime-requirement-package',
    family: 'dependencies',
    title: 'a package that needs a newer runtime than the image has, named by the output, which the commit upgraded or added',
    evidence: 'runtime-requirement',
    links: ['dependency'],
    certainty: 'strong',
    changeFirst: true,
    explain: (clue, f) => {
      const c = changeOf(f);
      if (!c || !raised(c) || !names(c, clue.modules, RUNTIME_ECOSYSTEM[clue.runtime])) return undefined;
      const needs = clue.required ?? c.engines?.to;
      const has = clue.current ? ` (the image has ${clue.current})` : '';
      return `${headline(c)}${needs ? `: it needs ${clue.runtime} ${needs}${has}` : ''}${where(c)}`;
    },
  }),
  define({
    id: 'runtime-requirement-engines',
    family: 'dependencies',
    title: 'a runtime too old for a package whose new version asks for a newer one (its engines or python-versions)',
    evidence: 'runtime-requirement',
    links: ['dependency'],
    certainty: 'likely',
    changeFirst: true,
    explain: (clue, f) => {
      const c = changeOf(f);
      if (!c || c.ecosystem !== RUNTIME_ECOSYSTEM[clue.runtime] || !raised(c) || clue.modules.length > 0) return undefined;
      if (c.engines?.to === undefined || c.engines.to === c.engines.from) return undefined;
      return `${headline(c)}: it now needs ${clue.runtime} ${c.engines.to}${c.engines.from ? ` (was ${c.engines.from})` : ''}${where(c)}`;
    },
  }),
  define({
    id: 'install-conflict-package',
    family: 'dependencies',
    title: 'an install that cannot resolve its dependencies (ERESOLVE, pip conflicts, go requires), naming a package the commit changed',
    evidence: 'install-conflict',
    links: ['dependency'],
    certainty: 'likely',
    explain: (clue, f) => {
      const c = changeOf(f);
      if (!c || !names(c, clue.modules)) return undefined;
      return `this commit changed ${describeChange(c)}, and the install cannot resolve it with the rest`;
    },
  }),
];
