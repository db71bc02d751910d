/**
 * A build context that no commit has: a commit's planned context with some of its entries
 * replaced, added or removed (`narrow` builds the parent with a subset of the culprit's changes
 * applied). Still made in memory: unchanged files stream from git's blobs, edited ones are inline
 * entries, and nothing is written to the repository.
 */
import { fingerprintOf, type BuildContext, type BuildContextPlan } from './build-context.js';
import { contextTar, type ContextEntry } from './context-tar.js';
import { comparePathBytes } from './path-bytes.js';

/** Context-relative path → its entry in the new context (a file, symlink or inline file), or null to leave it out. */
export type ContextOverlay = ReadonlyMap<string, Exclude<ContextEntry, { type: 'directory' }> | null>;

/** The plan with the overlay applied: directories are those that hold what is sent. */
export function overlayPlan(plan: BuildContextPlan, overlay: ContextOverlay): BuildContextPlan {
  const byPath = new Map(plan.entries.filter((e) => e.type !== 'directory').map((e) => [e.path, e]));
  for (const [path, entry] of overlay) {
    if (entry === null) byPath.delete(path);
    else byPath.set(path, { ...entry, path });
  }
  const dirs = new Set<string>();
  for (const path of byPath.keys()) {
    for (let slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) dirs.add(path.slice(0, slash));
  }
  const entries: ContextEntry[] = [...[...dirs].map((path) => ({ type: 'directory' as const, path, mode: 0o755 })), ...byPath.values()];
  entries.sort((a, b) => comparePathBytes(a.path, b.path));
  const dockerfile = byPath.get(plan.dockerfilePath);
  return {
    ...plan,
    dockerfileText: dockerfile?.type === 'inline' ? dockerfile.content.toString('utf8') : plan.dockerfileText,
    files: entries.filter((e) => e.type !== 'directory').map((e) => e.path),
    fingerprint: fingerprintOf(entries, plan.dockerfilePath),
    entries,
  };
}

/** The overlaid context, its tar made lazily from git's blobs and the inline entries. */
export function overlayContext(repoDir: string, plan: BuildContextPlan, overlay: ContextOverlay): BuildContext {
  const planned = overlayPlan(plan, overlay);
  return { ...planned, tar: contextTar(repoDir, planned.entries) };
}
