/**
 * Kubernetes (Deployment, StatefulSet, Pod; multi-document YAML): one container of one workload, the
 * Dockerfile that builds its image (a skaffold.yaml artifact with that image name, or the one Dockerfile
 * when the manifests use one image), its command, environment, port and probes. A readiness or startup
 * probe gates the rollout; a liveness probe does not. Facts and choices: docs/platforms.md#kubernetes.
 */
import type { BuildSpec, DeploymentContract, FileText, HealthCheck, ManifestFile } from '../contract.js';
import { pickService, unsupportedKeys, type Candidate } from '../pick-service.js';
import type { Node } from '../source/node.js';
import { keyPathText } from '../source/problem.js';
import { inDocument, loadYamlDocuments, readManifest, type ParsedFile, type ReadResult } from '../source/read-result.js';
import { containerEnv, containerRun, probeCheck, probePort, type ConfigMaps } from './k8s-container.js';
import { imageName, readSkaffold, type SkaffoldArtifact } from './skaffold.js';

export interface KubernetesInput {
  /** The manifests to read (the files skaffold.yaml lists, or those found in the usual directories). */
  manifests: FileText[];
  skaffold?: FileText;
  /** Dockerfiles known to exist at the commit, for the one-image rule when there is no skaffold.yaml. */
  dockerfiles?: readonly string[];
  /** `workload` or `workload/container`. */
  service?: string;
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'Pod'];
/** kube-controller-manager's default for `spec.progressDeadlineSeconds`, used for StatefulSets and Pods too. */
const PROGRESS_DEADLINE_S = 600;
const CONTAINER_KEYS = [
  'name',
  'image',
  'command',
  'args',
  'env',
  'envFrom',
  'ports',
  'readinessProbe',
  'startupProbe',
  'workingDir',
  'securityContext',
  'imagePullPolicy',
  'resources',
  'terminationMessagePath',
  'terminationMessagePolicy',
];
const CONTAINER_REASONS: Record<string, string> = {
  livenessProbe: 'restarts the container after the rollout; does not gate it',
  volumeMounts: 'volumes are not mounted',
  lifecycle: 'lifecycle hooks are not run',
};

interface Workload {
  doc: ParsedFile;
  kind: string;
  name: string;
  spec: Node;
  container: Node;
}

export function readKubernetes(input: KubernetesInput): ReadResult {
  const first = input.manifests[0] ?? input.skaffold ?? { path: '(no manifests)', blob: '', text: '' };
  return readManifest('kubernetes', first, () => kubernetesContract(input));
}

function kubernetesContract(input: KubernetesInput): DeploymentContract {
  const docs = input.manifests.flatMap((file) => loadYamlDocuments(file));
  const skaffold = input.skaffold ? readSkaffold(input.skaffold) : undefined;
  const workloads = docs.flatMap(workloadsOf);
  const configMaps = configMapsOf(docs);
  const images = workloads.map((w) => w.container.at('image').optString() ?? '');
  const artifactFor = imageMapper(images, skaffold?.artifacts, input.dockerfiles ?? []);
  const multi = (w: Workload) => workloads.filter((o) => o.doc === w.doc && o.name === w.name).length > 1;
  const candidates: Candidate<Workload>[] = workloads.map((w) => {
    const image = w.container.at('image').optString() ?? '';
    const built = artifactFor(image);
    return {
      name: multi(w) ? `${w.name}/${w.container.at('name').optString() ?? '?'}` : w.name,
      item: w,
      docker: built
        ? true
        : `runs the image ${image}, which ${skaffold ? 'no skaffold artifact builds' : 'no Dockerfile here is known to build'}`,
      preferred: w.container.at('readinessProbe').present,
    };
  });
  const where = input.skaffold && input.manifests.length > 1 ? 'the Kubernetes manifests' : (input.manifests[0]?.path ?? 'the manifests');
  const chosen = pickService(candidates, input.service, where, 'workload');
  const name = candidates.find((c) => c.item === chosen)!.name;
  const artifact = artifactFor(chosen.container.at('image').string())!;
  const contract = inDocument(chosen.doc, () => workloadContract(chosen, name, artifact, configMaps));
  const alsoRead: ManifestFile[] = [
    ...(input.skaffold ? [input.skaffold] : []),
    ...input.manifests.filter((f) => f.path !== chosen.doc.file.path),
  ].map((f) => ({ path: f.path, blob: f.blob }));
  return { ...contract, alsoRead, unsupported: [...contract.unsupported, ...(skaffold?.unsupported ?? [])] };
}

function workloadsOf(doc: ParsedFile): Workload[] {
  const kind = doc.root.at('kind').optString() ?? '';
  if (!WORKLOADS.includes(kind)) return [];
  const name = doc.root.at('metadata').at('name').optString() ?? '(unnamed)';
  const spec = kind === 'Pod' ? doc.root.at('spec') : doc.root.at('spec').at('template').at('spec');
  return spec
    .at('containers')
    .items()
    .map((container) => ({ doc, kind, name, spec, container }));
}

function configMapsOf(docs: readonly ParsedFile[]): ConfigMaps {
  const maps = new Map<string, Map<string, string>>();
  for (const doc of docs) {
    if (doc.root.at('kind').optString() !== 'ConfigMap') continue;
    const data = (doc.root.at('data').optStringMap() ?? []).map(({ key, value }) => [key, value] as const);
    maps.set(doc.root.at('metadata').at('name').optString() ?? '', new Map(data));
  }
  return maps;
}

/**
 * Image → how it is built: the skaffold artifact with that name (tag and digest aside); without
 * skaffold.yaml, when every workload runs one image, the one Dockerfile known (`Dockerfile` at the root first).
 */
export function imageMapper(
  images: readonly string[],
  artifacts: readonly SkaffoldArtifact[] | undefined,
  dockerfiles: readonly string[],
): (image: string) => BuildSpec | undefined {
  if (artifacts) {
    return (image: string) => artifacts.find((a) => a.builder === 'docker' && imageName(a.image) === imageName(image))?.build;
  }
  const distinct = new Set(images.map(imageName));
  const dockerfile = dockerfiles.includes('Dockerfile') ? 'Dockerfile' : dockerfiles.length === 1 ? dockerfiles[0] : undefined;
  if (distinct.size !== 1 || dockerfile === undefined) return () => undefined;
  const build: BuildSpec = {
    context: '',
    dockerfile,
    args: [],
    secrets: [],
    from: { dockerfile: 'the one Dockerfile (one image in the manifests)', context: 'the repository root' },
  };
  return () => build;
}

function workloadContract(w: Workload, name: string, build: BuildSpec, configMaps: ConfigMaps): DeploymentContract {
  const env = containerEnv(w.container, configMaps);
  const progress = w.kind === 'Deployment' ? w.doc.root.at('spec').at('progressDeadlineSeconds').optInteger(1) : undefined;
  const deadlineMs = (progress ?? PROGRESS_DEADLINE_S) * 1000;
  const deadlineKey = progress !== undefined ? 'spec.progressDeadlineSeconds' : undefined;
  const health: HealthCheck[] = ['startupProbe', 'readinessProbe']
    .map((key) => w.container.at(key))
    .filter((probe) => probe.present)
    .map((probe) => probeCheck(probe, w.container, deadlineMs, deadlineKey));
  const port = routedPort(w.container, health);
  return {
    platform: 'kubernetes',
    service: name,
    manifest: { path: w.doc.file.path, blob: w.doc.file.blob },
    alsoRead: [],
    build,
    run: containerRun(w.container, env),
    env,
    ...(port ? { port } : {}),
    health,
    unsupported: [
      ...unsupportedKeys(w.container.keys(), CONTAINER_KEYS, CONTAINER_REASONS, w.container.path, 'not used by deploybisect'),
      ...(w.spec.at('initContainers').present
        ? [{ key: keyPathText(w.spec.at('initContainers').path), reason: 'init containers are not run' }]
        : []),
      ...(w.spec.at('volumes').present ? [{ key: keyPathText(w.spec.at('volumes').path), reason: 'volumes are not mounted' }] : []),
    ],
    notes: [],
  };
}

/** The port the probes check, else the first containerPort; none for a container that declares neither. */
function routedPort(container: Node, health: readonly HealthCheck[]): DeploymentContract['port'] {
  const probed = health.find((h) => h.port !== undefined && h.kind !== 'exec');
  if (probed?.port) return { number: probed.port, injectedAsPort: false, source: 'manifest', from: `${probed.from.keys[0]} port` };
  const first = container.at('ports').items()[0];
  if (!first) return undefined;
  const number = probePort(first.at('containerPort'), container);
  return { number, injectedAsPort: false, source: 'manifest', from: `${keyPathText(first.path)}.containerPort` };
}
