/**
 * One service of the merged canonical tree as the typed ComposeService, with compose's defaults
 * (restart `no`, pull_policy `if_not_present` read as `missing`, the implicit `default` network).
 */
import { isMapping, listOrDict, type Tree } from './canonical.js';
import { toDependencies } from './dependencies.js';
import { resolveEnvironment, type ProjectEnvironment } from './environment.js';
import { parseGoDuration } from './go-duration.js';
import { toHealthcheck } from './healthcheck.js';
import type { CommandValue, ComposeService, ComposeWarning } from './model.js';
import { toBuild, toNetworks, toPorts, toServiceSecrets, toVolumes } from './service-parts.js';
import { booleanAt, optionalString, stringList, type FailAt } from './values.js';
import type { TreePath } from './yaml-file.js';

export interface ServiceContext {
  projectDir: string;
  /** False for a service the profiles leave out: compose reads no env file of it. */
  resolveEnvironment: boolean;
  environment: ProjectEnvironment;
  failAt: FailAt;
  warn(warning: ComposeWarning): void;
}

function commandOf(value: unknown): CommandValue {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(String);
  return String(value);
}

function durationOf(value: unknown, path: TreePath, failAt: FailAt): number | null {
  if (value === null || value === undefined) return null;
  const ms = parseGoDuration(String(value));
  return ms === null ? failAt(path, `${path.join('.')}: invalid duration ${JSON.stringify(value)}`) : ms;
}

export function toService(name: string, tree: Tree, context: ServiceContext): ComposeService {
  const path: TreePath = ['services', name];
  const at = (key: string): TreePath => [...path, key];
  const { failAt } = context;
  const networkMode = optionalString(tree['network_mode']);
  const declaredEnvironment = isMapping(tree['environment']) ? (tree['environment'] as Record<string, string | null>) : {};
  const envFileEntries = Array.isArray(tree['env_file']) ? tree['env_file'] : [];
  const { environment, envFiles } = context.resolveEnvironment
    ? resolveEnvironment(name, declaredEnvironment, envFileEntries, context.environment, (w) => context.warn(w))
    : { environment: {}, envFiles: [] };
  const pullPolicy = optionalString(tree['pull_policy']);
  return {
    name,
    image: optionalString(tree['image']),
    build: toBuild(tree['build'], context.projectDir, (variable) => context.environment.lookup(variable)?.value),
    command: commandOf(tree['command']),
    entrypoint: commandOf(tree['entrypoint']),
    environment,
    envFiles,
    ports: toPorts(tree['ports'], at('ports'), failAt),
    expose: stringList(tree['expose']),
    healthcheck: toHealthcheck(tree['healthcheck'], at('healthcheck'), failAt),
    dependsOn: toDependencies(tree, path, failAt),
    volumes: toVolumes(tree['volumes'], at('volumes'), failAt),
    volumesFrom: stringList(tree['volumes_from']),
    networks: toNetworks(tree['networks'], networkMode),
    networkMode,
    links: stringList(tree['links']),
    restart: optionalString(tree['restart']) ?? 'no',
    profiles: stringList(tree['profiles']),
    pullPolicy: pullPolicy === 'if_not_present' ? 'missing' : pullPolicy,
    secrets: toServiceSecrets(tree['secrets']),
    containerName: optionalString(tree['container_name']),
    hostname: optionalString(tree['hostname']),
    workingDir: optionalString(tree['working_dir']),
    user: optionalString(tree['user']),
    extraHosts: stringList(tree['extra_hosts']),
    labels: Object.fromEntries(Object.entries(listOrDict(tree['labels'])).map(([key, value]) => [key, value ?? ''])),
    init: booleanAt(tree['init'], at('init'), failAt),
    tty: booleanAt(tree['tty'], at('tty'), failAt) ?? false,
    stdinOpen: booleanAt(tree['stdin_open'], at('stdin_open'), failAt) ?? false,
    stopSignal: optionalString(tree['stop_signal']),
    stopGracePeriodMs: durationOf(tree['stop_grace_period'], at('stop_grace_period'), failAt),
  };
}
