/** How each commit's container runs. */
import { parseMemory } from '../docker/memory-size.js';
import type { NetworkMode } from '../docker/run-container.js';
import { UsageError } from '../errors.js';
import { EVALUATING } from './commands.js';
import { choice, parseKeyValues, parseSecretEnv, readEnvFile } from './parse-values.js';
import { optional, repeatable, valued } from './row.js';

export const NETWORK_MODES = ['bridge', 'host', 'none'] as const;

export const CONTAINER_ROWS = [
  valued(
    {
      key: 'network',
      flags: '--network <mode>',
      description: 'container network: bridge, host or none',
      help: 'container network: bridge publishes the probed ports on 127.0.0.1 at ephemeral ports and rewrites probe URLs to them; host; none',
      common: true,
      default: 'bridge',
      kind: 'choice',
      choices: NETWORK_MODES,
      commands: [...EVALUATING, 'doctor'],
    },
    (text): NetworkMode => choice(text, NETWORK_MODES, '--network'),
  ),
  repeatable(
    {
      key: 'env',
      flags: '-e, --env <KEY=VALUE>',
      description: 'container environment variable (repeatable)',
      common: true,
      commands: EVALUATING,
    },
    (values) => parseKeyValues(values, '--env'),
  ),
  repeatable(
    {
      key: 'envFile',
      flags: '--env-file <path>',
      description: 'container environment from a KEY=VALUE file',
      help: 'read container environment variables from a file of KEY=VALUE lines, as docker run --env-file (repeatable)',
      common: true,
      commands: EVALUATING,
      userPath: true,
    },
    // Later files win, as with docker run.
    (paths): Record<string, string> => Object.assign({}, ...paths.map(readEnvFile)) as Record<string, string>,
  ),
  repeatable(
    {
      key: 'secretEnv',
      flags: '--secret-env <KEY>',
      description: 'pass KEY from your environment, masked as ***',
      help: 'pass KEY from your environment to the container; its value is masked as *** in logs, reports and JSON (repeatable)',
      common: true,
      commands: EVALUATING,
    },
    parseSecretEnv,
  ),
  valued(
    {
      key: 'memory',
      flags: '--memory <bytes>',
      description: 'memory limit per container, e.g. 512m',
      help: 'memory limit per container (swap not allowed beyond it), e.g. 512m, 2g',
      default: '1g',
      commands: EVALUATING,
    },
    parseMemory,
  ),
  optional(
    { key: 'cpus', flags: '--cpus <number>', description: 'CPU limit per container, e.g. 0.5', kind: 'number', commands: EVALUATING },
    (text) => {
      const cpus = Number(text);
      if (!Number.isFinite(cpus) || cpus <= 0) throw new UsageError(`invalid --cpus '${text}': use a number above 0, e.g. 0.5`);
      return cpus;
    },
  ),
  valued(
    {
      key: 'pidsLimit',
      flags: '--pids-limit <number>',
      description: 'process limit per container (0 = none)',
      default: '512',
      kind: 'number',
      commands: EVALUATING,
    },
    (text) => {
      if (!/^\d+$/.test(text)) throw new UsageError(`invalid --pids-limit '${text}': use a whole number (0 = no limit)`);
      return Number(text);
    },
  ),
  optional(
    {
      key: 'imagePlatform',
      flags: '--image-platform <os/arch>',
      description: 'os/arch to build and run, e.g. linux/amd64',
      help: "the image's platform to build and run, e.g. linux/amd64 (docker build --platform)",
      commands: EVALUATING,
    },
    (text) => text,
  ),
] as const;
