/**
 * For the informed search's prior: which of many commits change a package that the bad end's output
 * names, each against its first parent. Only the dependency files a commit changes are read (and the
 * manifest beside a changed lock). Each version of a file is read and parsed once (by object id: a
 * lock that ten dependabot commits change in turn is eleven versions, not twenty), and not parsed at
 * all when its text does not name any of the packages; only the named packages are kept, so what is
 * remembered stays small. Parsing stops at a budget of bytes, the newest commits first: past it, a
 * commit's files count as unread (no change found), never as a wrong one.
 */
import { CatFileBatch } from '../../git/cat-file-batch.js';
import { objectIds, type ObjectId } from '../../git/object-ids.js';
import { diffDependencies } from './diff-dependencies.js';
import { MANIFEST_OF_LOCK, readerOf } from './formats.js';
import { isNamedPackage, mentionsNamedPackage, type NamedModule } from './module-package.js';
import { MAX_DEPENDENCY_FILE_BYTES } from './read-blobs.js';
import type { DependencySnapshot, PackageChange } from './types.js';

/** A commit, its first parent, and the paths it changes against it. */
export interface ChangedCommit {
  sha: string;
  parent: string;
  paths: readonly string[];
}

/** How many bytes of dependency files the prior parses at most (a few seconds' worth). */
export const NAMED_CHANGES_BUDGET_BYTES = 64 * 1024 * 1024;

/** A file at one commit: its named packages, none (`absent`), or `unreadable` (does not parse, too large, past the budget). */
type Read = DependencySnapshot | 'absent' | 'unreadable';

/** The files of one commit to compare: each with the object name before and after. */
interface FilePair {
  path: string;
  before: string;
  after: string;
}

const besideOf = (path: string): string | undefined => {
  const manifest = MANIFEST_OF_LOCK[path.slice(path.lastIndexOf('/') + 1)];
  return manifest === undefined ? undefined : `${path.slice(0, path.lastIndexOf('/') + 1)}${manifest}`;
};

/** The dependency files a commit changes, and the manifests beside its changed locks (the same on both sides). */
function pairsOf(commit: ChangedCommit): FilePair[] {
  const files = commit.paths.filter((p) => readerOf(p));
  const beside = [...new Set(files.map(besideOf))].filter((p): p is string => p !== undefined && !files.includes(p));
  return [
    ...files.map((path) => ({ path, before: `${commit.parent}:${path}`, after: `${commit.sha}:${path}` })),
    ...beside.map((path) => ({ path, before: `${commit.sha}:${path}`, after: `${commit.sha}:${path}` })),
  ];
}

export async function readNamedChanges(
  repoDir: string,
  commits: readonly ChangedCommit[],
  modules: readonly NamedModule[],
  budgetBytes = NAMED_CHANGES_BUDGET_BYTES,
): Promise<Map<string, PackageChange[]>> {
  const out = new Map<string, PackageChange[]>();
  const mentions = mentionsNamedPackage(modules);
  const plans = commits.map((c) => [c.sha, pairsOf(c)] as const).filter(([, pairs]) => pairs.length > 0);
  if (!mentions || plans.length === 0) return out;
  const ids = await objectIds(
    repoDir,
    plans.flatMap(([, pairs]) => pairs.flatMap((p) => [p.before, p.after])),
  );
  const key = (name: string, path: string) => {
    const id = ids.get(name);
    return id === undefined || id.type !== 'blob' ? undefined : `${id.oid}\0${path}`;
  };
  const versions = new Map<string, ObjectId & { path: string }>();
  for (const [, pairs] of plans) {
    for (const p of pairs) {
      for (const name of [p.before, p.after]) {
        const k = key(name, p.path);
        if (k !== undefined && !versions.has(k)) versions.set(k, { ...ids.get(name)!, path: p.path });
      }
    }
  }
  const reads = await readVersions(repoDir, versions, { modules, mentions, budgetBytes });
  const readOf = (name: string, path: string): Read => reads.get(key(name, path) ?? '') ?? 'absent';
  for (const [sha, pairs] of plans) {
    const before = pairs.map((p) => readOf(p.before, p.path));
    const after = pairs.map((p) => readOf(p.after, p.path));
    // A file one side cannot read is left out of both: its packages would all look added or removed.
    const unreadable = new Set(pairs.filter((_, i) => before[i] === 'unreadable' || after[i] === 'unreadable').map((p) => p.path));
    const kept = (list: Read[]) => list.filter((r): r is DependencySnapshot => typeof r !== 'string' && !unreadable.has(r.path));
    const changes = diffDependencies(kept(before), kept(after)).filter((c) => c.ecosystem !== 'runtime');
    if (changes.length > 0) out.set(sha, changes);
  }
  return out;
}

interface ReadOptions {
  modules: readonly NamedModule[];
  mentions: (text: string) => boolean;
  budgetBytes: number;
}

/** Each version once, in order (one `git cat-file --batch`), as far as the budget goes. */
async function readVersions(
  repoDir: string,
  versions: ReadonlyMap<string, ObjectId & { path: string }>,
  options: ReadOptions,
): Promise<Map<string, Read>> {
  const reads = new Map<string, Read>();
  let left = options.budgetBytes;
  const wanted: Array<[string, ObjectId & { path: string }]> = [];
  for (const [k, v] of versions) {
    if (v.size > MAX_DEPENDENCY_FILE_BYTES || v.size > left) reads.set(k, 'unreadable');
    else {
      left -= v.size;
      wanted.push([k, v]);
    }
  }
  if (wanted.length === 0) return reads;
  const batch = CatFileBatch.start(repoDir);
  try {
    batch.request(wanted.map(([, v]) => v.oid));
    for (const [k, v] of wanted) {
      const answer = await batch.next();
      if (answer.kind !== 'found') {
        reads.set(k, 'absent');
        continue;
      }
      reads.set(k, parseNamed((await batch.readBody(answer.size)).toString('utf8'), v.path, options));
    }
  } finally {
    batch.close();
  }
  return reads;
}

/** The named packages a file declares; none without parsing when its text names none of them. */
function parseNamed(text: string, path: string, options: ReadOptions): Read {
  const reader = readerOf(path);
  if (!reader || !options.mentions(text)) return 'absent';
  const snapshot = reader(text, path);
  if (snapshot.problem !== undefined) return 'unreadable';
  const packages = snapshot.packages.filter((p) => isNamedPackage(options.modules, snapshot.ecosystem, p.name));
  return { ecosystem: snapshot.ecosystem, path, role: snapshot.role, packages, runtimes: [] };
}
