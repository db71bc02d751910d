/**
 * One entry point over the readers: the platform and the files' texts in, a contract or a failure out.
 * Pure. Compose services are read by the compose normaliser (src/contract/compose/), not here.
 */
import type { FileText, Platform } from './contract.js';
import { readCloudRun } from './platforms/cloudrun.js';
import { readDigitalOcean } from './platforms/digitalocean.js';
import { readFly } from './platforms/fly.js';
import { readHeroku } from './platforms/heroku.js';
import { readKubernetes } from './platforms/kubernetes.js';
import { readRailway } from './platforms/railway.js';
import { readRender } from './platforms/render.js';
import type { ReadResult } from './source/read-result.js';

export interface ContractFiles {
  platform: Exclude<Platform, 'compose'>;
  /** The manifest (Kubernetes: skaffold.yaml, or the first manifest file when there is none). */
  manifest: FileText;
  /** Kubernetes: the manifest files (skaffold's, or those found); nothing for the others. */
  files: FileText[];
  /** Dockerfiles known to exist (the one-Dockerfile rule of Kubernetes and Cloud Run). */
  dockerfiles: readonly string[];
  /** Whether a repository path exists at the commit (Railway builds a Dockerfile it finds). */
  exists?: (path: string) => boolean;
  /** `--service`. */
  service?: string;
}

export function readContract(input: ContractFiles): ReadResult {
  const service = input.service !== undefined ? { service: input.service } : {};
  switch (input.platform) {
    case 'render':
      return readRender({ manifest: input.manifest, ...service });
    case 'fly':
      return readFly({ manifest: input.manifest, ...service });
    case 'railway':
      return readRailway({ manifest: input.manifest, ...(input.exists ? { exists: input.exists } : {}) });
    case 'heroku':
      return readHeroku({ manifest: input.manifest, ...service });
    case 'digitalocean':
      return readDigitalOcean({ manifest: input.manifest, ...service });
    case 'cloudrun':
      return readCloudRun({ manifest: input.manifest, dockerfiles: input.dockerfiles, ...service });
    case 'kubernetes': {
      const isSkaffold = /(^|\/)skaffold[^/]*\.ya?ml$/.test(input.manifest.path);
      const manifests = isSkaffold ? input.files : [input.manifest, ...input.files.filter((f) => f.path !== input.manifest.path)];
      return readKubernetes({ manifests, ...(isSkaffold ? { skaffold: input.manifest } : {}), dockerfiles: input.dockerfiles, ...service });
    }
  }
}
