/**
 * Railway (railway.toml or railway.json, "config as code"): the Dockerfile (`build.dockerfilePath`,
 * relative to the service's root directory, which is where the file is), `deploy.startCommand` (replaces
 * the ENTRYPOINT in exec form), `deploy.preDeployCommand`, and the health check (`healthcheckPath`,
 * HTTP 200 only, within `healthcheckTimeout`). Variables live in Railway's dashboard, not in the file.
 * Facts and choices: docs/platforms.md#railway.
 */
import { commandAt, fromText } from '../commands.js';
import type { CommandLine, DeploymentContract, FileText, HealthCheck } from '../contract.js';
import { platformEnv } from '../env.js';
import { check, CODES_200, SECOND } from '../health-defaults.js';
import { dirOf, underBase } from '../paths.js';
import { unsupportedKeys } from '../pick-service.js';
import type { Node } from '../source/node.js';
import { ManifestProblem } from '../source/problem.js';
import { inDocument, loadToml, loadYaml, readManifest, type ParsedFile, type ReadResult } from '../source/read-result.js';

/** Railway injects PORT but does not document its value; deploybisect injects this one (docs/platforms.md). */
export const RAILWAY_PORT = 8080;

export interface RailwayInput {
  manifest: FileText;
  /** Whether a file exists at the commit (repository-relative path): Railway builds a Dockerfile it finds even without `builder = "DOCKERFILE"`. */
  exists?: (path: string) => boolean;
}

const BUILD_HANDLED = ['builder', 'dockerfilePath'];
const DEPLOY_HANDLED = ['startCommand', 'preDeployCommand', 'healthcheckPath', 'healthcheckTimeout', 'cronSchedule'];
const SILENT = [
  'watchPatterns',
  'numReplicas',
  'multiRegionConfig',
  'region',
  'sleepApplication',
  'overlapSeconds',
  'drainingSeconds',
  'nixpacksPlan',
  'buildCommand',
];
const REASONS: Record<string, string> = {
  restartPolicyType: 'restart policy: a deployment is judged on its first start',
  restartPolicyMaxRetries: 'restart policy: a deployment is judged on its first start',
  environments: 'per-environment overrides: the base configuration is read',
  railpackVersion: 'for Railpack builds only',
};

export function readRailway(input: RailwayInput): ReadResult {
  return readManifest('railway', input.manifest, () => {
    const doc = input.manifest.path.endsWith('.json') ? loadYaml(input.manifest) : loadToml(input.manifest);
    return inDocument(doc, () => railwayContract(doc, input.exists));
  });
}

function railwayContract(doc: ParsedFile, exists: RailwayInput['exists']): DeploymentContract {
  const { root, file } = doc;
  const build = root.at('build');
  const deploy = root.at('deploy');
  if (deploy.at('cronSchedule').present)
    throw new ManifestProblem('not-docker', ['deploy', 'cronSchedule'], `${file.path} describes a cron job, not a service`);
  const notes: string[] = [];
  const startCommand = commandAt(deploy.at('startCommand'), 'words');
  const preDeploy = railwayPreDeploy(deploy.at('preDeployCommand'), notes);
  const port = { number: RAILWAY_PORT, injectedAsPort: true, source: 'chosen' as const, from: 'Railway injects PORT (value undocumented)' };
  notes.push('Variables are set in Railway’s dashboard: pass them with --env / --secret-env.');
  return {
    platform: 'railway',
    service: dirOf(file.path) || '(root)',
    manifest: { path: file.path, blob: file.blob },
    alsoRead: [],
    build: railwayBuild(doc, exists, notes),
    run: startCommand ? { entrypoint: startCommand, cmd: 'clear', from: ['deploy.startCommand'] } : { from: [] },
    env: [platformEnv('PORT', String(RAILWAY_PORT), 'injected by Railway')],
    port,
    health: railwayHealth(deploy, port.number),
    ...(preDeploy ? { preDeploy: { command: preDeploy, replaces: 'entrypoint', from: 'deploy.preDeployCommand' } } : {}),
    unsupported: [
      ...unsupportedKeys(build.keys(), [...BUILD_HANDLED, ...SILENT], REASONS, ['build'], 'not used by deploybisect'),
      ...unsupportedKeys(deploy.keys(), [...DEPLOY_HANDLED, ...SILENT], REASONS, ['deploy'], 'not used by deploybisect'),
      ...unsupportedKeys(root.keys(), ['build', 'deploy', '$schema'], REASONS, [], 'not used by deploybisect'),
    ],
    notes,
  };
}

/**
 * The Dockerfile: `dockerfilePath` from the root directory (a leading `/` from the repository root), else
 * `Dockerfile` there. With another builder, Railway still builds a Dockerfile it finds.
 */
function railwayBuild(doc: ParsedFile, exists: RailwayInput['exists'], notes: string[]): DeploymentContract['build'] {
  const build = doc.root.at('build');
  const base = dirOf(doc.file.path);
  const builder = build.at('builder').optString()?.toUpperCase();
  const key = build.at('dockerfilePath');
  const path = key.optString();
  const dockerfile =
    path === undefined ? underBase(base, 'Dockerfile', key.path) : underBase(path.startsWith('/') ? '' : base, path, key.path);
  if (builder !== undefined && builder !== 'DOCKERFILE' && path === undefined) {
    if (!exists?.(dockerfile))
      throw new ManifestProblem(
        'not-docker',
        ['build', 'builder'],
        `${doc.file.path} builds with ${builder}, and there is no ${dockerfile}`,
      );
    notes.push(`builder ${builder}, but Railway builds the Dockerfile it finds (${dockerfile}).`);
  }
  return {
    context: base,
    dockerfile,
    args: [],
    secrets: [],
    from: { dockerfile: path === undefined ? 'default Dockerfile' : 'build.dockerfilePath', context: 'the service root directory' },
  };
}

/** Pre-deploy commands (a list, run one after the other): one is run as written; several in one shell, joined with `&&`. */
function railwayPreDeploy(node: Node, notes: string[]): CommandLine | undefined {
  const commands = node.optStrings(true);
  if (!commands || commands.length === 0) return undefined;
  if (commands.length === 1) return fromText(commands[0]!, 'words');
  notes.push(`The ${commands.length} pre-deploy commands run in one shell, one after the other.`);
  return fromText(commands.join(' && '), 'shell');
}

/** GET healthcheckPath on PORT until it answers 200 (redirects fail), within healthcheckTimeout (300 s). */
function railwayHealth(deploy: Node, port: number): HealthCheck[] {
  const path = deploy.at('healthcheckPath').optString();
  if (path === undefined) return [];
  const timeout = deploy.at('healthcheckTimeout').optInteger(1);
  return [
    check('http', {
      path: path.startsWith('/') ? path : `/${path}`,
      port,
      scheme: 'http',
      method: 'GET',
      headers: [{ name: 'Host', value: 'healthcheck.railway.app' }],
      successCodes: CODES_200,
      followRedirects: false,
      deadlineMs: (timeout ?? 300) * SECOND,
      from: {
        keys: ['deploy.healthcheckPath', ...(timeout !== undefined ? ['deploy.healthcheckTimeout'] : [])],
        defaults: ['method', 'successCodes', 'followRedirects', 'headers', ...(timeout === undefined ? ['deadlineMs'] : [])],
      },
    }),
  ];
}
