/**
 * The deployment family of the catalogue: output linked to a change of the platform's manifest (the
 * port it routes to, the environment it gives, the health check it runs), read as contract findings
 * (explain/manifest/). One rule per pattern.
 */
import type { Finding } from '../finding.js';
import { define, type FailurePattern } from './pattern-shape.js';

/** `render.yaml, envVars` */
const where = (f: Finding): string => `${f.path ?? 'the manifest'}, ${f.instruction}`;

/** `KEY` of a `KEY=value` (or `KEY (…)`) environment text. */
const keyOf = (text: string | undefined): string | undefined => (text === undefined ? undefined : /^([^=\s(]+)/.exec(text)?.[1]);

/** The path of a check text (`GET /healthz on 10000 2xx`). */
const pathOf = (text: string | undefined): string | undefined => (text === undefined ? undefined : /\s(\/\S*)/.exec(text)?.[1]);

export const MANIFEST_PATTERNS: readonly FailurePattern[] = [
  define({
    id: 'manifest-port-moved',
    family: 'deployment',
    title: "the port the platform routes to and checks, moved by the commit's manifest while the app did not move",
    evidence: 'refused-port',
    links: ['manifest-port'],
    certainty: 'strong',
    explain: (clue, f) =>
      f.after === String(clue.port) && f.before !== undefined
        ? `this commit moved the port the platform sends traffic and checks to from ${f.before} to ${f.after} (${where(f)}), and nothing answers on ${f.after}`
        : undefined,
  }),
  define({
    id: 'manifest-env-removed',
    family: 'deployment',
    title: "a variable the app requires, removed from (or emptied in) the platform's manifest or a compose service by the commit",
    evidence: 'missing-env',
    links: ['manifest-env', 'compose-env'],
    certainty: 'strong',
    explain: (clue, f) => {
      if (keyOf(f.before) !== clue.name) return undefined;
      // Emptied, or (compose) a bare key that nothing sets any more.
      if (f.after !== undefined && !f.after.endsWith('=') && !f.after.endsWith(' (set nowhere)')) return undefined;
      return `this commit ${f.after === undefined ? 'removed' : 'emptied'} ${clue.name} from the environment the platform gives (${where(f)}; was ${f.before})`;
    },
  }),
  define({
    id: 'manifest-health-moved',
    family: 'deployment',
    title: "the platform's health check moved by the commit to a path the app does not serve",
    evidence: 'http-status',
    links: ['manifest-health'],
    certainty: 'likely',
    explain: (clue, f) =>
      pathOf(f.after) === clue.path && pathOf(f.before) !== clue.path
        ? `this commit moved the health check from ${pathOf(f.before) ?? 'none'} to ${clue.path} (${where(f)}), which answers ${clue.status}`
        : undefined,
  }),
];
