/**
 * The project-wide parts of the model: top-level networks (with compose's implicit `default`),
 * volumes and secrets, and the references compose checks once the files are merged (compose-go
 * loader/validate.go): every service has an image or a build, and names only networks, volumes and
 * secrets that exist. Secrets keep their source's name, never a value.
 */
import { isMapping, type Tree } from './canonical.js';
import type { ComposeNetwork, ComposeSecret, ComposeService, ComposeVolume } from './model.js';
import { pathRef } from './paths.js';
import { booleanAt, optionalString, type FailAt } from './values.js';

function externalOf(value: unknown, path: readonly string[], failAt: FailAt): { external: boolean; name: string | null } {
  if (isMapping(value)) return { external: true, name: optionalString(value['name']) };
  return { external: booleanAt(value, path, failAt) ?? false, name: null };
}

export function toNetworks(tree: Tree, services: readonly ComposeService[], failAt: FailAt): Record<string, ComposeNetwork> {
  const out: Record<string, ComposeNetwork> = {};
  for (const [key, value] of Object.entries(isMapping(tree['networks']) ? tree['networks'] : {})) {
    const spec: Tree = isMapping(value) ? value : {};
    const external = externalOf(spec['external'], ['networks', key, 'external'], failAt);
    out[key] = {
      name: optionalString(spec['name']) ?? external.name ?? (external.external ? key : null),
      external: external.external,
      internal: booleanAt(spec['internal'], ['networks', key, 'internal'], failAt) ?? false,
      driver: optionalString(spec['driver']),
      implicit: false,
    };
  }
  if (!('default' in out) && services.some((service) => 'default' in service.networks)) {
    out['default'] = { name: null, external: false, internal: false, driver: null, implicit: true };
  }
  return out;
}

export function toVolumes(tree: Tree, failAt: FailAt): Record<string, ComposeVolume> {
  const out: Record<string, ComposeVolume> = {};
  for (const [key, value] of Object.entries(isMapping(tree['volumes']) ? tree['volumes'] : {})) {
    const spec: Tree = isMapping(value) ? value : {};
    const external = externalOf(spec['external'], ['volumes', key, 'external'], failAt);
    out[key] = {
      name: optionalString(spec['name']) ?? external.name ?? (external.external ? key : null),
      external: external.external,
      driver: optionalString(spec['driver']),
    };
  }
  return out;
}

export function toSecrets(tree: Tree, failAt: FailAt): Record<string, ComposeSecret> {
  const out: Record<string, ComposeSecret> = {};
  for (const [key, value] of Object.entries(isMapping(tree['secrets']) ? tree['secrets'] : {})) {
    const spec: Tree = isMapping(value) ? value : {};
    const external = externalOf(spec['external'], ['secrets', key, 'external'], failAt);
    if (typeof spec['file'] === 'string') out[key] = { source: { kind: 'file', path: pathRef(spec['file']) } };
    else if (typeof spec['environment'] === 'string') out[key] = { source: { kind: 'environment', variable: spec['environment'] } };
    else if (external.external) out[key] = { source: { kind: 'external', name: optionalString(spec['name']) ?? external.name ?? key } };
    else failAt(['secrets', key], `secret "${key}" must set one of file, environment or external`);
  }
  return out;
}

export interface ProjectParts {
  services: readonly ComposeService[];
  networks: Readonly<Record<string, ComposeNetwork>>;
  volumes: Readonly<Record<string, ComposeVolume>>;
  secrets: Readonly<Record<string, ComposeSecret>>;
}

/** compose's consistency checks on the services left in (message as compose words it). */
export function checkReferences(parts: ProjectParts, failAt: FailAt): void {
  for (const service of parts.services) {
    const at = ['services', service.name];
    if (service.image === null && service.build === null) {
      failAt(at, `service "${service.name}" has neither an image nor a build context specified: invalid compose project`);
    }
    if (service.networkMode !== null && service.networkMode.startsWith('service:')) {
      const other = service.networkMode.slice('service:'.length);
      if (!parts.services.some((s) => s.name === other))
        failAt([...at, 'network_mode'], `service "${other}" not found for network_mode 'service:${other}'`);
    }
    for (const network of Object.keys(service.networks)) {
      if (!(network in parts.networks))
        failAt([...at, 'networks'], `service "${service.name}" refers to undefined network ${network}: invalid compose project`);
    }
    for (const volume of service.volumes) {
      if (volume.type === 'volume' && volume.source !== null && !(volume.source in parts.volumes)) {
        failAt([...at, 'volumes'], `service "${service.name}" refers to undefined volume ${volume.source}: invalid compose project`);
      }
    }
    for (const secret of service.secrets) {
      if (!(secret.source in parts.secrets))
        failAt([...at, 'secrets'], `service "${service.name}" refers to undefined secret ${secret.source}: invalid compose project`);
    }
    for (const secret of service.build?.secrets ?? []) {
      if (!(secret.source in parts.secrets)) {
        failAt(
          [...at, 'build', 'secrets'],
          `service "${service.name}" refers to undefined build secret ${secret.source}: invalid compose project`,
        );
      }
    }
  }
}
