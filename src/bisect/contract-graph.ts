/**
 * Skipping what cannot matter: a single-parent commit that does not change the build context
 * builds the same image as its parent, so it shares its parent's verdict. Merging every such
 * commit into its parent leaves a graph of the commits that can differ; a bisection on it
 * names a commit that changes the context, which is the first bad commit whenever verdicts
 * depend only on the image. Pure: no I/O.
 */
import type { CommitGraph, CommitNode } from './commit-graph.js';

export interface ContractedGraph {
  graph: CommitGraph;
  /**
   * Every original sha → the commit whose image it shares: itself when kept, else its nearest
   * kept first-parent ancestor. When the first-parent chain leaves the range before reaching a
   * kept commit, the representative is that parent outside the range (an ancestor of a good
   * commit, so known good) and is not in the contracted graph.
   */
  representative: Map<string, string>;
}

/** The graph with every single-parent commit that does not change the context merged into its parent: the search runs on what can differ. */
export function contractGraph(graph: CommitGraph, changesContext: (sha: string) => boolean, keep: ReadonlySet<string>): ContractedGraph {
  const commits = graph.commits;
  const n = commits.length;
  // Positions instead of sha lookups: for 100,000 commits the maps were most of the work.
  const firstParent = firstParentPositions(commits);

  // Merges and roots are always kept, like every commit that changes the context and `keep`.
  const kept = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = commits[i] as CommitNode;
    if (c.parents.length !== 1 || keep.has(c.sha) || changesContext(c.sha)) kept[i] = 1;
  }

  const representative = new Map<string, string>();
  /** The representative of each position once known. */
  const repOf: (string | undefined)[] = new Array<string | undefined>(n).fill(undefined);
  const chain: number[] = [];
  for (let start = 0; start < n; start++) {
    // Walk down the first-parent chain to a commit whose representative is known, then fill in.
    let rep: string | undefined;
    for (let j = start; ;) {
      const known = repOf[j];
      if (known !== undefined) {
        rep = known;
        break;
      }
      const commit = commits[j] as CommitNode;
      if (kept[j]) {
        rep = commit.sha;
        repOf[j] = rep;
        representative.set(commit.sha, rep);
        break;
      }
      chain.push(j);
      const parent = firstParent[j] as number;
      if (parent === -1) {
        rep = commit.parents[0] as string; // the chain leaves the range
        break;
      }
      j = parent;
    }
    for (const j of chain) {
      repOf[j] = rep;
      representative.set((commits[j] as CommitNode).sha, rep as string);
    }
    chain.length = 0;
  }

  const contracted: CommitNode[] = [];
  for (let i = 0; i < n; i++) {
    if (!kept[i]) continue;
    const commit = commits[i] as CommitNode;
    const parents: string[] = [];
    for (const parent of commit.parents) {
      // Every commit of the range has a representative: a parent without one lies outside.
      const mapped = representative.get(parent) ?? parent;
      if (!parents.includes(mapped)) parents.push(mapped);
    }
    contracted.push(commit.date === undefined ? { sha: commit.sha, parents } : { sha: commit.sha, parents, date: commit.date });
  }
  return { graph: { commits: contracted }, representative };
}

/**
 * The position of each commit's first parent in `commits` (shas unique, as from rev-list), -1
 * when it has none or the parent is outside the range. In rev-list order the first parent is
 * most often the next commit, checked first; the sha → position map is built only when a
 * parent is found elsewhere.
 */
export function firstParentPositions(commits: readonly CommitNode[]): Int32Array {
  const n = commits.length;
  const firstParent = new Int32Array(n).fill(-1);
  let position: Map<string, number> | undefined;
  for (let i = 0; i < n; i++) {
    const fp = (commits[i] as CommitNode).parents[0];
    if (fp === undefined) continue;
    if (i + 1 < n && (commits[i + 1] as CommitNode).sha === fp) {
      firstParent[i] = i + 1;
      continue;
    }
    if (position === undefined) {
      position = new Map<string, number>();
      for (let j = 0; j < n; j++) position.set((commits[j] as CommitNode).sha, j);
    }
    firstParent[i] = position.get(fp) ?? -1;
  }
  return firstParent;
}
