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
export function contractGraph(
  graph: CommitGraph,
  changesContext: (sha: string) => boolean,
  keep: ReadonlySet<string>,
): ContractedGraph {
  const commits = graph.commits;
  const position = new Map<string, number>();
  commits.forEach((commit, i) => position.set(commit.sha, i));

  // Merges and roots are always kept, like every commit that changes the context and `keep`.
  const kept = commits.map((c) => c.parents.length !== 1 || keep.has(c.sha) || changesContext(c.sha));

  const representative = new Map<string, string>();
  const chain: number[] = [];
  for (let start = 0; start < commits.length; start++) {
    // Walk down the first-parent chain to a commit whose representative is known, then fill in.
    let rep: string | undefined;
    for (let j: number | undefined = start; j !== undefined; ) {
      const commit = commits[j] as CommitNode;
      const known = representative.get(commit.sha);
      if (known !== undefined) {
        rep = known;
        break;
      }
      if (kept[j]) {
        rep = commit.sha;
        representative.set(commit.sha, rep);
        break;
      }
      chain.push(j);
      const parent = commit.parents[0] as string;
      j = position.get(parent);
      if (j === undefined) rep = parent; // the chain leaves the range
    }
    for (const j of chain) representative.set((commits[j] as CommitNode).sha, rep as string);
    chain.length = 0;
  }

  const contracted: CommitNode[] = [];
  commits.forEach((commit, i) => {
    if (!kept[i]) return;
    const parents: string[] = [];
    for (const parent of commit.parents) {
      const mapped = position.has(parent) ? (representative.get(parent) as string) : parent;
      if (!parents.includes(mapped)) parents.push(mapped);
    }
    contracted.push(commit.date === undefined ? { sha: commit.sha, parents } : { sha: commit.sha, parents, date: commit.date });
  });
  return { graph: { commits: contracted }, representative };
}
