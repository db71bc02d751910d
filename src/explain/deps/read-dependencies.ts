/**
 * The package changes between two commits, read from git objects: the dependency files the diff
 * names (added, modified, deleted or renamed), each at both commits; for a changed lock, the manifest
 * beside it (unchanged, read once) says which packages are direct and dev; a requirements file's
 * `-r` includes are read with it, at the same commit.
 */
import { diffStatBlobs } from '../../git/diff-stat.js';
import { diffDependencies } from './diff-dependencies.js';
import { MANIFEST_OF_LOCK, readerOf } from './formats.js';
import { readBlobs, type BlobText } from './read-blobs.js';
import type { DependencySnapshot, PackageChange } from './types.js';

export interface DependencyReading {
  changes: PackageChange[];
  /** Files that could not be read (too large, not parsable): their packages are unknown. */
  notes: string[];
}

const NO_OBJECT = /^0+$/;
const directoryOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
const join = (dir: string, file: string) => (dir === '' ? file : `${dir}/${file}`);

/** `a/b/../c.txt` → `a/c.txt`; undefined when it leaves the repository. */
function normalize(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.pop() === undefined) return undefined;
    } else parts.push(part);
  }
  return parts.join('/');
}

export async function readDependencyChanges(repoDir: string, before: string, after: string): Promise<DependencyReading> {
  const records = await diffStatBlobs(repoDir, before, after);
  const files = records.filter((r) => readerOf(r.entry.path) || (r.entry.oldPath !== undefined && readerOf(r.entry.oldPath)));
  if (files.length === 0) return { changes: [], notes: [] };
  const notes: string[] = [];
  const changed = new Set(files.flatMap((r) => [r.entry.path, r.entry.oldPath ?? r.entry.path]));
  const beforeNames = new Map<string, string>();
  const afterNames = new Map<string, string>();
  for (const { entry, oldOid, newOid } of files) {
    if (!NO_OBJECT.test(oldOid)) beforeNames.set(entry.oldPath ?? entry.path, oldOid);
    if (!NO_OBJECT.test(newOid)) afterNames.set(entry.path, newOid);
  }
  // The manifest beside a changed lock, unchanged: the same on both sides.
  for (const path of changed) {
    const manifest = MANIFEST_OF_LOCK[path.split('/').pop() ?? ''];
    const beside = manifest ? join(directoryOf(path), manifest) : undefined;
    if (beside && !changed.has(beside)) {
      beforeNames.set(beside, `${after}:${beside}`);
      afterNames.set(beside, `${after}:${beside}`);
    }
  }
  const [beforeSnapshots, afterSnapshots] = await Promise.all([
    snapshotsAt(repoDir, before, beforeNames, notes),
    snapshotsAt(repoDir, after, afterNames, notes),
  ]);
  // A file that one side cannot read is left out of both: its packages would all look added or removed.
  const unreadable = new Set([...beforeSnapshots, ...afterSnapshots].filter((s) => s.problem !== undefined).map((s) => s.path));
  const readable = (list: DependencySnapshot[]) => list.filter((s) => !unreadable.has(s.path));
  return { changes: diffDependencies(readable(beforeSnapshots), readable(afterSnapshots)), notes: [...new Set(notes)] };
}

/** The snapshots of the files (path → object name) at one commit, with the requirements files they include. */
async function snapshotsAt(repoDir: string, commit: string, names: Map<string, string>, notes: string[]): Promise<DependencySnapshot[]> {
  const snapshots: DependencySnapshot[] = [];
  const seen = new Set<string>();
  let wanted = new Map(names);
  for (let depth = 0; wanted.size > 0 && depth < 5; depth += 1) {
    const blobs = await readBlobs(repoDir, [...wanted.values()]);
    const next = new Map<string, string>();
    for (const [path, name] of wanted) {
      seen.add(path);
      const snapshot = snapshotOf(path, blobs.get(name), notes);
      if (!snapshot) continue;
      snapshots.push(snapshot);
      for (const include of snapshot.includes ?? []) {
        const target = normalize(join(directoryOf(path), include));
        if (target !== undefined && !seen.has(target) && !names.has(target)) next.set(target, `${commit}:${target}`);
      }
    }
    wanted = next;
  }
  return snapshots;
}

function snapshotOf(path: string, blob: BlobText | undefined, notes: string[]): DependencySnapshot | undefined {
  const reader = readerOf(path);
  if (!reader || !blob || blob.kind === 'missing') return undefined;
  if (blob.kind === 'too-large') {
    const problem = `${path} is too large to read (${blob.size} bytes)`;
    notes.push(`${problem}: its packages are not compared`);
    return { ecosystem: 'npm', path, role: 'lock', packages: [], runtimes: [], problem };
  }
  const snapshot = reader(blob.text, path);
  if (snapshot.problem) notes.push(`${snapshot.problem}: its packages are not compared`);
  return snapshot;
}
