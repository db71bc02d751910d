/**
 * The keys deploybisect reads from a compose file, and the naming of every other one: a key the
 * model does not carry is listed (path, file, line), never dropped silently. `x-` extensions are
 * compose's own "ignore me" and are not listed; neither is `version` (obsolete, a warning).
 */
import { isMapping, type Tree } from './canonical.js';
import type { UnsupportedKey } from './model.js';
import type { TreePath } from './yaml-file.js';

export const SUPPORTED_TOP_LEVEL = ['services', 'networks', 'volumes', 'secrets', 'name', 'version', 'include'] as const;

export const SUPPORTED_SERVICE_KEYS = [
  'build',
  'image',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'ports',
  'expose',
  'healthcheck',
  'depends_on',
  'links',
  'volumes',
  'volumes_from',
  'networks',
  'network_mode',
  'restart',
  'profiles',
  'pull_policy',
  'secrets',
  'extends',
  'container_name',
  'hostname',
  'working_dir',
  'user',
  'extra_hosts',
  'labels',
  'init',
  'tty',
  'stdin_open',
  'stop_signal',
  'stop_grace_period',
] as const;

const SUPPORTED_BUILD_KEYS = ['context', 'dockerfile', 'dockerfile_inline', 'args', 'target', 'secrets'];
const SUPPORTED_PORT_KEYS = ['target', 'published', 'host_ip', 'protocol', 'mode', 'name', 'app_protocol'];
const SUPPORTED_VOLUME_KEYS = ['type', 'source', 'target', 'read_only'];
const SUPPORTED_SERVICE_NETWORK_KEYS = ['aliases', 'ipv4_address', 'ipv6_address'];
const SUPPORTED_SECRET_MOUNT_KEYS = ['source', 'target'];
const SUPPORTED_RESOURCE_KEYS: Record<string, readonly string[]> = {
  networks: ['name', 'external', 'internal', 'driver'],
  volumes: ['name', 'external', 'driver'],
  secrets: ['name', 'external', 'file', 'environment'],
};

type Locate = (path: TreePath) => number | null;

function keysBeyond(value: unknown, supported: readonly string[], path: TreePath, out: TreePath[]): void {
  if (!isMapping(value)) return;
  for (const key of Object.keys(value)) if (!key.startsWith('x-') && !supported.includes(key)) out.push([...path, key]);
}

function eachEntry(value: unknown, supported: readonly string[], path: TreePath, out: TreePath[]): void {
  if (Array.isArray(value)) value.forEach((entry, index) => keysBeyond(entry, supported, [...path, index], out));
  else if (isMapping(value)) for (const [key, entry] of Object.entries(value)) keysBeyond(entry, supported, [...path, key], out);
}

function serviceKeys(name: string, service: Tree, out: TreePath[]): void {
  const path: TreePath = ['services', name];
  keysBeyond(service, SUPPORTED_SERVICE_KEYS, path, out);
  keysBeyond(service['build'], SUPPORTED_BUILD_KEYS, [...path, 'build'], out);
  if (isMapping(service['build'])) eachEntry(service['build']['secrets'], SUPPORTED_SECRET_MOUNT_KEYS, [...path, 'build', 'secrets'], out);
  eachEntry(service['ports'], SUPPORTED_PORT_KEYS, [...path, 'ports'], out);
  eachEntry(service['volumes'], SUPPORTED_VOLUME_KEYS, [...path, 'volumes'], out);
  eachEntry(service['secrets'], SUPPORTED_SECRET_MOUNT_KEYS, [...path, 'secrets'], out);
  eachEntry(service['networks'], SUPPORTED_SERVICE_NETWORK_KEYS, [...path, 'networks'], out);
  if (Array.isArray(service['volumes'])) {
    service['volumes'].forEach((volume, index) => {
      if (typeof volume === 'string' && /:[^:]*\b(z|Z|r?shared|r?slave|r?private|nocopy)\b[^:]*$/.test(volume)) {
        out.push([...path, 'volumes', index]);
      }
    });
  }
}

/** Every key of one file's tree the model does not carry, with its line in that file. */
export function unsupportedKeys(tree: Tree, file: string, locate: Locate): UnsupportedKey[] {
  const paths: TreePath[] = [];
  keysBeyond(tree, SUPPORTED_TOP_LEVEL, [], paths);
  for (const [name, service] of Object.entries(isMapping(tree['services']) ? tree['services'] : {})) {
    if (isMapping(service)) serviceKeys(name, service, paths);
  }
  if (Array.isArray(tree['include'])) eachEntry(tree['include'], ['path', 'project_directory', 'env_file'], ['include'], paths);
  for (const [kind, supported] of Object.entries(SUPPORTED_RESOURCE_KEYS)) {
    for (const [name, resource] of Object.entries(isMapping(tree[kind]) ? tree[kind] : {}))
      keysBeyond(resource, supported, [kind, name], paths);
  }
  return paths.map((path) => ({ path: path.join('.'), file, line: locate(path) }));
}
