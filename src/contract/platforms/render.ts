/**
 * Render (render.yaml Blueprint): a service with `runtime: docker` (older files: `env: docker`).
 * Facts and choices: docs/platforms.md#render.
 */
import { commandAt } from '../commands.js';
import type { DeploymentContract, EnvEntry, FileText, HealthCheck, PortSpec } from '../contract.js';
import { platformEnv } from '../env.js';
import { check, CODES_2XX_3XX, MINUTE, SECOND } from '../health-defaults.js';
import { underBase } from '../paths.js';
import { pickService, unsupportedKeys, type Candidate } from '../pick-service.js';
import type { Node } from '../source/node.js';
import { inDocument, loadYaml, readManifest, type ParsedFile, type ReadResult } from '../source/read-result.js';
import { renderEnv } from './render-env.js';

export const RENDER_PORT = 10000;

const HANDLED = [
  'type',
  'name',
  'runtime',
  'env',
  'dockerfilePath',
  'dockerContext',
  'rootDir',
  'dockerCommand',
  'startCommand',
  'preDeployCommand',
  'healthCheckPath',
  'envVars',
];
/** Keys that are the platform's business, not the deployment's: read past without a word. */
const INFRASTRUCTURE = [
  'repo',
  'branch',
  'plan',
  'region',
  'autoDeploy',
  'autoDeployTrigger',
  'numInstances',
  'scaling',
  'domains',
  'buildFilter',
  'pullRequestPreviewsEnabled',
  'previews',
];
const REASONS: Record<string, string> = {
  disk: 'a persistent disk: the container runs without it (and Render then deploys without zero downtime)',
  maxShutdownDelaySeconds: 'shutdown timing: deploybisect stops containers its own way',
  registryCredential: 'registry credentials: nothing is pulled',
  buildCommand: 'for native runtimes only',
};

export interface RenderInput {
  manifest: FileText;
  service?: string;
}

export function readRender(input: RenderInput): ReadResult {
  return readManifest('render', input.manifest, () => {
    const doc = loadYaml(input.manifest);
    return inDocument(doc, () => renderContract(doc, input.service));
  });
}

/** Services at the top level and inside projects' environments (the newer Blueprint layout). */
function servicesOf(root: Node): Node[] {
  const nested = root
    .at('projects')
    .items()
    .flatMap((project) =>
      project
        .at('environments')
        .items()
        .flatMap((environment) => environment.at('services').items()),
    );
  return [...root.at('services').items(), ...nested];
}

function candidate(service: Node): Candidate<Node> {
  const name = service.at('name').string();
  const runtime = service.at('runtime').optString() ?? service.at('env').optString();
  const type = service.at('type').optString() ?? 'web';
  let docker: true | string = true;
  if (runtime !== 'docker')
    docker = runtime === 'image' ? 'deploys a published image (runtime: image)' : `uses the native runtime '${runtime ?? '(none)'}'`;
  else if (!['web', 'pserv', 'worker'].includes(type)) docker = `is a ${type} service`;
  return { name, item: service, docker, preferred: type === 'web' };
}

function renderContract(doc: ParsedFile, wanted: string | undefined): DeploymentContract {
  const manifest = doc.file;
  const service = pickService(servicesOf(doc.root).map(candidate), wanted, manifest.path);
  const type = service.at('type').optString() ?? 'web';
  const env = renderEnv(doc.root, service);
  const port = type === 'worker' ? undefined : renderPort(env);
  const notes: string[] = [];
  if (env.some((entry) => entry.key === 'PORT' && entry.kind === 'unresolved')) {
    notes.push(
      `PORT is set outside render.yaml: Render routes to its value; deploybisect uses ${RENDER_PORT} unless --env PORT=… says otherwise.`,
    );
  }
  if (service.at('startCommand').present && !service.at('dockerCommand').present) {
    notes.push(
      'Render documents startCommand for native runtimes; for runtime: docker it is taken as the CMD override, like dockerCommand (docs/platforms.md).',
    );
  }
  const unsupported = unsupportedKeys(service.keys(), [...HANDLED, ...INFRASTRUCTURE], REASONS, service.path, 'not used by deploybisect');
  return {
    platform: 'render',
    service: service.at('name').string(),
    manifest: { path: manifest.path, blob: manifest.blob },
    alsoRead: [],
    build: renderBuild(service),
    run: renderRun(service),
    env: !port || hasKey(env, 'PORT') ? env : [...env, platformEnv('PORT', String(RENDER_PORT), "Render's PORT default")],
    ...(port ? { port } : {}),
    health: type === 'web' && port ? [renderHealth(service, port.number)] : [],
    ...renderPreDeploy(service),
    unsupported,
    notes,
  };
}

function hasKey(env: readonly EnvEntry[], key: string): boolean {
  return env.some((entry) => entry.key === key);
}

/**
 * `rootDir` is the base of `dockerfilePath` and `dockerContext` (Apicurio PR #7606); their defaults are
 * `./Dockerfile` and `.` (render-oss/skills blueprint-spec). See docs/platforms.md for the conflicting
 * tutorial that says the context defaults to the Dockerfile's directory.
 */
function renderBuild(service: Node): DeploymentContract['build'] {
  const rootDir = service.at('rootDir');
  const base = underBase('', rootDir.optString() ?? '', rootDir.path);
  const dockerfileKey = service.at('dockerfilePath');
  const contextKey = service.at('dockerContext');
  return {
    context: underBase(base, contextKey.optString() ?? '.', contextKey.path),
    dockerfile: underBase(base, dockerfileKey.optString() ?? './Dockerfile', dockerfileKey.path),
    args: [],
    secrets: [],
    from: {
      dockerfile: dockerfileKey.present ? 'dockerfilePath' : 'default ./Dockerfile',
      context: contextKey.present ? 'dockerContext' : rootDir.present ? 'rootDir' : 'default .',
    },
  };
}

/** `dockerCommand` replaces the image CMD (the ENTRYPOINT stays); `startCommand` is taken the same way. */
function renderRun(service: Node): DeploymentContract['run'] {
  for (const key of ['dockerCommand', 'startCommand']) {
    const cmd = commandAt(service.at(key), 'words');
    if (cmd) return { cmd, from: [key] };
  }
  return { from: [] };
}

/** The port: a literal PORT from envVars, else Render's 10000 (also when PORT is set in the dashboard). */
function renderPort(env: readonly EnvEntry[]): PortSpec {
  const port = env.find((entry) => entry.key === 'PORT');
  const number = port?.kind === 'literal' ? Number(port.value) : NaN;
  if (Number.isInteger(number) && number > 0 && number < 65536)
    return { number, injectedAsPort: true, source: 'manifest', from: `envVars PORT` };
  return { number: RENDER_PORT, injectedAsPort: true, source: 'platform-default', from: "Render's PORT default" };
}

/**
 * With `healthCheckPath`: GET on the port, 2xx/3xx healthy, a 5 s limit per request; without: Render
 * waits for the port to open. Either way the deploy is canceled after 15 minutes of failures.
 */
function renderHealth(service: Node, port: number): HealthCheck {
  const path = service.at('healthCheckPath').optString();
  const deadlineMs = 15 * MINUTE;
  if (path === undefined) return check('tcp', { port, deadlineMs, from: { keys: [], defaults: ['kind', 'deadlineMs'] } });
  return check('http', {
    path: path.startsWith('/') ? path : `/${path}`,
    port,
    scheme: 'http',
    method: 'GET',
    successCodes: CODES_2XX_3XX,
    followRedirects: false,
    timeoutMs: 5 * SECOND,
    deadlineMs,
    from: { keys: ['healthCheckPath'], defaults: ['method', 'successCodes', 'timeoutMs', 'deadlineMs'] },
  });
}

function renderPreDeploy(service: Node): Pick<DeploymentContract, 'preDeploy'> {
  const command = commandAt(service.at('preDeployCommand'), 'words');
  return command ? { preDeploy: { command, replaces: 'cmd', from: 'preDeployCommand' } } : {};
}
