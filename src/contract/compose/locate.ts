/**
 * The file and line that set a path of the merged model: the last document read that has the whole
 * path (a later file overrides an earlier one), else the last that has the longest part of it.
 */
import { isMapping } from './canonical.js';
import { fail } from './compose-failure.js';
import type { FailAt } from './values.js';
import type { TreePath, YamlDocument } from './yaml-file.js';

export interface ReadDocument {
  file: string;
  document: YamlDocument;
  /** The document's (interpolated) tree. */
  tree: unknown;
}

function depthIn(tree: unknown, path: TreePath): number {
  let node = tree;
  let depth = 0;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number' && segment < node.length) node = node[segment];
    else if (isMapping(node) && String(segment) in node) node = node[String(segment)];
    else break;
    depth++;
  }
  return depth;
}

export function locatePath(
  documents: readonly ReadDocument[],
  path: TreePath,
): { file: string; line: number | null; column: number | null } {
  let best: { read: ReadDocument; depth: number } | undefined;
  for (const read of [...documents].reverse()) {
    const depth = depthIn(read.tree, path);
    if (best === undefined || depth > best.depth) best = { read, depth };
    if (depth === path.length) break;
  }
  if (best === undefined || best.depth === 0) return { file: best?.read.file ?? '', line: null, column: null };
  const position = best.read.document.positionOf(path.slice(0, best.depth));
  return { file: best.read.file, line: position?.line ?? null, column: position?.column ?? null };
}

/** A FailAt that names the file and line (the failure kind 'invalid-project'). */
export function failAtIn(documents: readonly ReadDocument[]): FailAt {
  return (path, message) => fail('invalid-project', message, locatePath(documents, path));
}
