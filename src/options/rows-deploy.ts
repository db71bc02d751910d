/** How each commit is deployed: as the platform its manifest names does, or as the options alone say. */
import { UsageError } from '../errors.js';
import { choice } from './parse-values.js';
import { optional, repeatable, valued } from './row.js';

export const PLATFORM_CHOICES = [
  'auto',
  'render',
  'fly',
  'kubernetes',
  'railway',
  'heroku',
  'digitalocean',
  'cloudrun',
  'compose',
  'none',
] as const;
export type PlatformChoice = (typeof PLATFORM_CHOICES)[number];

/** The commands that read a deployment's manifest. */
const DEPLOYING = ['run', 'test', 'explain', 'doctor', 'init'] as const;

export const DEPLOY_ROWS = [
  valued(
    {
      key: 'platform',
      flags: '--platform <name>',
      description: 'deploy as this platform would: auto, none, render, …',
      help: "deploy each commit as the platform would, from its manifest at that commit: auto (the manifest found in the bad commit's tree: render.yaml, fly.toml, skaffold.yaml or Kubernetes manifests, railway.toml/json, heroku.yml, .do/app.yaml, a Cloud Run service.yaml, then a compose file with a service built from the repository), one platform by name, or none (the options alone, no manifest). Options given on the command line win over the manifest; docs/platforms.md says what is read from each",
      default: 'auto',
      kind: 'choice',
      choices: PLATFORM_CHOICES,
      common: true,
      commands: DEPLOYING,
    },
    (text): PlatformChoice => {
      if (text.includes('/')) {
        throw new UsageError(
          `--platform ${text}: --platform names the deployment platform (${PLATFORM_CHOICES.join(', ')}); the image's os/arch is --image-platform ${text}`,
        );
      }
      return choice(text, PLATFORM_CHOICES, '--platform');
    },
  ),
  optional(
    {
      key: 'manifest',
      flags: '--manifest <path>',
      description: 'the manifest to deploy by, where detection does not look',
      help: 'the platform manifest to deploy by, as a path in the repository (e.g. infra/render.yaml), where detection does not look; with --platform when its name does not say which platform it is for',
      commands: DEPLOYING,
    },
    (text) => text.replace(/^\.\//, ''),
  ),
  optional(
    {
      key: 'service',
      flags: '--service <name>',
      description: 'the service of a manifest that has several',
      help: 'the service to deploy, where the manifest has several (Render services, Fly process groups, Kubernetes workloads or containers, app spec services, compose services); without it a manifest with several says which there are',
      commands: DEPLOYING,
    },
    (text) => text,
  ),
  repeatable(
    {
      key: 'composeFile',
      flags: '--compose-file <path>',
      description: 'compose file of the stack, merged in order (repeatable)',
      help: "a compose file to deploy by, as a path in the repository (e.g. doc/docker-compose.yml); repeatable: the files are merged in order, as compose's own -f merges them, and the first one's directory is the project directory. Without it, compose's own file names (compose.yaml, docker-compose.yml, … and their override files) are looked for. Implies --platform compose; docs/stacks.md says what is read",
      commands: DEPLOYING,
    },
    (values) => values.map((path) => path.replace(/^\.\//, '')),
  ),
  repeatable(
    {
      key: 'profile',
      flags: '--profile <name>',
      description: 'compose profile to enable (repeatable)',
      help: "a compose profile to enable, as `docker compose --profile` takes it (repeatable; `*` enables every profile): services whose profiles are not enabled are not started. Without it, COMPOSE_PROFILES from the project's .env decides",
      commands: DEPLOYING,
    },
    (values) => values,
  ),
  repeatable(
    {
      key: 'buildService',
      flags: '--build-service <name[=file]>',
      description: "build a compose service's image from the commit",
      help: "a compose service that runs a published image (`image:` only) but is this repository's own: its image is built from each commit instead, from DOCKERFILE (a path in the repository, default Dockerfile) with the repository root as the context (repeatable)",
      commands: ['run', 'test'],
    },
    parseBuildServices,
  ),
] as const;

/** `--build-service web` or `--build-service web=docker/web.Dockerfile` → service name → Dockerfile (repository path). */
function parseBuildServices(values: readonly string[]): Readonly<Record<string, string>> {
  const services: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = eq === -1 ? value : value.slice(0, eq);
    const dockerfile = eq === -1 ? 'Dockerfile' : value.slice(eq + 1).replace(/^\.\//, '');
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) || dockerfile === '') {
      throw new UsageError(`--build-service ${value}: expected a compose service name, optionally =DOCKERFILE (a path in the repository)`);
    }
    services[name] = dockerfile;
  }
  return services;
}
