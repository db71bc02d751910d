/**
 * One service of a compose stack as a deployment contract: the normalised project (src/contract/compose/,
 * as `docker compose config` has it) → how that service is built and started, its environment, its port
 * and its healthcheck. Pure. A whole stack (the other services, depends_on, volumes, networks) is the
 * stack's business (docs/stacks.md); here each is named as not acted on.
 */
import { describeFailure, type ComposeFailure } from '../compose/compose-failure.js';
import type { CommandValue, ComposeHealthcheck, ComposeProject, ComposeService, PathRef } from '../compose/model.js';
import type { CommandLine, DeploymentContract, EnvEntry, HealthCheck, ManifestFile, PortSpec, RunSpec, Unsupported } from '../contract.js';
import { SECRET_NAME } from '../env.js';
import { pickService } from '../pick-service.js';
import { ManifestProblem } from '../source/problem.js';
import type { ReadResult } from '../source/read-result.js';

export interface ComposeServiceInput {
  project: ComposeProject;
  manifest: ManifestFile;
  /** Files the contract was also read from (the other compose files, env files, `.env`), with their blobs. */
  alsoRead: ManifestFile[];
  service?: string;
}

/** A stack compose would refuse: the commit's deployment fails, in compose's words. */
export function composeFailureResult(failure: ComposeFailure, manifest: ManifestFile): ReadResult {
  const kind = failure.kind === 'yaml' ? 'parse' : 'invalid';
  const file = failure.file === '' ? manifest.path : failure.file;
  const message = describeFailure({ ...failure, file: '' });
  return {
    ok: false,
    failure: {
      kind,
      platform: 'compose',
      file,
      message,
      ...(failure.line !== null ? { line: failure.line } : {}),
      ...(failure.column !== null ? { column: failure.column } : {}),
    },
  };
}

export function composeServiceResult(input: ComposeServiceInput): ReadResult {
  const { project, manifest } = input;
  try {
    const candidates = Object.values(project.services).map((s) => ({ name: s.name, item: s, docker: buildsHere(s) }));
    const service = pickService(candidates, input.service, manifest.path);
    return { ok: true, contract: contractOf(service, input) };
  } catch (error) {
    if (!(error instanceof ManifestProblem)) throw error;
    const services = error.extra.services;
    return {
      ok: false,
      failure: { kind: error.kind, platform: 'compose', file: manifest.path, message: error.message, ...(services ? { services } : {}) },
    };
  }
}

/** true, or why the service is not built from a Dockerfile of this repository. */
export function buildsHere(service: ComposeService): true | string {
  const build = service.build;
  if (!build) return `runs the image ${service.image ?? '(none)'}, not built from this repository`;
  if (build.context.kind !== 'repository') return `builds from ${where(build.context)}, outside this repository`;
  if (build.dockerfileInline !== null) return 'builds from dockerfile_inline, which deploybisect does not build';
  if (build.dockerfilePath && build.dockerfilePath.kind !== 'repository') return `builds from a Dockerfile outside this repository`;
  return true;
}

const where = (ref: PathRef) => (ref.kind === 'url' ? ref.url : ref.path);

function contractOf(service: ComposeService, input: ComposeServiceInput): DeploymentContract {
  const build = service.build!;
  const context = (build.context as { path: string }).path;
  const dockerfile = (build.dockerfilePath as { path: string } | null)?.path ?? joinPath(context, 'Dockerfile');
  const port = portOf(service);
  const health = healthOf(service.healthcheck, port);
  return {
    platform: 'compose',
    service: service.name,
    manifest: input.manifest,
    alsoRead: input.alsoRead,
    build: {
      context,
      dockerfile,
      ...(build.target !== null ? { target: build.target } : {}),
      args: Object.entries(build.args).map(([key, value]) => (value === null ? { key } : { key, value })),
      secrets: build.secrets.map((s) => s.target),
      from: { dockerfile: build.dockerfile !== null ? 'build.dockerfile' : 'default Dockerfile', context: 'build.context' },
    },
    run: runOf(service),
    env: envOf(service),
    ...(port ? { port } : {}),
    health,
    unsupported: unsupportedOf(service, input.project),
    notes: notesOf(service, health),
  };
}

function joinPath(dir: string, file: string): string {
  return dir === '' ? file : `${dir}/${file}`;
}

/** compose's command and entrypoint: a string is split into words (no shell), a list taken as it is. */
function commandOf(value: CommandValue): CommandLine | undefined {
  if (value === null) return undefined;
  return typeof value === 'string' ? { form: 'words', text: value } : { form: 'exec', argv: [...value] };
}

export function runOf(service: ComposeService): RunSpec {
  const from: string[] = [];
  const entrypoint = commandOf(service.entrypoint);
  const command = commandOf(service.command);
  if (entrypoint) from.push('entrypoint');
  if (command) from.push('command');
  if (service.workingDir !== null) from.push('working_dir');
  if (service.user !== null) from.push('user');
  // An entrypoint set in the file drops the image's CMD, as `docker run --entrypoint` does.
  const cmd: RunSpec['cmd'] | undefined = command ?? (entrypoint ? 'clear' : undefined);
  return {
    ...(entrypoint ? { entrypoint } : {}),
    ...(cmd !== undefined ? { cmd } : {}),
    ...(service.workingDir !== null ? { workingDir: service.workingDir } : {}),
    ...(service.user !== null ? { user: service.user } : {}),
    from,
  };
}

export function envOf(service: ComposeService): EnvEntry[] {
  return Object.entries(service.environment).flatMap(([key, entry]): EnvEntry[] => {
    if (entry.value === null) return [];
    const from = entry.source.kind === 'env_file' || entry.source.kind === 'dotenv' ? entry.source.path : 'environment';
    return [{ key, value: entry.value, kind: 'literal', secret: SECRET_NAME.test(key), from }];
  });
}

/** The container port traffic goes to: the first published tcp port's target, else the first `expose:`. */
export function portOf(service: ComposeService): PortSpec | undefined {
  const published = service.ports.find((p) => p.protocol === 'tcp');
  if (published) return { number: published.target, injectedAsPort: false, source: 'manifest', from: 'ports' };
  const exposed = service.expose.map((e) => /^(\d+)(?:-\d+)?(?:\/tcp)?$/.exec(e)?.[1]).find((p) => p !== undefined);
  return exposed ? { number: Number(exposed), injectedAsPort: false, source: 'manifest', from: 'expose' } : undefined;
}

/**
 * compose's healthcheck as Docker runs it: the command in the container, retries × interval after
 * start_period. Without one (compose itself waits for none), a service with a port must open it.
 */
export function healthOf(check: ComposeHealthcheck | null, port: PortSpec | undefined): HealthCheck[] {
  if (check === null || check.kind === 'disabled' || check.test === null) {
    if (!port || check?.kind === 'check') return [];
    return [
      { kind: 'tcp', port: port.number, headers: [], graceMs: 0, successThreshold: 1, from: { keys: [port.from], defaults: ['tcp'] } },
    ];
  }
  const command = check.test.kind === 'CMD' ? [...check.test.argv] : ['/bin/sh', '-c', check.test.command];
  const defaults = (['interval', 'timeout', 'retries', 'start_period'] as const).filter((k) => !check.given.includes(k));
  return [
    {
      kind: 'exec',
      command,
      headers: [],
      intervalMs: check.intervalMs,
      timeoutMs: check.timeoutMs,
      graceMs: check.startPeriodMs,
      failureThreshold: check.retries,
      successThreshold: 1,
      from: { keys: ['healthcheck'], defaults },
    },
  ];
}

const STACK_KEYS: [keyof ComposeService, string][] = [
  ['dependsOn', 'depends_on'],
  ['volumes', 'volumes'],
  ['volumesFrom', 'volumes_from'],
  ['links', 'links'],
  ['secrets', 'secrets'],
  ['extraHosts', 'extra_hosts'],
];

function unsupportedOf(service: ComposeService, project: ComposeProject): Unsupported[] {
  const out: Unsupported[] = [];
  for (const [field, key] of STACK_KEYS) {
    const value = service[field] as unknown;
    const set = Array.isArray(value) ? value.length > 0 : typeof value === 'object' && value !== null && Object.keys(value).length > 0;
    if (set) out.push({ key: `services.${service.name}.${key}`, reason: 'not acted on: the file has one service, deployed alone' });
  }
  if (service.networkMode !== null) out.push({ key: `services.${service.name}.network_mode`, reason: 'the run has its own --network' });
  const others = Object.keys(project.services).filter((name) => name !== service.name);
  if (others.length > 0) out.push({ key: 'services', reason: `only ${service.name} is deployed; not started: ${others.join(', ')}` });
  for (const key of project.unsupported) out.push({ key: key.path, reason: 'not acted on' });
  return out;
}

function notesOf(service: ComposeService, health: HealthCheck[]): string[] {
  if (health[0]?.kind === 'exec') return [];
  if (health[0]?.kind === 'tcp') return [`compose waits for no check: deploybisect waits for port ${health[0].port} to open`];
  if (service.healthcheck?.kind === 'check') return ["the healthcheck keeps the image's HEALTHCHECK command with the file's timing"];
  return ["compose waits for no check: the image's HEALTHCHECK applies, else deploybisect's default (the container keeps running)"];
}
