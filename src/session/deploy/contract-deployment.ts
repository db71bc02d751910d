/**
 * A commit's deployment from its platform contract: what the manifest says, with the options given on
 * the command line winning (the context and Dockerfile, the target, each build argument and variable,
 * the probes, the timeout). Pure: the values of generated variables come from the caller, made once
 * per run and never shown.
 */
import { posix } from 'node:path';

import type { BuildSpec, CommandLine, DeploymentContract, EnvEntry, RunSpec } from '../../contract/contract.js';
import { checkText, describeContract } from '../../contract/describe.js';
import type { ContainerOverrides, NetworkMode } from '../../docker/run-container.js';
import { containerEnvironment } from '../../options/derived.js';
import type { Settings } from '../../options/settings.js';
import type { ContractSummary, Deployment } from './deployment.js';
import { commandWords, healthProbes } from './health-probes.js';

export type DeploySettings = Pick<
  Settings,
  'context' | 'file' | 'buildArg' | 'target' | 'env' | 'envFile' | 'secretEnv' | 'probe' | 'timeout' | 'network' | 'given'
>;

export function contractDeployment(contract: DeploymentContract, s: DeploySettings, generated: (key: string) => string): Deployment {
  const given = (key: string) => s.given[key] !== undefined;
  const checks = healthProbes(contract.health, s.network as NetworkMode);
  const deadlines = contract.health.flatMap((c) => (c.deadlineMs !== undefined ? [c.deadlineMs] : []));
  const overrides = runOverrides(contract.run);
  return {
    context: given('context') || given('file') ? { contextDir: s.context, dockerfile: s.file } : contextOf(contract.build),
    build: {
      buildArg: { ...buildArgs(contract.build), ...s.buildArg },
      ...(given('target') || !contract.build.target
        ? s.target !== undefined
          ? { target: s.target }
          : {}
        : { target: contract.build.target }),
    },
    run: {
      env: environment(contract.env, generated, containerEnvironment(s)),
      probes: given('probe') ? s.probe : checks.probes,
      timeoutMs: given('timeout') ? s.timeout : Math.min(s.timeout, ...deadlines),
      ...(overrides ? { overrides } : {}),
      ...(contract.preDeploy ? { preDeploy: preDeployOf(contract.preDeploy, s.timeout) } : {}),
    },
    key: deploymentKey(contract),
    contract: summary(contract),
    source: contract,
    notes: [...unresolvedNotes(contract, s), ...checks.notes],
  };
}

/** The variables whose values live outside the repository and were not given: how to pass each (never guessed). */
function unresolvedNotes(contract: DeploymentContract, s: DeploySettings): string[] {
  const given = new Set(Object.keys({ ...s.envFile, ...s.env, ...s.secretEnv }));
  return contract.env
    .filter((e) => e.kind === 'unresolved' && !given.has(e.key))
    .map(
      (e) =>
        `${e.key} is not in ${contract.manifest.path} (${e.unresolved?.reason ?? 'set elsewhere'}): pass it with ${e.unresolved?.supply ?? `--env ${e.key}=…`}, or it stays unset`,
    );
}

/** The context and the Dockerfile relative to it, as the build API takes them. */
export function contextOf(build: BuildSpec): Deployment['context'] {
  const contextDir = build.context === '' ? '.' : build.context;
  const dockerfile = build.context === '' ? build.dockerfile : posix.relative(build.context, build.dockerfile);
  return { contextDir, dockerfile };
}

/** Build arguments the manifest gives; one without a value takes the environment's (as compose does), or is left out. */
export function buildArgs(build: BuildSpec): Record<string, string> {
  const args: Record<string, string> = {};
  for (const { key, value } of build.args) {
    const resolved = value ?? process.env[key];
    if (resolved !== undefined) args[key] = resolved;
  }
  return args;
}

/** The platform's variables (literal, platform-set, generated), then the options' (which win); each key once. */
export function environment(entries: readonly EnvEntry[], generated: (key: string) => string, given: readonly string[]): string[] {
  const env = new Map<string, string>();
  for (const entry of entries) {
    if (entry.kind === 'literal' || entry.kind === 'platform') env.set(entry.key, entry.value ?? '');
    else if (entry.kind === 'generated') env.set(entry.key, generated(entry.key));
  }
  for (const pair of given) {
    const eq = pair.indexOf('=');
    env.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return [...env].map(([key, value]) => `${key}=${value}`);
}

export function runOverrides(run: RunSpec): ContainerOverrides | undefined {
  const { entrypoint, cmd, workingDir, user } = run;
  const overrides: ContainerOverrides = {
    ...(entrypoint ? { entrypoint: commandWords(entrypoint) } : {}),
    ...(cmd === 'clear' ? { cmd: [] } : cmd ? { cmd: commandWords(cmd) } : {}),
    ...(workingDir ? { workingDir } : {}),
    ...(user ? { user } : {}),
  };
  return Object.keys(overrides).length > 0 ? overrides : undefined;
}

function preDeployOf(pre: NonNullable<DeploymentContract['preDeploy']>, timeoutMs: number): NonNullable<Deployment['run']['preDeploy']> {
  const words = commandWords(pre.command);
  const overrides: ContainerOverrides = pre.replaces === 'entrypoint' ? { entrypoint: words, cmd: [] } : { cmd: words };
  return { overrides, timeoutMs: pre.timeoutMs ?? timeoutMs, what: `${pre.from}: ${commandText(pre.command)}` };
}

function commandText(command: CommandLine): string {
  return command.form === 'exec' ? JSON.stringify(command.argv) : command.form === 'shell' ? command.script : command.text;
}

/**
 * What identifies the manifest's part of a deployment: everything that decides it, not where it was
 * written (the keys' places, the manifest's blob) and never a secret's or generated variable's value.
 */
export function deploymentKey(contract: DeploymentContract): string {
  const { from: _buildFrom, ...build } = contract.build;
  const { from: _runFrom, ...run } = contract.run;
  return JSON.stringify({
    platform: contract.platform,
    service: contract.service,
    build,
    run,
    env: contract.env.map((e) => (e.kind === 'literal' || e.kind === 'platform' ? `${e.key}=${e.value ?? ''}` : `${e.key} (${e.kind})`)),
    port: contract.port?.number ?? null,
    health: contract.health.map(({ from: _from, ...check }) => check),
    preDeploy: contract.preDeploy ? { command: contract.preDeploy.command, replaces: contract.preDeploy.replaces } : null,
  });
}

function summary(contract: DeploymentContract): ContractSummary {
  return {
    platform: contract.platform,
    manifest: contract.manifest,
    service: contract.service,
    line: describeContract(contract),
    ...(contract.port ? { port: contract.port.number } : {}),
    health: contract.health.map(checkText),
    env: contract.env.map((e) => e.key),
    ...(contract.preDeploy ? { preDeploy: commandText(contract.preDeploy.command) } : {}),
  };
}
