/**
 * Heroku (heroku.yml, container stack): `build.docker.<process>` names the Dockerfile (its directory is
 * the build context), `build.config` the build arguments, `run.<process>` replaces CMD, `release` runs
 * before the new release goes live, and `setup` (add-ons, config) says what the app was created with.
 * The web process must bind $PORT (random on Heroku) within 60 s. Facts and choices: docs/platforms.md#heroku.
 */
import type { CommandLine, DeploymentContract, EnvEntry, FileText } from '../contract.js';
import { literalEnv, platformEnv, unresolvedEnv } from '../env.js';
import { check, SECOND } from '../health-defaults.js';
import { dirOf, underBase } from '../paths.js';
import { pickService, unsupportedKeys } from '../pick-service.js';
import type { Node } from '../source/node.js';
import { invalid, keyPathText } from '../source/problem.js';
import { inDocument, loadYaml, readManifest, type ParsedFile, type ReadResult } from '../source/read-result.js';

/** Heroku gives each dyno a random PORT; deploybisect uses this fixed one, which no app listens on by default. */
export const HEROKU_PORT = 23456;

export interface HerokuInput {
  manifest: FileText;
  /** A process type (default: web). */
  service?: string;
}

export function readHeroku(input: HerokuInput): ReadResult {
  return readManifest('heroku', input.manifest, () => {
    const doc = loadYaml(input.manifest);
    return inDocument(doc, () => herokuContract(doc, input.service));
  });
}

function herokuContract(doc: ParsedFile, wanted: string | undefined): DeploymentContract {
  const { root, file } = doc;
  const docker = root.at('build').at('docker');
  const processes = [...new Set([...docker.keys(), ...root.at('run').keys()])];
  const name = pickService(
    processes.map((p) => ({
      name: p,
      item: p,
      docker: docker.at(p).present ? (true as const) : 'has no Dockerfile in build.docker',
      preferred: p === 'web',
    })),
    wanted,
    file.path,
    'process type',
  );
  const web = name === 'web';
  const port = { number: HEROKU_PORT, injectedAsPort: true, source: 'chosen' as const, from: 'Heroku assigns a random PORT' };
  const run = herokuCommand(root.at('run').at(name));
  const release = herokuRelease(root.at('release'));
  return {
    platform: 'heroku',
    service: name,
    manifest: { path: file.path, blob: file.blob },
    alsoRead: [],
    build: herokuBuild(docker.at(name), root.at('build').at('config')),
    run: run ? { cmd: run, from: [`run.${name}`] } : { from: [] },
    env: [...setupEnv(root.at('setup')), ...(web ? [platformEnv('PORT', String(HEROKU_PORT), 'set by Heroku (random)')] : [])],
    ...(web ? { port } : {}),
    // R10: a web dyno that does not bind $PORT within 60 s of starting crashes.
    health: web ? [check('tcp', { port: port.number, deadlineMs: 60 * SECOND, from: { keys: [], defaults: ['kind', 'deadlineMs'] } })] : [],
    ...(release ? { preDeploy: { command: release, replaces: 'cmd', from: 'release.command' } } : {}),
    unsupported: unsupportedKeys(root.keys(), ['build', 'run', 'release', 'setup'], {}, [], 'not used by deploybisect'),
    notes: root.at('setup').present
      ? ['setup applies when the app is created (heroku create --manifest); the app’s config may have changed since.']
      : [],
  };
}

/** `web: Dockerfile` or `web: {dockerfile, target}`; the context is the Dockerfile's directory. */
function herokuBuild(entry: Node, config: Node): DeploymentContract['build'] {
  const key = entry.isMap ? entry.at('dockerfile') : entry;
  const dockerfile = underBase('', key.string(), key.path);
  const target = entry.isMap ? entry.at('target').optString() : undefined;
  return {
    context: dirOf(dockerfile),
    dockerfile,
    ...(target !== undefined ? { target } : {}),
    args: (config.optStringMap() ?? []).map(({ key: name, value }) => ({ key: name, value })),
    secrets: [],
    from: { dockerfile: keyPathText(key.path), context: "the Dockerfile's directory" },
  };
}

/** A run or release command: a string, or `{command: [...]}`; Heroku runs it in a shell (items joined). */
function herokuCommand(node: Node): CommandLine | undefined {
  if (!node.present) return undefined;
  const command = node.isMap ? node.at('command') : node;
  const parts = command.optStrings(true);
  if (!parts || parts.length === 0) throw invalid(command.path, 'must name a command');
  return { form: 'shell', script: parts.join(' ') };
}

function herokuRelease(release: Node): CommandLine | undefined {
  return release.present ? herokuCommand(release.at('command')) : undefined;
}

/** The variable an add-on sets without `as:` (its name before `_URL`). */
const ADDON_NAMES: Record<string, string> = { 'heroku-postgresql': 'DATABASE', 'heroku-redis': 'REDIS' };

/** `setup.config` (literal config vars) and `setup.addons` (their variables come from the add-on: unresolved). */
function setupEnv(setup: Node): EnvEntry[] {
  const config = (setup.at('config').optStringMap() ?? []).map(({ key, value }) => literalEnv(key, value, 'setup.config'));
  const addons = setup
    .at('addons')
    .items()
    .map((addon) => {
      const plan = addon.isMap ? addon.at('plan').string() : addon.string();
      const as = addon.isMap ? addon.at('as').optString() : undefined;
      const service = plan.split(':')[0] ?? plan;
      const key = `${
        as ??
        ADDON_NAMES[service] ??
        service
          .replace(/^heroku-/, '')
          .toUpperCase()
          .replace(/[^A-Z0-9]+/g, '_')
      }_URL`;
      return unresolvedEnv(key, `add-on ${plan}`, keyPathText(addon.path), true);
    });
  return [...config, ...addons];
}
