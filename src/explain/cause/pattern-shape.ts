/**
 * The shape of a failure pattern (one rule of the catalogue), and what every rule may use to say
 * where a finding is. The catalogue is patterns.ts and the family files beside it.
 */
import type { CommandProvider } from '../deps/command-providers.js';
import type { ProductionInstall } from '../deps/production-install.js';
import type { Finding, FindingKind } from '../finding.js';
import type { Clue } from './evidence-clues.js';

/** strong: the change by itself produces that output; likely: a usual cause of it; possible: one cause among others. */
export type Certainty = 'strong' | 'likely' | 'possible';

export type Family =
  'ports' | 'permissions' | 'missing things' | 'environment' | 'runtime' | 'health' | 'memory' | 'dependencies' | 'deployment';

/**
 * What the commit's tree says beyond its findings, for the patterns that need it: which package
 * provides each command the output says is missing, the installs that leave dev dependencies out,
 * the npm scripts (`npm run build` → `tsc`). Read from git objects once, before linking.
 */
export interface LinkContext {
  commands?: Readonly<Record<string, CommandProvider>>;
  productionInstalls?: readonly ProductionInstall[];
  scripts?: Readonly<Record<string, string>>;
}

export interface FailurePattern<K extends Clue['kind'] = Clue['kind']> {
  id: string;
  family: Family;
  /** What the pattern is, for people. */
  title: string;
  evidence: K;
  links: readonly FindingKind[];
  certainty: Certainty;
  /**
   * The explanation starts with the change itself ("webdav 4.11.2 → 5.2.2 (major): …") and the output
   * is quoted after it, as a reader says it; otherwise it says "this commit …" after the output.
   */
  changeFirst?: boolean;
  /** Why this finding explains this clue ("this commit …", or the change first), or undefined. */
  explain(clue: Extract<Clue, { kind: K }>, finding: Finding, context: LinkContext): string | undefined;
}

export const define = <K extends Clue['kind']>(pattern: FailurePattern<K>): FailurePattern => pattern as unknown as FailurePattern;

const at = (f: Finding): string =>
  f.lineAfter !== undefined
    ? `, line ${f.lineAfter}`
    : f.lineBefore !== undefined
      ? `, line ${f.lineBefore} of the previous Dockerfile`
      : '';

/** "(RUN, line 9)": where a Dockerfile finding is. */
export const ref = (f: Finding): string => `(${f.instruction}${at(f)})`;
