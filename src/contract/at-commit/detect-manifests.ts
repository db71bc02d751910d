/**
 * The manifests in a commit's tree, found without listing the whole tree: the root directory's entries
 * (one `git ls-tree`), the files under `.do/` and the usual Kubernetes directories (one `git ls-tree -r`
 * of those), the files skaffold.yaml points to, and the texts of the few candidates that must be read to
 * be told apart (one `git cat-file --batch`). Costs a handful of git calls whatever the tree's size.
 */
import { isWithin } from '../../text/path-within.js';
import type { Platform } from '../contract.js';
import type { Detected } from '../detect/choose.js';
import { composeBuildsHere, DO_SPECS, K8S_DIRS, platformByName, platformByText, ROOT_MANIFESTS } from '../detect/known-paths.js';
import { globBase, globPattern, kustomizeResources, readSkaffold } from '../platforms/skaffold.js';
import { filesUnder, readTexts, type Entry } from './git-tree.js';

const YAML = /\.ya?ml$/;

export interface DetectOptions {
  /** `--manifest <path>`: also look there (its platform: `platform`, else by its name, else by its text). */
  manifest?: string;
  /** `--platform`, when it names one: the platform of `manifest`. */
  platform?: Platform;
}

export async function detectManifests(repoDir: string, commit: string, options: DetectOptions = {}): Promise<Detected[]> {
  // One listing: the well-known root files that exist, and every file under the usual directories.
  const listed = await filesUnder(
    repoDir,
    commit,
    [...K8S_DIRS, '.do'],
    [...ROOT_MANIFESTS.map((m) => m.name), ...(options.manifest !== undefined ? [options.manifest] : [])],
  );
  const rootFiles = new Map(listed.filter((e) => !e.path.includes('/')).map((e) => [e.path, e]));
  const below = listed.filter((e) => e.path.includes('/'));
  const named = ROOT_MANIFESTS.flatMap((m) => {
    const entry = rootFiles.get(m.name);
    return entry ? [{ ...m, entry }] : [];
  });
  const specs = below.filter((e) => DO_SPECS.includes(e.path));
  const k8sFiles = below.filter((e) => YAML.test(e.path) && !e.path.startsWith('.do/'));
  const given = listed.find((e) => e.path === options.manifest);
  const toRead = [
    ...named.filter((m) => m.sniff || m.platform === 'compose' || m.platform === 'kubernetes').map((m) => m.entry),
    ...specs,
    ...k8sFiles,
    ...(given ? [given] : []),
  ];
  const texts = await readTexts(
    repoDir,
    toRead.map((e) => e.oid),
  );
  const text = (e: Entry) => texts.get(e.oid) ?? '';

  const found: Detected[] = [];
  for (const m of named) {
    if (m.sniff && platformByText(text(m.entry)) !== m.platform) continue;
    if (m.platform === 'kubernetes') found.push(await skaffoldDetected(repoDir, commit, m.entry, text(m.entry), below));
    else if (m.platform === 'compose')
      found.push({ platform: 'compose', path: m.name, files: [], buildsHere: composeBuildsHere(text(m.entry)) });
    else found.push({ platform: m.platform, path: m.name, files: [] });
  }
  // One compose file counts: the first of Compose's own order.
  const composes = found.filter((d) => d.platform === 'compose');
  for (const later of composes.slice(1)) found.splice(found.indexOf(later), 1);
  for (const spec of specs.slice(0, 1)) found.push({ platform: 'digitalocean', path: spec.path, files: [] });
  if (!found.some((d) => d.platform === 'kubernetes')) found.push(...k8sDirsDetected(k8sFiles, text));
  if (given && !found.some((d) => d.path === given.path || d.files.includes(given.path))) {
    const detected = await givenManifest(repoDir, commit, given, text(given), options.platform, below);
    if (detected) found.push(detected);
  }
  return found;
}

/** Kubernetes manifests in the usual directories (without skaffold.yaml): the files holding a workload or a Knative service. */
function k8sDirsDetected(files: readonly Entry[], text: (e: Entry) => string): Detected[] {
  const out: Detected[] = [];
  const workloads = files.filter((e) => platformByText(text(e)) === 'kubernetes');
  if (workloads.length > 0)
    out.push({
      platform: 'kubernetes',
      path: workloads[0]!.path,
      files: files.filter((e) => isKubernetesYaml(text(e))).map((e) => e.path),
    });
  const knative = files.find((e) => platformByText(text(e)) === 'cloudrun');
  if (knative) out.push({ platform: 'cloudrun', path: knative.path, files: [] });
  return out;
}

/** A file worth reading with the workloads (ConfigMaps too): any document with a `kind:` and no template markers. */
function isKubernetesYaml(text: string): boolean {
  return /^kind:\s*\S/m.test(text) && !/\{\{/.test(text);
}

/** skaffold.yaml and the manifests it lists (raw globs, kustomize directories' resources). */
async function skaffoldDetected(repoDir: string, commit: string, entry: Entry, text: string, listed: readonly Entry[]): Promise<Detected> {
  const detected: Detected = { platform: 'kubernetes', path: entry.path, files: [] };
  let config;
  try {
    config = readSkaffold({ path: entry.path, blob: entry.oid, text });
  } catch {
    return detected; // the reader reports the parse error, with its line
  }
  const bases = [...new Set([...config.manifestGlobs.map(globBase), ...config.kustomizeDirs])].filter((b) => b !== '');
  // The usual directories are listed already; list the others skaffold names.
  const covered = (base: string) => [...K8S_DIRS, '.do'].some((dir) => isWithin(dir, base));
  const files = [
    ...listed.filter((f) => bases.some((b) => covered(b) && f.path !== b && isWithin(b, f.path))),
    ...(await filesUnder(
      repoDir,
      commit,
      bases.filter((b) => !covered(b)),
    )),
  ];
  const patterns = config.manifestGlobs.map(globPattern);
  const matched = files.filter((f) => patterns.some((p) => p.test(f.path))).map((f) => f.path);
  const kustomizations = files.filter((f) =>
    config.kustomizeDirs.some((dir) => f.path === `${dir}/kustomization.yaml` || f.path === `${dir}/kustomization.yml`),
  );
  const kustomTexts = await readTexts(
    repoDir,
    kustomizations.map((k) => k.oid),
  );
  const resources = kustomizations.flatMap((k) => {
    try {
      return kustomizeResources({ path: k.path, blob: k.oid, text: kustomTexts.get(k.oid) ?? '' });
    } catch {
      return [];
    }
  });
  const present = new Set(files.map((f) => f.path));
  // The kustomization files count too: a change to one changes what is deployed.
  detected.files = [...new Set([...matched, ...kustomizations.map((k) => k.path), ...resources.filter((r) => present.has(r))])];
  return detected;
}

async function givenManifest(
  repoDir: string,
  commit: string,
  entry: Entry,
  text: string,
  given: Platform | undefined,
  listed: readonly Entry[],
): Promise<Detected | undefined> {
  const platform: Platform | undefined = given ?? platformByName(entry.path) ?? platformByText(text);
  if (platform === undefined) return undefined;
  if (platform === 'kubernetes' && /skaffold/.test(entry.path)) return skaffoldDetected(repoDir, commit, entry, text, listed);
  if (platform === 'kubernetes') return { platform, path: entry.path, files: [entry.path] };
  if (platform === 'compose') return { platform, path: entry.path, files: [], buildsHere: composeBuildsHere(text) };
  return { platform, path: entry.path, files: [] };
}
