/**
 * Google Cloud Run (a Knative `serving.knative.dev/v1` Service, as `gcloud run services replace` takes
 * it): the ingress container (the one with `ports`, or the only one), its image mapped to a Dockerfile
 * like Kubernetes' (skaffold.yaml, or the one Dockerfile), `containerPort` (8080; PORT is set to it), and
 * its startup probe, or Cloud Run's default TCP startup probe (240 s). Facts and choices:
 * docs/platforms.md#cloud-run.
 */
import type { DeploymentContract, FileText, HealthCheck } from '../contract.js';
import { platformEnv } from '../env.js';
import { check, MINUTE, SECOND } from '../health-defaults.js';
import { pickService, unsupportedKeys } from '../pick-service.js';
import type { Node } from '../source/node.js';
import { ManifestProblem } from '../source/problem.js';
import { inDocument, loadYamlDocuments, readManifest, type ParsedFile, type ReadResult } from '../source/read-result.js';
import { containerEnv, containerRun, probeCheck } from './k8s-container.js';
import { imageMapper } from './kubernetes.js';
import { readSkaffold } from './skaffold.js';

export const CLOUD_RUN_PORT = 8080;
/** The longest a startup probe may take on Cloud Run (failureThreshold × periodSeconds), taken as the deadline. */
const STARTUP_CAP_MS = 10 * MINUTE;

export interface CloudRunInput {
  manifest: FileText;
  skaffold?: FileText;
  dockerfiles?: readonly string[];
  /** A container name, where the service has several. */
  service?: string;
}

const HANDLED = [
  'name',
  'image',
  'command',
  'args',
  'env',
  'envFrom',
  'ports',
  'startupProbe',
  'readinessProbe',
  'workingDir',
  'resources',
];

export function readCloudRun(input: CloudRunInput): ReadResult {
  return readManifest('cloudrun', input.manifest, () => {
    const doc = loadYamlDocuments(input.manifest).find(
      (d) => d.root.at('kind').optString() === 'Service' && /^serving\.knative\.dev\//.test(d.root.at('apiVersion').optString() ?? ''),
    );
    if (!doc) throw new ManifestProblem('invalid', [], `${input.manifest.path} has no serving.knative.dev Service`);
    return inDocument(doc, () => cloudRunContract(doc, input));
  });
}

function cloudRunContract(doc: ParsedFile, input: CloudRunInput): DeploymentContract {
  const containers = doc.root.at('spec').at('template').at('spec').at('containers').items();
  const images = containers.map((c) => c.at('image').optString() ?? '');
  const artifactFor = imageMapper(images, input.skaffold ? readSkaffold(input.skaffold).artifacts : undefined, input.dockerfiles ?? []);
  const container = pickService(
    containers.map((c, i) => ({
      name: c.at('name').optString() ?? `container ${i}`,
      item: c,
      docker: artifactFor(c.at('image').optString() ?? '')
        ? (true as const)
        : `runs the image ${c.at('image').optString() ?? '?'}, which no Dockerfile here is known to build`,
      preferred: c.at('ports').present || containers.length === 1,
    })),
    input.service,
    doc.file.path,
    'container',
  );
  const portKey = container.at('ports').items()[0]?.at('containerPort');
  const portNumber = portKey?.optInteger(1, 65535);
  const port = {
    number: portNumber ?? CLOUD_RUN_PORT,
    injectedAsPort: true,
    source: portNumber ? ('manifest' as const) : ('platform-default' as const),
    from: portNumber ? 'ports[0].containerPort' : 'Cloud Run’s containerPort default',
  };
  const env = [
    ...containerEnv(container, new Map()).filter((e) => e.key !== 'PORT'),
    platformEnv('PORT', String(port.number), 'set by Cloud Run to containerPort'),
  ];
  const name = doc.root.at('metadata').at('name').optString() ?? container.at('name').optString() ?? 'service';
  return {
    platform: 'cloudrun',
    service: containers.length > 1 ? `${name}/${container.at('name').optString() ?? '?'}` : name,
    manifest: { path: doc.file.path, blob: doc.file.blob },
    alsoRead: input.skaffold ? [{ path: input.skaffold.path, blob: input.skaffold.blob }] : [],
    build: artifactFor(container.at('image').string())!,
    run: containerRun(container, env),
    env,
    port,
    health: cloudRunHealth(container, port.number),
    unsupported: unsupportedKeys(
      container.keys(),
      HANDLED,
      { livenessProbe: 'checked after the revision is ready; does not gate it', volumeMounts: 'volumes are not mounted' },
      container.path,
      'not used by deploybisect',
    ),
    notes: [],
  };
}

/** The startup and readiness probes written, else the default TCP startup probe on the port (240 s, one try). */
function cloudRunHealth(container: Node, port: number): HealthCheck[] {
  const written = ['startupProbe', 'readinessProbe'].map((key) => container.at(key)).filter((probe) => probe.present);
  if (written.length > 0) return written.map((probe) => probeCheck(probe, container, STARTUP_CAP_MS, undefined));
  return [
    check('tcp', {
      port,
      intervalMs: 240 * SECOND,
      timeoutMs: 240 * SECOND,
      failureThreshold: 1,
      deadlineMs: 240 * SECOND,
      from: { keys: [], defaults: ['kind', 'intervalMs', 'timeoutMs', 'failureThreshold', 'deadlineMs'] },
    }),
  ];
}
