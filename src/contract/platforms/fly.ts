/**
 * Fly.io (fly.toml): build from `[build]` (the Dockerfile is joined with fly.toml's directory, as flyctl
 * does), the process group's command from `[processes]` (replaces CMD), routing and checks from
 * `[http_service]` / `[[services]]`, `[env]`, and `[deploy] release_command`. Checked against the
 * published schema (SchemaStore's fly.json) for the keys read. Facts and choices: docs/platforms.md#fly.
 */
import { commandAt, fromText } from '../commands.js';
import type { DeploymentContract, FileText, RunSpec } from '../contract.js';
import { literalEnv, platformEnv } from '../env.js';
import { MINUTE } from '../health-defaults.js';
import { dirOf, isUrl, underBase } from '../paths.js';
import { pickService, unsupportedKeys } from '../pick-service.js';
import { checkSchema } from '../schema-check.js';
import flySchema from '../schemas/fly.schema.json' with { type: 'json' };
import type { Node } from '../source/node.js';
import { ManifestProblem } from '../source/problem.js';
import { inDocument, loadToml, readManifest, type ParsedFile, type ReadResult } from '../source/read-result.js';
import { flyChecks, flyDuration, flyPort, routedService, servicesFor } from './fly-services.js';

export interface FlyInput {
  manifest: FileText;
  /** A process group of `[processes]` (default: the one the service routes to, or `app`). */
  service?: string;
}

/** Keys read, as schema paths (`*` = any index). */
const ACTED_ON = [
  ['build'],
  ['deploy', 'release_command'],
  ['deploy', 'wait_timeout'],
  ['processes'],
  ['experimental', 'cmd'],
  ['experimental', 'entrypoint'],
  ['http_service', 'internal_port'],
  ['http_service', 'checks'],
  ['services', '*', 'internal_port'],
  ['services', '*', 'tcp_checks'],
  ['services', '*', 'http_checks'],
  ['services', 'internal_port'],
  ['services', 'tcp_checks'],
  ['services', 'http_checks'],
];
const HANDLED = ['build', 'deploy', 'env', 'processes', 'experimental', 'http_service', 'services', 'primary_region'];
const SILENT = ['app', 'app_name', 'kill_signal', 'kill_timeout', 'console_command', 'host_dedication_id'];
const REASONS: Record<string, string> = {
  checks: 'top-level [checks] are monitoring only: Fly does not wait for them to deploy',
  mounts: 'a volume: the container runs without it',
  statics: 'static files served by Fly’s proxy, not by the container',
  vm: 'machine size: the container runs with the engine’s limits',
  swap_size_mb: 'machine swap: the container runs with the engine’s limits',
  restart: 'restart policy: a deployment is judged on its first start',
  files: 'files written into the machine: not written',
  metrics: 'metrics scraping: not used',
};

export function readFly(input: FlyInput): ReadResult {
  return readManifest('fly', input.manifest, () => {
    const doc = loadToml(input.manifest);
    return inDocument(doc, () => flyContract(doc, input.service));
  });
}

function flyContract(doc: ParsedFile, wanted: string | undefined): DeploymentContract {
  const root = doc.root;
  const notes = schemaNotes(root);
  const groups = processGroups(root);
  const group = pickService(
    groups.map((name) => ({ name, item: name, docker: true as const, preferred: servicesFor(root, name).length > 0 })),
    wanted,
    doc.file.path,
    'process group',
  );
  const service = routedService(servicesFor(root, group));
  const port = service ? flyPort(service) : undefined;
  const region = root.at('primary_region').optString();
  const env = [
    ...(region !== undefined ? [platformEnv('PRIMARY_REGION', region, 'primary_region')] : []),
    ...(root.at('env').optStringMap() ?? []).map(({ key, value }) => literalEnv(key, value, '[env]')),
  ];
  const keys = root.keys();
  const unsupported = [
    ...unsupportedKeys(keys, [...HANDLED, ...SILENT], REASONS, [], 'not used by deploybisect'),
    ...(service ? [] : [{ key: '(no service)', reason: 'no [http_service] or [[services]]: Fly routes no traffic to this group' }]),
  ];
  return {
    platform: 'fly',
    service: group,
    manifest: { path: doc.file.path, blob: doc.file.blob },
    alsoRead: [],
    build: flyBuild(doc),
    run: flyRun(root, group),
    env,
    ...(port ? { port } : {}),
    health: port ? flyChecks(root, service, port.number) : [],
    ...flyRelease(root),
    unsupported,
    notes,
  };
}

function schemaNotes(root: Node): string[] {
  // flyctl reads `processes = []` (old configs) as no processes; the schema wants a table.
  const value =
    root.isMap && Array.isArray(root.at('processes').value) && (root.at('processes').value as unknown[]).length === 0
      ? { ...(root.value as object), processes: undefined }
      : root.value;
  const verdict = checkSchema(flySchema, JSON.parse(JSON.stringify(value)) as unknown, ACTED_ON, 'fly.toml');
  if (verdict.problem) throw verdict.problem;
  return verdict.note ? [verdict.note] : [];
}

/** The process groups: the keys of `[processes]`, else Fly's default group `app`. */
function processGroups(root: Node): string[] {
  const processes = root.at('processes');
  if (!processes.isMap || processes.keys().length === 0) return ['app'];
  return processes.keys();
}

/** `[build] dockerfile` and `ignorefile` are joined with fly.toml's directory (a leading `/` too); the context is that directory. */
function flyBuild(doc: ParsedFile): DeploymentContract['build'] {
  const build = doc.root.at('build');
  const base = dirOf(doc.file.path);
  if (build.at('image').present) throw notDocker(`deploys the published image ${build.at('image').string()} ([build] image)`);
  if (build.at('builder').present || build.at('buildpacks').present) throw notDocker('builds with buildpacks ([build] builder)');
  const dockerfile = build.at('dockerfile');
  const path = dockerfile.optString() ?? 'Dockerfile';
  if (isUrl(path)) throw notDocker(`builds a Dockerfile fetched from ${path}`);
  const ignore = build.at('ignorefile');
  const ignoreFile = ignore.optString();
  const target = build.at('build-target').optString();
  return {
    context: base,
    dockerfile: underBase(base, path, dockerfile.path),
    ...(ignoreFile !== undefined ? { ignoreFile: underBase(base, ignoreFile, ignore.path) } : {}),
    ...(target !== undefined ? { target } : {}),
    args: (build.at('args').optStringMap() ?? []).map(({ key, value }) => ({ key, value })),
    secrets: [],
    from: { dockerfile: dockerfile.present ? '[build] dockerfile' : 'default Dockerfile', context: "fly.toml's directory" },
  };
}

function notDocker(why: string): ManifestProblem {
  return new ManifestProblem('not-docker', ['build'], `fly.toml ${why}`);
}

/**
 * `[processes] <group>` replaces CMD (split into words, the ENTRYPOINT stays); `[experimental] cmd`,
 * `entrypoint` and `exec` (both) are the older spelling, used when the group has no command.
 */
function flyRun(root: Node, group: string): RunSpec {
  const process = root.at('processes').isMap ? root.at('processes').at(group) : undefined;
  const cmd = process ? commandAt(process, 'words') : undefined;
  const experimental = root.at('experimental');
  const exec = commandAt(experimental.at('exec'), 'words');
  if (exec) return { entrypoint: exec, cmd: 'clear', from: ['[experimental] exec'] };
  const entrypoint = commandAt(experimental.at('entrypoint'), 'words');
  const oldCmd = commandAt(experimental.at('cmd'), 'words');
  const from = [
    ...(entrypoint ? ['[experimental] entrypoint'] : []),
    ...(cmd ? [`[processes] ${group}`] : oldCmd ? ['[experimental] cmd'] : []),
  ];
  const useCmd = cmd ?? oldCmd;
  return { ...(entrypoint ? { entrypoint } : {}), ...(useCmd ? { cmd: useCmd } : {}), from };
}

/** `[deploy] release_command` runs in a temporary machine of the new image, in place of CMD; 5 minutes by default. */
function flyRelease(root: Node): Pick<DeploymentContract, 'preDeploy'> {
  const deploy = root.at('deploy');
  const command = deploy.at('release_command').optString();
  if (command === undefined) return {};
  const timeout = flyDuration(deploy.at('release_command_timeout'));
  return {
    preDeploy: { command: fromText(command, 'words'), replaces: 'cmd', timeoutMs: timeout ?? 5 * MINUTE, from: '[deploy] release_command' },
  };
}
