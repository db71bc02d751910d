/**
 * skaffold.yaml, for what it says about building and deploying: each artifact's image name, context
 * (default `.`, from skaffold.yaml's directory), Dockerfile (default `Dockerfile`, from the context),
 * target, build args and secrets; and where the Kubernetes manifests are: `deploy.kubectl.manifests`
 * (v1/v2 schemas), `manifests.rawYaml` and `manifests.kustomize.paths` (v3 and later). Every document of
 * a multi-config file counts. Profiles, Helm and other builders are named, not applied.
 */
import type { BuildSpec, FileText } from '../contract.js';
import { dirOf, underBase } from '../paths.js';
import type { Node } from '../source/node.js';
import { keyPathText } from '../source/problem.js';
import { loadYamlDocuments } from '../source/read-result.js';

export interface SkaffoldArtifact {
  image: string;
  /** Built with Docker from this repository; else the builder skaffold uses (`jib`, `buildpacks`, …). */
  builder: 'docker' | string;
  build: BuildSpec;
}

export interface SkaffoldConfig {
  artifacts: SkaffoldArtifact[];
  /** Repository-relative glob patterns of raw manifests (`**` crosses directories). */
  manifestGlobs: string[];
  /** Repository-relative directories holding a kustomization.yaml. */
  kustomizeDirs: string[];
  /** What is read past: profiles, helm, other deployers. */
  unsupported: { key: string; reason: string }[];
}

const OTHER_BUILDERS = ['jib', 'bazel', 'buildpacks', 'custom', 'kaniko', 'ko'];

export function readSkaffold(file: FileText): SkaffoldConfig {
  const base = dirOf(file.path);
  const config: SkaffoldConfig = { artifacts: [], manifestGlobs: [], kustomizeDirs: [], unsupported: [] };
  for (const doc of loadYamlDocuments(file)) {
    const root = doc.root;
    config.artifacts.push(
      ...root
        .at('build')
        .at('artifacts')
        .items()
        .map((a) => artifact(a, base)),
    );
    const manifests = root.at('manifests');
    const legacy = root.at('deploy').at('kubectl').at('manifests');
    for (const glob of [...(legacy.optStrings() ?? []), ...(manifests.at('rawYaml').optStrings() ?? [])]) {
      config.manifestGlobs.push(underBase(base, glob, manifests.path));
    }
    for (const dir of manifests.at('kustomize').at('paths').optStrings() ?? [])
      config.kustomizeDirs.push(underBase(base, dir, manifests.path));
    if (root.at('profiles').present)
      config.unsupported.push({
        key: keyPathText(root.at('profiles').path),
        reason: 'skaffold profiles: the default configuration is read',
      });
    for (const other of ['helm', 'kpt', 'docker', 'cloudrun']) {
      if (root.at('deploy').at(other).present || (other === 'helm' && manifests.at('helm').present)) {
        config.unsupported.push({ key: `deploy.${other}`, reason: `skaffold's ${other} deployer: not rendered` });
      }
    }
  }
  return config;
}

function artifact(node: Node, base: string): SkaffoldArtifact {
  const image = node.at('image').string();
  const contextKey = node.at('context');
  const context = underBase(base, contextKey.optString() ?? '.', contextKey.path);
  const docker = node.at('docker');
  const dockerfileKey = docker.at('dockerfile');
  const target = docker.at('target').optString();
  const builder = OTHER_BUILDERS.find((b) => node.at(b).present) ?? 'docker';
  const build: BuildSpec = {
    context,
    dockerfile: underBase(context, dockerfileKey.optString() ?? 'Dockerfile', dockerfileKey.path),
    ...(target !== undefined ? { target } : {}),
    // A Go template (`{{.ENV_VAR}}`) is filled from skaffold's environment: taken from the environment here too.
    args: (docker.at('buildArgs').optStringMap() ?? []).map(({ key, value }) => (/\{\{/.test(value) ? { key } : { key, value })),
    secrets: docker
      .at('secrets')
      .items()
      .map((s) => s.at('id').string()),
    from: {
      dockerfile: dockerfileKey.present ? `${keyPathText(node.path)}.docker.dockerfile` : 'skaffold default Dockerfile',
      context: contextKey.present ? `${keyPathText(node.path)}.context` : 'skaffold default .',
    },
  };
  return { image, builder, build };
}

/** The files a kustomization.yaml lists under `resources` that are files (not directories or URLs), repository-relative. */
export function kustomizeResources(file: FileText): string[] {
  const dir = dirOf(file.path);
  const [doc] = loadYamlDocuments(file);
  if (!doc) return [];
  return (doc.root.at('resources').optStrings() ?? [])
    .filter((r) => /\.ya?ml$/.test(r) && !/^[a-z]+:\/\//.test(r))
    .map((r) => underBase(dir, r, doc.root.at('resources').path));
}

/** A skaffold glob as a regular expression over repository paths: `**` any depth, `*` and `?` within a name. */
export function globPattern(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      out += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** The directory a glob's matches are under (its part before the first wildcard). */
export function globBase(glob: string): string {
  const wild = glob.search(/[*?[]/);
  return wild < 0 ? glob : dirOf(glob.slice(0, wild + 1));
}

/** An image reference without its tag or digest, to match a manifest's `image:` with an artifact's. */
export function imageName(reference: string): string {
  const noDigest = reference.split('@')[0] ?? reference;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}
