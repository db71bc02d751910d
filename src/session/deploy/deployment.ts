/**
 * How one commit is built and run: as the options alone say (no manifest), or as the platform its
 * manifest names would deploy it, the options given on the command line winning over the manifest.
 * Every stage of an evaluation takes its commit's Deployment instead of working it out again.
 */
import { createHash } from 'node:crypto';

import type { DeploymentContract } from '../../contract/contract.js';
import type { ContainerOverrides } from '../../docker/run-container.js';
import { containerEnvironment } from '../../options/derived.js';
import type { Settings } from '../../options/settings.js';
import type { Probe } from '../../probes/probe.js';
import type { StackSpec } from './stack-spec.js';

/** How a commit's container runs. */
export interface ContainerSpec {
  /** `KEY=VALUE`, each key once. */
  env: string[];
  /** The probes asked for; none: the plan from the image (its HEALTHCHECK, else running plus GET /). */
  probes: readonly Probe[];
  /** How long the probes of one commit may take. */
  timeoutMs: number;
  /** What the platform starts instead of the image's own ENTRYPOINT/CMD (and its WORKDIR, USER). */
  overrides?: ContainerOverrides;
  /** A command the platform runs in the new image before the health phase: a non-zero exit fails the deployment. */
  preDeploy?: { overrides: ContainerOverrides; timeoutMs: number; what: string };
}

/** The contract a commit was deployed by, as the output shows it: never a value of a secret or generated variable. */
export interface ContractSummary {
  platform: string;
  manifest: { path: string; blob: string };
  service: string;
  /** `deploying as Render would: PORT=10000, GET /healthz on 10000 (2xx/3xx, 5.0s), from render.yaml`. */
  line: string;
  port?: number;
  /** Each health check in words (`GET /health on 10000 (2xx/3xx, 5.0s)`). */
  health: string[];
  /** The variables the platform sets, by key (values of secret and generated ones never shown). */
  env: string[];
  preDeploy?: string;
  /** A compose stack: the services started, dependencies first (the probes target `service`). */
  stack?: string[];
}

export interface Deployment {
  /** The build context: its directory (from the repository root) and Dockerfile (relative to it, or absolute outside the repository). */
  context: { contextDir: string; dockerfile: string };
  build: { buildArg: Readonly<Record<string, string>>; target?: string };
  run: ContainerSpec;
  /** What identifies the manifest's part of the deployment (an outcome is remembered by it and the context's fingerprint); '' without one. */
  key: string;
  contract?: ContractSummary;
  /** The whole contract, for what changed between two commits' deployments (never printed as it is). */
  source?: DeploymentContract;
  /** Why the platform would not deploy this commit at all (its manifest does not parse): the verdict, without a build. */
  refused?: { signature: string; evidence: string[] };
  /** Facts worth a line (a check that cannot run on this network, a manifest missing at this commit). */
  notes: string[];
  /**
   * A compose stack: every service started as `docker compose up --wait` would, the probes (`run`) then
   * against its main service. `context`, `build` and `run` are the main service's (its context: the first
   * service built here, when the main one runs an image).
   */
  stack?: StackSpec;
}

/**
 * What an outcome is remembered by: the build context's fingerprint, and the manifest's part of the
 * deployment where there is one (without a manifest, the context's fingerprint alone, as always).
 */
export function deploymentFingerprint(contextFingerprint: string, deployment: Pick<Deployment, 'key'>): string {
  if (deployment.key === '') return contextFingerprint;
  return createHash('sha256').update(`${contextFingerprint}\n${deployment.key}`).digest('hex');
}

/** The deployment the options alone describe: how every commit is deployed without a manifest. */
export function plainDeployment(
  s: Pick<Settings, 'context' | 'file' | 'buildArg' | 'target' | 'env' | 'envFile' | 'secretEnv' | 'probe' | 'timeout'>,
): Deployment {
  return {
    context: { contextDir: s.context, dockerfile: s.file },
    build: { buildArg: s.buildArg, ...(s.target !== undefined ? { target: s.target } : {}) },
    run: { env: containerEnvironment(s), probes: s.probe, timeoutMs: s.timeout },
    key: '',
    notes: [],
  };
}
