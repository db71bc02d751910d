/**
 * A commit's deployment from its compose stack: every service as compose would start it, the options
 * given on the command line winning for the main service (the one the probes target): its context,
 * build arguments, target, environment, probes and timeout. Pure: generated values come from the caller.
 */
import { createHash } from 'node:crypto';

import type { EnvEntry } from '../../contract/contract.js';
import { checkText } from '../../contract/describe.js';
import type { StackContract, StackServiceContract } from '../../contract/platforms/compose-stack.js';
import type { NetworkMode } from '../../docker/run-container.js';
import { containerEnvironment } from '../../options/derived.js';
import { buildArgs, contextOf, contractDeployment, environment, runOverrides, type DeploySettings } from './contract-deployment.js';
import type { Deployment } from './deployment.js';
import { healthProbes } from './health-probes.js';
import type { StackServiceSpec } from './stack-spec.js';

export function stackDeployment(stack: StackContract, s: DeploySettings, generated: (key: string) => string): Deployment {
  const main = stack.services.find((svc) => svc.name === stack.main)!;
  const base = stack.mainContract ? contractDeployment(stack.mainContract, s, generated) : imageMain(stack, main, s, generated);
  const services = stack.services.map((svc): StackServiceSpec => {
    if (svc.name !== main.name) return serviceSpec(svc, generated);
    const image: StackServiceSpec['image'] =
      main.image.kind === 'build' ? { kind: 'build', context: base.context, build: base.build } : main.image;
    return { ...serviceSpec(svc, generated), image, env: base.run.env, ...(base.run.overrides ? { overrides: base.run.overrides } : {}) };
  });
  const watch = [stack.manifest.path, ...stack.alsoRead.map((f) => f.path), ...stack.paths];
  const notUsed = stack.unsupported.map((u) => `${u.key} (${u.reason})`);
  return {
    ...base,
    key: stackKey(stack, services),
    contract: {
      platform: 'compose',
      manifest: stack.manifest,
      service: main.name,
      line: stackLine(stack, s.network as NetworkMode),
      ...(main.port ? { port: main.port.number } : {}),
      health: main.health.map(checkText),
      env: main.env.map((e) => e.key),
      stack: stack.services.map((svc) => svc.name),
    },
    stack: { manifest: stack.manifest.path, services, main: main.name, volumes: stack.volumes, watch: [...new Set(watch)] },
    notes: [...base.notes, ...(notUsed.length > 0 ? [`read but not acted on: ${notUsed.join('; ')}`] : [])],
  };
}

/** A main service that runs an image: its probes from its checks, the options' variables over its own. */
function imageMain(stack: StackContract, main: StackServiceContract, s: DeploySettings, generated: (key: string) => string): Deployment {
  const given = (key: string) => s.given[key] !== undefined;
  const checks = healthProbes(main.health, s.network as NetworkMode);
  const built = stack.services.find((svc) => svc.image.kind === 'build');
  const overrides = runOverrides(main.run);
  return {
    context: built?.image.kind === 'build' ? contextOf(built.image.build) : { contextDir: '.', dockerfile: 'Dockerfile' },
    build: { buildArg: s.buildArg, ...(s.target !== undefined ? { target: s.target } : {}) },
    run: {
      env: environment(main.env, generated, containerEnvironment(s)),
      probes: given('probe') ? s.probe : checks.probes,
      timeoutMs: s.timeout,
      ...(overrides ? { overrides } : {}),
    },
    key: '',
    notes: checks.notes,
  };
}

function serviceSpec(svc: StackServiceContract, generated: (key: string) => string): StackServiceSpec {
  const overrides = runOverrides(svc.run);
  const image: StackServiceSpec['image'] =
    svc.image.kind === 'build'
      ? {
          kind: 'build',
          context: contextOf(svc.image.build),
          build: { buildArg: buildArgs(svc.image.build), ...(svc.image.build.target ? { target: svc.image.build.target } : {}) },
        }
      : svc.image;
  return {
    name: svc.name,
    image,
    env: environment(svc.env, generated, []),
    ...(overrides ? { overrides } : {}),
    ports: svc.ports,
    healthcheck: svc.healthcheck,
    dependsOn: svc.dependsOn,
    mounts: svc.mounts,
    restart: svc.restart,
    oneShot: svc.oneShot,
    names: svc.names,
    ...(svc.hostname !== undefined ? { hostname: svc.hostname } : {}),
    extraHosts: svc.extraHosts,
  };
}

/** A secret's value never enters the key: its digest does, so a change of it still tells. */
function envKey(entries: readonly EnvEntry[]): string[] {
  return entries.map((e) => {
    if (e.kind !== 'literal' && e.kind !== 'platform') return `${e.key} (${e.kind})`;
    const value = e.value ?? '';
    return `${e.key}=${e.secret ? `sha256:${createHash('sha256').update(value).digest('hex')}` : value}`;
  });
}

/**
 * What identifies the stack's deployment: every service's image, start, environment (secrets by digest,
 * generated values by name), checks, dependencies, mounts and names; not where it was written.
 */
function stackKey(stack: StackContract, services: readonly StackServiceSpec[]): string {
  return JSON.stringify({
    platform: 'compose-stack',
    main: stack.main,
    volumes: stack.volumes,
    services: services.map((svc) => {
      const source = stack.services.find((c) => c.name === svc.name)!;
      const { env: _env, ...rest } = svc;
      return { ...rest, env: envKey(source.env), probes: source.name === stack.main ? source.health.map(checkText) : [] };
    }),
  });
}

/** `deploying as docker compose up --wait would: web (built here; probed: TCP 8080), db (postgres:16, healthcheck), from compose.yaml`. */
export function stackLine(stack: StackContract, network: NetworkMode): string {
  const parts = stack.services.map((svc) => {
    const what = [svc.image.kind === 'build' ? 'built here' : svc.image.ref];
    if (svc.oneShot) what.push('one-shot');
    else if (svc.healthcheck?.kind === 'check') what.push('healthcheck');
    if (svc.name === stack.main) what.push(`probed${svc.health.length > 0 ? `: ${svc.health.map(checkText).join(' and ')}` : ''}`);
    return `${svc.name} (${what.join(', ')})`;
  });
  const host =
    network === 'host'
      ? '; on the host network every service listens on 127.0.0.1 and its name resolves there: services must listen on distinct ports'
      : '';
  return `deploying as docker compose up --wait would: ${parts.join(', ')}, from ${stack.manifest.path}${host}`;
}
