/**
 * A whole compose stack as `docker compose up --wait` would start it: the normalised project
 * (src/contract/compose/) → each active service as a contract of its own (how its image is had, how it
 * starts, its environment, ports and healthcheck), what it waits for (depends_on with its condition),
 * what it mounts, the names it is reached by, and which service the probes target. Pure.
 */
import type { ComposeProject, ComposeService, DependencyCondition, VolumeMount } from '../compose/model.js';
import type { BuildSpec, DeploymentContract, EnvEntry, HealthCheck, ManifestFile, PortSpec, RunSpec, Unsupported } from '../contract.js';
import { ManifestProblem } from '../source/problem.js';
import { buildsHere, composeServiceResult, envOf, healthOf, portOf, runOf } from './compose-service.js';
import { stackUnsupported } from './stack-unsupported.js';

/** What a service mounts, as a stack of deploybisect gives it. */
export type StackMount =
  /** A named volume of the project (its top-level key): fresh for each candidate. */
  | { kind: 'volume'; volume: string; target: string; readOnly: boolean }
  /** A volume without a name: fresh for each candidate, gone with its container. */
  | { kind: 'anonymous'; target: string; readOnly: boolean }
  /** A path of the repository (a bind mount's source): copied from the candidate's own tree. */
  | { kind: 'tree'; path: string; target: string; readOnly: boolean }
  | { kind: 'tmpfs'; target: string };

export interface StackDependency {
  service: string;
  condition: DependencyCondition;
  /** false: compose goes on when it fails (`required: false`). */
  required: boolean;
}

export interface StackServiceContract {
  name: string;
  /** Built from the candidate's tree (`build:`, or `--build-service`), or the engine's image of that reference. */
  image: { kind: 'build'; build: BuildSpec; from: 'build' | '--build-service' } | { kind: 'image'; ref: string };
  run: RunSpec;
  env: EnvEntry[];
  /** The port traffic goes to (the first published one, else the first `expose:`). */
  port?: PortSpec;
  /** The checks that tell it is up, as probes would run them (compose's healthcheck, else its port). */
  health: HealthCheck[];
  /** The healthcheck its container gets: null keeps the image's, as compose does. */
  healthcheck: ComposeService['healthcheck'];
  /** Every container port it declares (`ports` targets and `expose`), tcp. */
  ports: number[];
  dependsOn: StackDependency[];
  mounts: StackMount[];
  /** compose's restart policy (`no` unless set). */
  restart: string;
  /** Another service waits for it with service_completed_successfully: it is expected to exit 0. */
  oneShot: boolean;
  /** The names other services reach it by: its own, its network aliases, link aliases, container_name, hostname. */
  names: string[];
  hostname?: string;
  /** `host:ip` entries of its own. */
  extraHosts: string[];
}

export interface StackContract {
  manifest: ManifestFile;
  alsoRead: ManifestFile[];
  /** compose's project name, when the file gives one. */
  project: string | null;
  /** Active services, dependencies first (compose's start order; the file's order among equals). */
  services: StackServiceContract[];
  /** The service the probes target (`--service`, else the one with published ports, else the only one built here). */
  main: string;
  /** The main service as one contract, when it is built from the repository (its checks, notes and findings). */
  mainContract?: DeploymentContract;
  /** The project's named volumes the services mount (top-level keys). */
  volumes: string[];
  /** Repository paths the stack reads besides its compose files: build contexts, Dockerfiles, mounted paths. */
  paths: string[];
  unsupported: Unsupported[];
  notes: string[];
}

export interface StackInput {
  project: ComposeProject;
  manifest: ManifestFile;
  alsoRead: ManifestFile[];
  /** `--service`: the service the probes target. */
  service?: string;
  /** `--build-service`: image-only services built from the commit, with their Dockerfiles (repository paths). */
  buildServices?: Readonly<Record<string, string>>;
}

export type StackResult = { ok: true; stack: StackContract } | { ok: false; problem: ManifestProblem };

export function composeStackResult(input: StackInput): StackResult {
  try {
    return { ok: true, stack: stackOf(input) };
  } catch (error) {
    if (error instanceof ManifestProblem) return { ok: false, problem: error };
    throw error;
  }
}

function stackOf(input: StackInput): StackContract {
  const { project, manifest } = input;
  const builds = input.buildServices ?? {};
  for (const name of Object.keys(builds)) {
    if (!project.services[name]) {
      const known = Object.keys(project.services);
      throw new ManifestProblem(
        'no-service',
        [],
        `--build-service ${name}: ${manifest.path} has no service '${name}' (it has ${known.join(', ')})`,
        {
          services: known,
        },
      );
    }
  }
  const ordered = startOrder(project);
  const oneShots = new Set(
    ordered.flatMap((s) =>
      Object.entries(s.dependsOn).flatMap(([dep, d]) => (d.condition === 'service_completed_successfully' ? [dep] : [])),
    ),
  );
  const services = ordered.map((s) => serviceOf(s, builds[s.name], oneShots.has(s.name), project));
  const main = mainService(services, input.service, manifest.path);
  const probed = services.find((s) => s.name === main)!;
  const mainContract = probed.image.kind === 'build' && probed.image.from === 'build' ? mainContractOf(input, main) : undefined;
  const volumes = [...new Set(services.flatMap((s) => s.mounts.flatMap((m) => (m.kind === 'volume' ? [m.volume] : []))))];
  const paths = services.flatMap((s) => [
    ...(s.image.kind === 'build' ? [s.image.build.context, s.image.build.dockerfile] : []),
    ...s.mounts.flatMap((m) => (m.kind === 'tree' ? [m.path] : [])),
  ]);
  return {
    manifest,
    alsoRead: input.alsoRead,
    project: project.name,
    services,
    main,
    ...(mainContract ? { mainContract } : {}),
    volumes,
    // The repository root ('') as a pathspec is '.': every commit may change a context that is the root.
    paths: [...new Set(paths.map((p) => (p === '' ? '.' : p)))],
    unsupported: stackUnsupported(project),
    notes: mainContract?.notes ?? [],
  };
}

/** The main service's own contract (its build, checks and notes), with the stack's unsupported keys. */
function mainContractOf(input: StackInput, main: string): DeploymentContract | undefined {
  const result = composeServiceResult({ project: input.project, manifest: input.manifest, alsoRead: input.alsoRead, service: main });
  return result.ok ? { ...result.contract, unsupported: stackUnsupported(input.project) } : undefined;
}

/** Dependencies first; among services free to start, the file's order. */
export function startOrder(project: ComposeProject): ComposeService[] {
  const all = Object.values(project.services);
  const done = new Set<string>();
  const order: ComposeService[] = [];
  while (order.length < all.length) {
    const next = all.find((s) => !done.has(s.name) && Object.keys(s.dependsOn).every((d) => done.has(d) || !project.services[d]));
    // The loader refuses cycles; a leftover (never expected) keeps the file's order.
    const service = next ?? all.find((s) => !done.has(s.name))!;
    done.add(service.name);
    order.push(service);
  }
  return order;
}

function serviceOf(
  service: ComposeService,
  buildService: string | undefined,
  oneShot: boolean,
  project: ComposeProject,
): StackServiceContract {
  const port = portOf(service);
  return {
    name: service.name,
    image: imageOf(service, buildService),
    run: runOf(service),
    env: envOf(service),
    ...(port ? { port } : {}),
    health: healthOf(service.healthcheck, port),
    healthcheck: service.healthcheck,
    ports: declaredPorts(service),
    dependsOn: Object.entries(service.dependsOn)
      .filter(([name]) => project.services[name] !== undefined)
      .map(([name, d]) => ({ service: name, condition: d.condition, required: d.required })),
    mounts: service.volumes.flatMap(mountOf),
    restart: service.restart,
    oneShot,
    names: namesOf(service, project),
    ...(service.hostname !== null ? { hostname: service.hostname } : {}),
    extraHosts: [...service.extraHosts],
  };
}

function imageOf(service: ComposeService, buildService: string | undefined): StackServiceContract['image'] {
  if (buildService !== undefined) {
    const build: BuildSpec = {
      context: '',
      dockerfile: buildService,
      args: [],
      secrets: [],
      from: { dockerfile: '--build-service', context: '--build-service (the repository root)' },
    };
    return { kind: 'build', build, from: '--build-service' };
  }
  if (buildsHere(service) === true) {
    const b = service.build!;
    const context = (b.context as { path: string }).path;
    const build: BuildSpec = {
      context,
      dockerfile: (b.dockerfilePath as { path: string } | null)?.path ?? (context === '' ? 'Dockerfile' : `${context}/Dockerfile`),
      ...(b.target !== null ? { target: b.target } : {}),
      args: Object.entries(b.args).map(([key, value]) => (value === null ? { key } : { key, value })),
      secrets: b.secrets.map((s) => s.target),
      from: { dockerfile: b.dockerfile !== null ? 'build.dockerfile' : 'default Dockerfile', context: 'build.context' },
    };
    return { kind: 'build', build, from: 'build' };
  }
  if (service.image === null) {
    throw new ManifestProblem('not-docker', ['services', service.name], `service '${service.name}' ${String(buildsHere(service))}`);
  }
  return { kind: 'image', ref: service.image };
}

function declaredPorts(service: ComposeService): number[] {
  const published = service.ports.filter((p) => p.protocol === 'tcp').map((p) => p.target);
  const exposed = service.expose.flatMap((e) => {
    const match = /^(\d+)(?:-\d+)?(?:\/tcp)?$/.exec(e);
    return match ? [Number(match[1])] : [];
  });
  return [...new Set([...published, ...exposed])];
}

function mountOf(volume: VolumeMount): StackMount[] {
  if (volume.type === 'tmpfs') return [{ kind: 'tmpfs', target: volume.target }];
  if (volume.type === 'volume') {
    return volume.source === null
      ? [{ kind: 'anonymous', target: volume.target, readOnly: volume.readOnly }]
      : [{ kind: 'volume', volume: volume.source, target: volume.target, readOnly: volume.readOnly }];
  }
  if (volume.type === 'bind' && volume.source.kind === 'repository') {
    return [{ kind: 'tree', path: volume.source.path, target: volume.target, readOnly: volume.readOnly }];
  }
  // A host path, a pipe or a cluster volume: named in the unsupported keys, not mounted.
  return [];
}

/** Its own name, the aliases of its networks, the aliases links give it, container_name and hostname. */
function namesOf(service: ComposeService, project: ComposeProject): string[] {
  const names = [service.name, ...Object.values(service.networks).flatMap((n) => n.aliases)];
  for (const other of Object.values(project.services)) {
    for (const link of other.links) {
      const [target, alias] = link.split(':');
      if (target === service.name && alias) names.push(alias);
    }
  }
  if (service.containerName !== null) names.push(service.containerName);
  if (service.hostname !== null) names.push(service.hostname);
  return [...new Set(names)];
}

/** `--service`, else the only service with published ports, else the only one built here. */
function mainService(services: readonly StackServiceContract[], wanted: string | undefined, manifest: string): string {
  const names = services.map((s) => s.name);
  if (wanted !== undefined) {
    if (names.includes(wanted)) return wanted;
    throw new ManifestProblem('no-service', [], `${manifest} has no service '${wanted}': it has ${names.join(', ')}`, { services: names });
  }
  const published = services.filter((s) => s.port?.from === 'ports');
  if (published.length === 1) return published[0]!.name;
  const built = services.filter((s) => s.image.kind === 'build');
  const builtPublished = built.filter((s) => published.includes(s));
  if (builtPublished.length === 1) return builtPublished[0]!.name;
  if (built.length === 1) return built[0]!.name;
  const listed = (published.length > 0 ? published : built.length > 0 ? built : services).map((s) => s.name);
  throw new ManifestProblem(
    'service-needed',
    [],
    `${manifest}: which service do the probes target? ${listed.join(', ')} could be: name one with --service`,
    { services: listed },
  );
}
