/**
 * The stack family of the catalogue (deployment): a compose stack's output linked to a change between
 * its services, read as stack findings (explain/manifest/stack-diff.ts): a healthcheck removed while
 * another service waits for it, a dependency's condition changed, a one-shot service's command, a
 * service renamed or removed while another still calls it by name, a sibling's port moved. One rule
 * per pattern.
 */
import type { Finding } from '../finding.js';
import { containerPorts, noHealthcheck, parseDependencyText } from '../manifest/stack-texts.js';
import { define, type FailurePattern } from './pattern-shape.js';
import { portsIn } from './ports-in.js';
import { namesService, type FailedHow } from './stack-clues.js';

/** `compose.yaml, services.db.healthcheck` */
const where = (f: Finding): string => `${f.path ?? 'the compose file'}, ${f.instruction}`;

/** Whether the finding is about the service a clue names (by name, or by compose's container name). */
const about = (f: Finding, name: string): boolean => f.service !== undefined && namesService(name, f.service);

/** The key of a finding's instruction: `command` of `services.migrate.command`. */
const keyOf = (f: Finding): string => f.instruction.split('.').slice(2).join('.') || f.instruction;

/** The ways a dependency fails each condition a commit may newly ask of it. */
const UNMET: Partial<Record<string, readonly FailedHow[]>> = {
  service_healthy: ['no-healthcheck', 'unhealthy', 'timed-out'],
  service_completed_successfully: ['not-completed', 'timed-out'],
};

/** A name gone, in words: a service renamed or removed, or a name (alias, container_name) a service no longer has. */
const nameChange = (f: Finding): string => {
  if (f.instruction !== `services.${f.service!}`) return `removed the name ${f.before!} from ${f.service!}`;
  return f.after === undefined ? `removed service ${f.before!}` : `renamed service ${f.before!} to ${f.after}`;
};

/** The port numbers a finding's value names: container ports for ports and expose, any port for the others. */
const ports = (f: Finding, text: string | undefined): Set<number> => (f.kind === 'compose-ports' ? containerPorts(text) : portsIn(text));

export const STACK_PATTERNS: readonly FailurePattern[] = [
  define({
    id: 'compose-healthcheck-removed',
    family: 'deployment',
    title: 'a service waited for with service_healthy, whose healthcheck the commit removed or disabled',
    evidence: 'service-failed',
    links: ['compose-healthcheck'],
    certainty: 'strong',
    explain: (clue, f) =>
      clue.how === 'no-healthcheck' && about(f, clue.service) && noHealthcheck(f.after) && !noHealthcheck(f.before)
        ? `this commit ${f.after === undefined ? 'removed' : 'disabled'} the healthcheck of ${f.service!} (${where(f)}; was ${f.before!}), and another service waits for it with service_healthy`
        : undefined,
  }),
  define({
    id: 'compose-depends-condition',
    family: 'deployment',
    title:
      'a dependency the commit made a service wait for until healthy (it has no healthcheck, or never gets healthy) or until it exits 0 (it fails, or keeps running)',
    evidence: 'service-failed',
    links: ['compose-depends-on'],
    certainty: 'likely',
    explain: (clue, f) => {
      const [was, now] = [parseDependencyText(f.before), parseDependencyText(f.after)];
      if (!now || now.condition === was?.condition || !namesService(clue.service, now.service)) return undefined;
      const fits = UNMET[now.condition];
      if (!fits?.includes(clue.how)) return undefined;
      const until = now.condition === 'service_healthy' ? 'to be healthy' : 'to exit 0';
      return `this commit made ${f.service!} wait for ${now.service} ${until} (${where(f)}; was ${f.before ?? 'no dependency'})`;
    },
  }),
  define({
    id: 'compose-healthcheck-changed',
    family: 'deployment',
    title: 'a service found unhealthy, whose healthcheck the commit added or changed',
    evidence: 'service-failed',
    links: ['compose-healthcheck'],
    certainty: 'likely',
    explain: (clue, f) =>
      clue.how === 'unhealthy' && about(f, clue.service) && !noHealthcheck(f.after)
        ? `this commit ${f.before === undefined ? 'added' : 'changed'} the healthcheck of ${f.service!} (${where(f)}): ${f.before ?? 'none'} → ${f.after!}`
        : undefined,
  }),
  define({
    id: 'compose-one-shot-command',
    family: 'deployment',
    title:
      'a service that now exits non-zero (a one-shot such as a migration, or a server), whose command or entrypoint the commit changed',
    evidence: 'service-failed',
    links: ['compose-command'],
    certainty: 'likely',
    explain: (clue, f) =>
      (clue.how === 'not-completed' || clue.how === 'exited') && about(f, clue.service)
        ? `this commit changed the ${keyOf(f)} of ${f.service!} (${where(f)}): ${f.before ?? "the image's"} → ${f.after ?? "the image's"}`
        : undefined,
  }),
  define({
    id: 'compose-service-image-changed',
    family: 'deployment',
    title:
      'a service that fails the stack (exits, unhealthy, without the healthcheck its image had), whose image or build the commit changed',
    evidence: 'service-failed',
    links: ['compose-image', 'compose-build'],
    certainty: 'possible',
    explain: (clue, f) =>
      about(f, clue.service)
        ? `this commit changed the ${keyOf(f) === 'image' ? 'image' : keyOf(f).replace('build.', 'build ')} of ${f.service!} (${where(f)}): ${f.before ?? 'none'} → ${f.after ?? 'none'}`
        : undefined,
  }),
  define({
    id: 'compose-service-renamed',
    family: 'deployment',
    title: 'a host name that no longer resolves: the service of that name renamed or removed by the commit (or the alias removed)',
    evidence: 'unknown-host',
    links: ['compose-service'],
    certainty: 'strong',
    explain: (clue, f) =>
      clue.host !== undefined && f.before === clue.host
        ? `this commit ${nameChange(f)} (${where(f)}), and nothing answers to ${clue.host} any more`
        : undefined,
  }),
  define({
    id: 'compose-service-gone',
    family: 'deployment',
    title: 'a name that does not resolve (which, the output does not say), and a service renamed or removed by the commit',
    evidence: 'unknown-host',
    links: ['compose-service'],
    certainty: 'possible',
    explain: (clue, f) => {
      if (clue.host !== undefined || f.before === undefined) return undefined;
      return `this commit ${nameChange(f)} (${where(f)}), and a service may still call it by that name`;
    },
  }),
  define({
    id: 'compose-sibling-port-moved',
    family: 'deployment',
    title: "a connection refused on a service's port, which the commit moved (its ports, expose, environment or command)",
    evidence: 'refused-service',
    links: ['compose-ports', 'compose-env', 'compose-command'],
    certainty: 'likely',
    explain: (clue, f) => {
      if (f.service === undefined || (clue.host !== undefined && !about(f, clue.host))) return undefined;
      if (!ports(f, f.before).has(clue.port) || ports(f, f.after).has(clue.port)) return undefined;
      const now = [...ports(f, f.after)];
      return `this commit moved ${f.service} off port ${clue.port}${now.length > 0 ? `, now ${now.join(', ')}` : ''} (${where(f)})`;
    },
  }),
  define({
    id: 'compose-client-port-moved',
    family: 'deployment',
    title: 'a connection refused on a port a service was pointed at by the commit (its environment or command)',
    evidence: 'refused-service',
    links: ['compose-env', 'compose-command'],
    certainty: 'likely',
    explain: (clue, f) =>
      f.service !== undefined && portsIn(f.after).has(clue.port) && !portsIn(f.before).has(clue.port)
        ? `this commit points ${f.service} at port ${clue.port} (${where(f)}; was ${f.before ?? 'unset'})`
        : undefined,
  }),
];
