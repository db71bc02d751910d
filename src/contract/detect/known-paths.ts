/**
 * Where each platform's manifest lives, and how to tell a manifest by its name or its first lines.
 * Pure: the git side (detect-manifests.ts) lists a few directories and hands the names and texts here.
 */
import { parseAllDocuments } from 'yaml';

import type { Platform } from '../contract.js';

/** At the repository root, by exact name. A `sniff` name is only a manifest when its text says so. */
export const ROOT_MANIFESTS: readonly { name: string; platform: Platform; sniff?: boolean }[] = [
  { name: 'render.yaml', platform: 'render' },
  { name: 'fly.toml', platform: 'fly' },
  { name: 'railway.toml', platform: 'railway' },
  { name: 'railway.json', platform: 'railway' },
  { name: 'heroku.yml', platform: 'heroku' },
  { name: 'spec.yaml', platform: 'digitalocean', sniff: true },
  { name: 'service.yaml', platform: 'cloudrun', sniff: true },
  { name: 'service.yml', platform: 'cloudrun', sniff: true },
  { name: 'skaffold.yaml', platform: 'kubernetes' },
  { name: 'skaffold.yml', platform: 'kubernetes' },
  // Compose's own order of file names (compose-go cli/options.go DefaultFileNames).
  { name: 'compose.yaml', platform: 'compose' },
  { name: 'compose.yml', platform: 'compose' },
  { name: 'docker-compose.yml', platform: 'compose' },
  { name: 'docker-compose.yaml', platform: 'compose' },
];

/** DigitalOcean app specs under `.do/` (app_action's default, the Deploy to DigitalOcean button's template). */
export const DO_SPECS = ['.do/app.yaml', '.do/app.yml', '.do/deploy.template.yaml'];

/** Where Kubernetes manifests usually are when no skaffold.yaml says. */
export const K8S_DIRS = ['k8s', 'kubernetes', 'deploy', 'manifests', 'kubernetes-manifests'];

/**
 * The documented order when several are found: the single-service platforms first (their manifest exists
 * only to deploy this repository), then Kubernetes (often for another environment), then compose (often
 * for local development): a platform manifest before a compose file.
 */
export const PLATFORM_ORDER: readonly Platform[] = [
  'render',
  'fly',
  'railway',
  'heroku',
  'digitalocean',
  'cloudrun',
  'kubernetes',
  'compose',
];

/** The platform a file's name says (for `--manifest <path>`), or undefined when only its text can tell. */
export function platformByName(path: string): Platform | undefined {
  const name = path.split('/').pop() ?? path;
  if (/^render.*\.ya?ml$/.test(name)) return 'render';
  if (/^fly.*\.toml$/.test(name)) return 'fly';
  if (/^railway.*\.(json|toml)$/.test(name)) return 'railway';
  if (/^heroku.*\.ya?ml$/.test(name)) return 'heroku';
  if (/^skaffold.*\.ya?ml$/.test(name)) return 'kubernetes';
  if (/^(docker-)?compose.*\.ya?ml$/.test(name)) return 'compose';
  if (path.startsWith('.do/')) return 'digitalocean';
  return undefined;
}

/** What a YAML text is, by its documents: a Knative service, Kubernetes workloads, an app spec; undefined otherwise. */
export function platformByText(text: string): Platform | undefined {
  const docs = yamlValues(text);
  if (docs.some((d) => d.kind === 'Service' && typeof d.apiVersion === 'string' && d.apiVersion.startsWith('serving.knative.dev/')))
    return 'cloudrun';
  if (docs.some((d) => typeof d.kind === 'string' && ['Deployment', 'StatefulSet', 'Pod'].includes(d.kind))) return 'kubernetes';
  if (docs.some(isAppSpec)) return 'digitalocean';
  return undefined;
}

/** Whether a compose file has a service built from the repository (`build:`), judged from its text. */
export function composeBuildsHere(text: string): boolean {
  const [doc] = yamlValues(text);
  const services = doc?.services;
  if (typeof services !== 'object' || services === null) return false;
  return Object.values(services as Record<string, unknown>).some((s) => typeof s === 'object' && s !== null && 'build' in s);
}

function isAppSpec(doc: Record<string, unknown>): boolean {
  const spec = typeof doc.spec === 'object' && doc.spec !== null ? (doc.spec as Record<string, unknown>) : doc;
  const components = [spec.services, spec.workers, spec.jobs].filter(Array.isArray).flat() as unknown[];
  return components.some(
    (c) =>
      typeof c === 'object' &&
      c !== null &&
      ['dockerfile_path', 'source_dir', 'http_port', 'run_command', 'github', 'instance_size_slug'].some((k) => k in c),
  );
}

/** Every document of a YAML text as plain values; a text that does not parse has none (it is not sniffed as a manifest). */
function yamlValues(text: string): Record<string, unknown>[] {
  if (/\{\{/.test(text)) return []; // a Helm or other template: not a manifest as it stands
  try {
    return parseAllDocuments(text, { merge: true })
      .filter((d) => !('errors' in d) || d.errors.length === 0)
      .map((d) => d.toJS() as unknown)
      .filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v));
  } catch {
    return [];
  }
}
