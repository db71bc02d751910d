/**
 * Which manifest a run deploys by, from what was found in the bad commit's tree and what the user asked
 * (`--platform`, `--manifest`): pure. `auto` takes the first found in PLATFORM_ORDER; a compose file only
 * when one of its services builds from the repository (an image-only compose file usually shows how to run
 * the published image, and is used only when named), or when the bad commit has no Dockerfile to build
 * otherwise (then the stack of published images is all there is to deploy). `none` is deploybisect
 * without a manifest.
 */
import { UsageError } from '../../errors.js';
import type { Platform } from '../contract.js';
import { PLATFORM_ORDER } from './known-paths.js';

export type PlatformRequest = 'auto' | 'none' | Platform;

/** A manifest found at a commit. */
export interface Detected {
  platform: Platform;
  /** The manifest: render.yaml, fly.toml, …; skaffold.yaml, or a Kubernetes directory's first file. */
  path: string;
  /** Kubernetes: the manifest files to read (repository paths). */
  files: string[];
  /** Compose: whether a service builds from the repository. */
  buildsHere?: boolean;
}

export interface ChoiceRequest {
  platform: PlatformRequest;
  /** `--manifest <path>`: a manifest at a place the detection does not look. */
  manifest?: string;
  /** The bad commit has no Dockerfile where the options look: an image-only compose file is deployed. */
  noDockerfile?: boolean;
}

export type Choice = { kind: 'none'; why: string; found: Detected[] } | { kind: 'use'; used: Detected; others: Detected[]; why: string };

export function chooseManifest(found: readonly Detected[], request: ChoiceRequest): Choice {
  const all = [...found];
  if (request.platform === 'none') return { kind: 'none', why: '--platform none', found: all };
  if (request.manifest !== undefined) {
    const used = all.find((d) => d.path === request.manifest || d.files.includes(request.manifest!));
    if (!used) throw new UsageError(`--manifest ${request.manifest}: no manifest of a known platform there at this commit`);
    if (request.platform !== 'auto' && used.platform !== request.platform) {
      throw new UsageError(`--manifest ${request.manifest} is a ${used.platform} manifest, not ${request.platform}`);
    }
    return { kind: 'use', used, others: all.filter((d) => d !== used), why: `--manifest ${request.manifest}` };
  }
  if (request.platform !== 'auto') {
    const used = all.find((d) => d.platform === request.platform);
    if (!used)
      throw new UsageError(`--platform ${request.platform}: ${wanted(request.platform)} not found at this commit${foundText(all)}`);
    return { kind: 'use', used, others: all.filter((d) => d !== used), why: `--platform ${request.platform}` };
  }
  const usable = all.filter((d) => d.platform !== 'compose' || d.buildsHere === true || request.noDockerfile === true);
  const used = [...usable].sort((a, b) => PLATFORM_ORDER.indexOf(a.platform) - PLATFORM_ORDER.indexOf(b.platform))[0];
  if (!used) {
    const why = all.length > 0 ? `only ${all.map((d) => d.path).join(', ')}, whose services run published images` : 'no manifest found';
    return { kind: 'none', why, found: all };
  }
  return { kind: 'use', used, others: all.filter((d) => d !== used), why: 'found' };
}

/** "also found fly.toml, compose.yaml (--platform fly or compose to use one, --platform none for none)" */
export function alsoFoundText(choice: Choice): string | undefined {
  const others = choice.kind === 'use' ? choice.others : choice.found;
  if (others.length === 0) return undefined;
  const platforms = [...new Set(others.map((d) => d.platform))];
  const how = `--platform ${platforms.join(' or ')} to use ${platforms.length > 1 ? 'one' : 'it'}`;
  return `also found ${others.map((d) => d.path).join(', ')} (${how}${choice.kind === 'use' ? ', --platform none for none' : ''})`;
}

function wanted(platform: Platform): string {
  const names: Record<Platform, string> = {
    render: 'render.yaml',
    fly: 'fly.toml',
    kubernetes: 'skaffold.yaml or Kubernetes manifests (k8s/, kubernetes/, deploy/, manifests/, kubernetes-manifests/)',
    railway: 'railway.toml or railway.json',
    heroku: 'heroku.yml',
    digitalocean: '.do/app.yaml or an app spec (spec.yaml)',
    cloudrun: 'a Cloud Run service.yaml',
    compose: 'a compose file',
  };
  return names[platform];
}

function foundText(found: readonly Detected[]): string {
  return found.length > 0
    ? ` (found ${found.map((d) => d.path).join(', ')}; use --manifest <path> for another place)`
    : ' (use --manifest <path> for another place)';
}
