/** How each commit is deployed: as the platform its manifest names does, or as the options alone say. */
import { UsageError } from '../errors.js';
import { choice } from './parse-values.js';
import { optional, valued } from './row.js';

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
] as const;
