/**
 * The changes a commit makes to its deployment's contract files (the manifest, and for Kubernetes the
 * manifests it reads), read from git objects: each file that differs between the parent and the commit,
 * split per key; a file that does not parse on one side, or is added or deleted, is one change as a
 * whole, and so is one whose keys all stay the same (its comments or layout changed). Where the builder
 * receives such a file is decided later (splitChanges, from the contexts' plans).
 */
import { entriesAt, readTexts } from '../../contract/at-commit/git-tree.js';
import { formatOf } from '../../explain/manifest/manifest-split.js';
import type { KeyPart, ManifestEdit } from '../../explain/narrow/change-set.js';
import { manifestParts } from '../../explain/narrow/manifest-edits.js';
import { filePatches } from '../../git/file-patches.js';

export interface ManifestChanges {
  /** Repository path → the file's texts (its place in the build context not yet known). */
  edits: Map<string, Omit<ManifestEdit, 'context'>>;
  /** Each file's parts, in the file's order. */
  parts: KeyPart[];
}

export interface ManifestChangesSpec {
  repoDir: string;
  parent: string;
  commit: string;
  /** The contract files, as found at either commit. */
  paths: readonly string[];
}

export async function manifestChanges(spec: ManifestChangesSpec): Promise<ManifestChanges> {
  const edits = new Map<string, Omit<ManifestEdit, 'context'>>();
  const parts: KeyPart[] = [];
  if (spec.paths.length === 0) return { edits, parts };
  const [before, after] = await Promise.all([spec.parent, spec.commit].map((c) => entriesAt(spec.repoDir, c, spec.paths)));
  const blob = (entries: typeof before, path: string) => entries!.find((e) => e.path === path && !e.tree)?.oid;
  const changed = spec.paths.filter((p) => blob(before, p) !== blob(after, p));
  if (changed.length === 0) return { edits, parts };
  const oids = changed.flatMap((p) => [blob(before, p), blob(after, p)].filter((o): o is string => o !== undefined));
  const [texts, patches] = await Promise.all([
    readTexts(spec.repoDir, oids),
    filePatches(
      spec.repoDir,
      spec.parent,
      spec.commit,
      changed.map((path) => ({ path })),
    ),
  ]);
  for (const path of [...changed].sort()) {
    const text = (oid: string | undefined) => (oid === undefined ? null : (texts.get(oid) ?? ''));
    const [was, now] = [text(blob(before, path)), text(blob(after, path))];
    const own = manifestParts(path, was, now);
    parts.push(...own);
    const keys = own.filter((p) => p.change !== undefined).length;
    edits.set(path, { format: formatOf(path), before: was, after: now, keys, patch: patches.get(path) ?? '' });
  }
  return { edits, parts };
}
