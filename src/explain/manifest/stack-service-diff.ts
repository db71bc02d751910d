/**
 * What changed in one compose service between two stacks, key by key: image, build (context,
 * Dockerfile, target, arguments, an inline Dockerfile), command and entrypoint, each environment
 * variable, each dependency (service and condition), the healthcheck, ports and expose, and the other
 * names it answers to (network aliases, container_name: one finding per name). Each finding
 * names the service and its compose key (`services.db.healthcheck`). Pure.
 */
import type { ComposeBuild, ComposeService } from '../../contract/compose/model.js';
import type { Finding, FindingKind } from '../finding.js';
import { manifestFinding } from './manifest-finding.js';
import {
  buildArgText,
  buildText,
  commandValueText,
  dependencyText,
  envValueText,
  healthcheckText,
  noHealthcheck,
  pathText,
  portText,
} from './stack-texts.js';

/** A finding about `service`'s `key` (`healthcheck`, `build.context`, `environment.DB_HOST`) in the compose file `path`. */
export function stackFinding(
  kind: FindingKind,
  path: string,
  service: string,
  key: string,
  values: { before?: string | undefined; after?: string | undefined },
  change: string,
): Finding {
  const instruction = key === '' ? `services.${service}` : `services.${service}.${key}`;
  return {
    ...manifestFinding(kind, path, instruction, values.before, values.after, `${path}: ${service}: ${change} (${instruction})`),
    service,
  };
}

/** `was → now`, `added: now`, `removed (was was)`, in the words of `what`. */
function changeText(what: string, was: string | undefined, now: string | undefined, none: string): string {
  if (was === undefined) return `${what} was added: ${now!}`;
  if (now === undefined) return `${what} was removed (was ${was}; now ${none})`;
  return `${what} changed: ${was} → ${now}`;
}

/** Services renamed between the two stacks: old name → new name. */
export type Renames = ReadonlyMap<string, string>;

/**
 * The findings of `name` (the after side's name; `before` may be the same service under its old name);
 * a dependency on a renamed service that follows its rename is no change.
 */
export function serviceFindings(
  path: string,
  name: string,
  before: ComposeService,
  after: ComposeService,
  renamed: Renames = new Map(),
): Finding[] {
  const out: Finding[] = [];
  const field = (kind: FindingKind, key: string, what: string, was: string | undefined, now: string | undefined, none: string) => {
    if (was !== now) out.push(stackFinding(kind, path, name, key, { before: was, after: now }, changeText(what, was, now, none)));
  };
  field('compose-image', 'image', 'the image', before.image ?? undefined, after.image ?? undefined, 'built only');
  out.push(...buildFindings(path, name, before.build, after.build));
  field(
    'compose-command',
    'entrypoint',
    'the entrypoint',
    commandValueText(before.entrypoint),
    commandValueText(after.entrypoint),
    "the image's",
  );
  field('compose-command', 'command', 'the command', commandValueText(before.command), commandValueText(after.command), "the image's");
  out.push(...nameFindings(path, name, before, after));
  out.push(...envFindings(path, name, before, after), ...dependencyFindings(path, name, before, after, renamed));
  const [was, now] = [healthcheckText(before.healthcheck), healthcheckText(after.healthcheck)];
  if (was !== now) {
    const change =
      noHealthcheck(now) && !noHealthcheck(was)
        ? `the healthcheck was ${now === undefined ? 'removed' : 'disabled'} (was ${was!})`
        : changeText('the healthcheck', was, now, "the image's HEALTHCHECK, if any");
    out.push(stackFinding('compose-healthcheck', path, name, 'healthcheck', { before: was, after: now }, change));
  }
  const list = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : undefined);
  field('compose-ports', 'ports', 'the published ports', list(before.ports.map(portText)), list(after.ports.map(portText)), 'none');
  field('compose-ports', 'expose', 'the exposed ports', list(before.expose), list(after.expose), 'none');
  return out;
}

function buildFindings(path: string, name: string, before: ComposeBuild | null, after: ComposeBuild | null): Finding[] {
  if (before === null && after === null) return [];
  if (before === null || after === null) {
    const [was, now] = [before ? buildText(before) : undefined, after ? buildText(after) : undefined];
    const change = was === undefined ? `now built from ${now!}` : `no longer built (was built from ${was})`;
    return [stackFinding('compose-build', path, name, 'build', { before: was, after: now }, change)];
  }
  const out: Finding[] = [];
  const field = (key: string, what: string, was: string | undefined, now: string | undefined) => {
    if (was !== now)
      out.push(stackFinding('compose-build', path, name, key, { before: was, after: now }, changeText(what, was, now, 'none')));
  };
  field('build.context', 'the build context', pathText(before.context), pathText(after.context));
  const dockerfile = (b: ComposeBuild) => (b.dockerfilePath ? pathText(b.dockerfilePath) : undefined);
  field('build.dockerfile', 'the Dockerfile', dockerfile(before), dockerfile(after));
  if (before.dockerfileInline !== after.dockerfileInline) {
    const inline = (b: ComposeBuild) => (b.dockerfileInline === null ? undefined : 'an inline Dockerfile');
    const change = before.dockerfileInline !== null && after.dockerfileInline !== null ? 'the inline Dockerfile changed' : undefined;
    if (change) out.push(stackFinding('compose-build', path, name, 'build.dockerfile_inline', {}, change));
    else field('build.dockerfile_inline', 'the inline Dockerfile', inline(before), inline(after));
  }
  field('build.target', 'the build target', before.target ?? undefined, after.target ?? undefined);
  for (const key of new Set([...Object.keys(before.args), ...Object.keys(after.args)])) {
    const text = (args: ComposeBuild['args']) => (key in args ? buildArgText(key, args[key]!) : undefined);
    const [was, now] = [text(before.args), text(after.args)];
    if (was === now && before.args[key] !== after.args[key]) {
      out.push(
        stackFinding(
          'compose-build',
          path,
          name,
          `build.args.${key}`,
          { before: was, after: now },
          `build argument ${key} changed (a secret)`,
        ),
      );
    } else field(`build.args.${key}`, `build argument ${key}`, was, now);
  }
  return out;
}

/** The names other services reach it by besides its own, each with the key that gives it. */
function otherNames(service: ComposeService): Map<string, string> {
  const names = new Map<string, string>();
  for (const [network, settings] of Object.entries(service.networks)) {
    for (const alias of settings.aliases) names.set(alias, `networks.${network}.aliases`);
  }
  if (service.containerName !== null) names.set(service.containerName, 'container_name');
  return names;
}

/** A name it no longer answers to (before: the name), or a new one (after: the name). */
function nameFindings(path: string, name: string, before: ComposeService, after: ComposeService): Finding[] {
  const [was, now] = [otherNames(before), otherNames(after)];
  return [
    ...[...was]
      .filter(([alias]) => !now.has(alias) && alias !== name)
      .map(([alias, key]) => stackFinding('compose-service', path, name, key, { before: alias }, `no longer answers to ${alias}`)),
    ...[...now]
      .filter(([alias]) => !was.has(alias) && alias !== before.name)
      .map(([alias, key]) => stackFinding('compose-service', path, name, key, { after: alias }, `now also answers to ${alias}`)),
  ];
}

function envFindings(path: string, name: string, before: ComposeService, after: ComposeService): Finding[] {
  const out: Finding[] = [];
  const [was, now] = [before.environment, after.environment];
  for (const key of new Set([...Object.keys(was), ...Object.keys(now)])) {
    const [a, b] = [was[key], now[key]];
    if (a && b && a.value === b.value) continue;
    const [x, y] = [a ? envValueText(key, a) : undefined, b ? envValueText(key, b) : undefined];
    const change = !a ? `${y!} was added` : !b ? `${x!} was removed` : x === y ? `${key} changed (a secret)` : `${x!} → ${y!}`;
    out.push(stackFinding('compose-env', path, name, `environment.${key}`, { before: x, after: y }, change));
  }
  return out;
}

/** Each dependency added, removed or waited for otherwise; one that only follows its service's rename is no change. */
function dependencyFindings(path: string, name: string, before: ComposeService, after: ComposeService, renamed: Renames): Finding[] {
  const out: Finding[] = [];
  // The old dependencies under their services' new names, their texts under the old ones.
  const was = new Map(Object.entries(before.dependsOn).map(([dep, d]) => [renamed.get(dep) ?? dep, dependencyText(dep, d)]));
  const now = new Map(Object.entries(after.dependsOn).map(([dep, d]) => [dep, dependencyText(dep, d)]));
  const condition = (text: string) => text.slice(text.indexOf(':'));
  for (const dep of new Set([...was.keys(), ...now.keys()])) {
    const [x, y] = [was.get(dep), now.get(dep)];
    if (x !== undefined && y !== undefined && condition(x) === condition(y)) continue;
    const change = !x ? `now depends on ${y!}` : !y ? `no longer depends on ${dep} (was ${x})` : `now waits for ${y} (was ${x})`;
    out.push(stackFinding('compose-depends-on', path, name, `depends_on.${dep}`, { before: x, after: y }, change));
  }
  return out;
}
