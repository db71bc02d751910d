/**
 * DigitalOcean App Platform (an app spec: `.do/app.yaml`, or `spec.yaml` as `doctl apps create --spec`
 * takes it): a service (or worker) with `dockerfile_path` (from the repository root) and `source_dir`
 * (the build context), `run_command`, `envs` (BUILD_TIME ones are build arguments; bindables such as
 * `${db.PASSWORD}` and SECRET values are left to the user), `http_port` (8080; PORT is set to it), and
 * `health_check` (TCP, or HTTP with `http_path`). A PRE_DEPLOY job built from the same Dockerfile is the
 * pre-deploy command. Facts and choices: docs/platforms.md#digitalocean.
 */
import { commandAt } from '../commands.js';
import type { DeploymentContract, EnvEntry, FileText, HealthCheck } from '../contract.js';
import { literalEnv, mergeEnv, platformEnv, SECRET_NAME, unresolvedEnv } from '../env.js';
import { check, CODES_200_TO_399, SECOND } from '../health-defaults.js';
import { underBase } from '../paths.js';
import { pickService, unsupportedKeys, type Candidate } from '../pick-service.js';
import type { Node } from '../source/node.js';
import { keyPathText } from '../source/problem.js';
import { inDocument, loadYaml, readManifest, type ParsedFile, type ReadResult } from '../source/read-result.js';

export const DO_PORT = 8080;

export interface DigitalOceanInput {
  manifest: FileText;
  service?: string;
}

const HANDLED = [
  'name',
  'dockerfile_path',
  'source_dir',
  'run_command',
  'envs',
  'http_port',
  'health_check',
  'github',
  'gitlab',
  'git',
  'image',
];
const SILENT = [
  'instance_count',
  'instance_size_slug',
  'routes',
  'cors',
  'autoscaling',
  'alerts',
  'log_destinations',
  'termination',
  'bitbucket',
];
const REASONS: Record<string, string> = {
  liveness_health_check: 'checked after the deploy, not before traffic moves',
  internal_ports: 'ports for other components only',
  build_command: 'for buildpack builds only',
  environment_slug: 'for buildpack builds only',
};

export function readDigitalOcean(input: DigitalOceanInput): ReadResult {
  return readManifest('digitalocean', input.manifest, () => {
    const doc = loadYaml(input.manifest);
    // `doctl apps spec get` writes `spec:` around the app spec.
    const spec = doc.root.at('spec').isMap ? { ...doc, root: doc.root.at('spec') } : doc;
    return inDocument(doc, () => doContract(spec, input.service));
  });
}

function candidate(component: Node, kind: 'service' | 'worker'): Candidate<{ node: Node; kind: 'service' | 'worker' }> {
  const name = component.at('name').string();
  const docker = component.at('dockerfile_path').present
    ? (true as const)
    : component.at('image').present
      ? 'deploys a published image'
      : 'is built with buildpacks (no dockerfile_path)';
  return { name, item: { node: component, kind }, docker, preferred: kind === 'service' };
}

function doContract(doc: ParsedFile, wanted: string | undefined): DeploymentContract {
  const { root, file } = doc;
  const { node, kind } = pickService(
    [
      ...root
        .at('services')
        .items()
        .map((s) => candidate(s, 'service')),
      ...root
        .at('workers')
        .items()
        .map((w) => candidate(w, 'worker')),
    ],
    wanted,
    file.path,
    'component',
  );
  const build = doBuild(node, [...root.at('envs').items(), ...node.at('envs').items()]);
  const env = mergeEnv(runEnv(root.at('envs')), runEnv(node.at('envs')));
  const httpPort = node.at('http_port').optInteger(1, 65535);
  const port =
    kind === 'service'
      ? {
          number: httpPort ?? DO_PORT,
          injectedAsPort: true,
          source: httpPort ? ('manifest' as const) : ('platform-default' as const),
          from: httpPort ? 'http_port' : 'App Platform’s http_port default',
        }
      : undefined;
  const cmd = commandAt(node.at('run_command'), 'words');
  const preDeploy = preDeployJob(root, build);
  return {
    platform: 'digitalocean',
    service: node.at('name').string(),
    manifest: { path: file.path, blob: file.blob },
    alsoRead: [],
    build,
    run: cmd ? { cmd, from: ['run_command'] } : { from: [] },
    env:
      port && !env.some((e) => e.key === 'PORT')
        ? [...env, platformEnv('PORT', String(port.number), 'set by App Platform to http_port')]
        : env,
    ...(port ? { port } : {}),
    health: port ? [doHealth(node.at('health_check'), port.number)] : [],
    ...(preDeploy ? { preDeploy } : {}),
    unsupported: unsupportedKeys(node.keys(), [...HANDLED, ...SILENT], REASONS, node.path, 'not used by deploybisect'),
    notes: root.at('databases').present ? ['The spec declares databases: their variables are left to --env / --secret-env.'] : [],
  };
}

function doBuild(node: Node, envs: Node[]): DeploymentContract['build'] {
  const dockerfile = node.at('dockerfile_path');
  const source = node.at('source_dir');
  const buildArgs = envs.filter((e) => ['BUILD_TIME', 'RUN_AND_BUILD_TIME'].includes(e.at('scope').optString() ?? 'RUN_AND_BUILD_TIME'));
  return {
    context: underBase('', source.optString() ?? '.', source.path),
    dockerfile: underBase('', dockerfile.string(), dockerfile.path),
    args: buildArgs.flatMap((e) => {
      const entry = oneEnv(e);
      return entry.kind === 'literal' ? [{ key: entry.key, value: entry.value ?? '' }] : [{ key: entry.key }];
    }),
    secrets: [],
    from: { dockerfile: 'dockerfile_path', context: source.present ? 'source_dir' : 'default (the repository root)' },
  };
}

function runEnv(envs: Node): EnvEntry[] {
  return envs
    .items()
    .filter((e) => (e.at('scope').optString() ?? 'RUN_AND_BUILD_TIME') !== 'BUILD_TIME')
    .map(oneEnv);
}

/** A literal value, unless it is a SECRET (stored encrypted) or holds a bindable (`${db.PASSWORD}`, `${_self.URL}`). */
function oneEnv(item: Node): EnvEntry {
  const key = item.at('key').string();
  const value = item.at('value').optScalar() ?? '';
  const from = keyPathText(item.path);
  if ((item.at('type').optString() ?? 'GENERAL') === 'SECRET')
    return unresolvedEnv(key, 'type: SECRET (stored by App Platform)', from, true);
  const bindable = /\$\{([^}]+)\}/.exec(value);
  if (bindable)
    return unresolvedEnv(
      key,
      `bindable \${${bindable[1]}}`,
      from,
      SECRET_NAME.test(key) || /PASSWORD|SECRET|TOKEN/i.test(bindable[1] ?? ''),
    );
  return literalEnv(key, value, from);
}

/**
 * `health_check`: HTTP GET on `http_path` when set, else TCP; on `port` (default http_port); defaults
 * initial delay 0 s, period 10 s, timeout 1 s, success 1, failure 9 (DigitalOcean's published defaults).
 */
function doHealth(node: Node, port: number): HealthCheck {
  const defaults: string[] = [];
  const seconds = (key: string, fallback: number, name: string): number => {
    const value = node.at(key).optInteger(0);
    if (value === undefined) defaults.push(name);
    return (value ?? fallback) * SECOND;
  };
  const count = (key: string, fallback: number, name: string): number => {
    const value = node.at(key).optInteger(1);
    if (value === undefined) defaults.push(name);
    return value ?? fallback;
  };
  const timing = {
    port: node.at('port').optInteger(1, 65535) ?? port,
    graceMs: seconds('initial_delay_seconds', 0, 'graceMs'),
    intervalMs: seconds('period_seconds', 10, 'intervalMs'),
    timeoutMs: seconds('timeout_seconds', 1, 'timeoutMs'),
    successThreshold: count('success_threshold', 1, 'successThreshold'),
    failureThreshold: count('failure_threshold', 9, 'failureThreshold'),
  };
  const path = node.at('http_path').optString();
  const keys = node.present ? ['health_check'] : [];
  if (path === undefined) return check('tcp', { ...timing, from: { keys, defaults: ['kind', ...defaults] } });
  return check('http', {
    ...timing,
    path,
    scheme: 'http',
    method: 'GET',
    successCodes: CODES_200_TO_399,
    followRedirects: false,
    from: { keys: ['health_check.http_path'], defaults: ['method', 'successCodes', ...defaults] },
  });
}

/** A PRE_DEPLOY job built from the same Dockerfile and context: its run_command replaces CMD before the deploy. */
function preDeployJob(root: Node, build: DeploymentContract['build']): DeploymentContract['preDeploy'] {
  for (const job of root.at('jobs').items()) {
    if (job.at('kind').optString() !== 'PRE_DEPLOY' || !job.at('dockerfile_path').present) continue;
    const jobBuild = doBuild(job, []);
    const command = commandAt(job.at('run_command'), 'words');
    if (command && jobBuild.dockerfile === build.dockerfile && jobBuild.context === build.context) {
      return { command, replaces: 'cmd', from: `${keyPathText(job.path)}.run_command` };
    }
  }
  return undefined;
}
