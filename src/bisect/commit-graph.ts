/**
 * The history a bisection runs over: the commits of `git rev-list bad --not good...`,
 * as plain data. Nothing here performs I/O.
 */

export type Verdict = 'good' | 'bad' | 'skip';

export interface CommitNode {
  /** Full object name (40 or 64 lowercase hex digits). */
  sha: string;
  /** Parents in commit order; the first one is the first parent. May name commits outside the graph. */
  parents: string[];
  /**
   * Committer timestamp (seconds since the epoch). git walks history newest-first by this date,
   * and the order of that walk decides ties in the choice of the next commit. When absent, the
   * order of `CommitGraph.commits` is taken as the walk order.
   */
  date?: number;
}

/** commits = the output of rev-list for bad --not goods, in rev-list order. */
export interface CommitGraph {
  commits: CommitNode[];
}

/**
 * The graph with commits numbered by their position in `CommitGraph.commits`, parents resolved
 * to positions. Built once per search; every later computation works on integers.
 */
export class IndexedGraph {
  readonly size: number;
  readonly shas: readonly string[];
  /** Parents that are in the graph, in commit order. */
  readonly parents: readonly (readonly number[])[];
  /** Position of the first parent, or -1 when it is outside the graph (or there is none). */
  readonly firstParent: readonly number[];
  /** Walk priority: larger is visited earlier among commits waiting in the walk. */
  readonly dates: readonly number[];
  private readonly positions: Map<string, number>;

  constructor(graph: CommitGraph) {
    const commits = graph.commits;
    this.size = commits.length;
    this.positions = new Map();
    commits.forEach((c, i) => {
      if (this.positions.has(c.sha)) throw new Error(`commit ${c.sha} appears twice in the graph`);
      this.positions.set(c.sha, i);
    });
    this.shas = commits.map((c) => c.sha);
    this.parents = commits.map((c) => c.parents.map((p) => this.positions.get(p)).filter((p): p is number => p !== undefined));
    this.firstParent = commits.map((c) => {
      const first = c.parents[0];
      return first === undefined ? -1 : (this.positions.get(first) ?? -1);
    });
    const allDated = commits.every((c) => typeof c.date === 'number' && Number.isFinite(c.date));
    // Without dates, a strictly decreasing priority along the given order reproduces that order:
    // rev-list lists every commit before its parents, so the walk then visits commits in list order.
    this.dates = commits.map((c, i) => (allDated ? (c.date as number) : -i));
  }

  has(sha: string): boolean {
    return this.positions.has(sha);
  }

  indexOf(sha: string): number {
    const i = this.positions.get(sha);
    if (i === undefined) throw new Error(`commit ${sha} is not in the bisection range`);
    return i;
  }

  /** Parents followed by the walk: every parent, or only the first in first-parent mode. */
  walkParents(i: number, firstParentOnly: boolean): readonly number[] {
    if (!firstParentOnly) return this.parents[i] ?? [];
    const fp = this.firstParent[i] ?? -1;
    return fp < 0 ? [] : [fp];
  }

  /** Marks every commit reachable from `starts` (themselves included) through all parents. */
  markAncestors(starts: Iterable<number>, into: Uint8Array = new Uint8Array(this.size)): Uint8Array {
    const stack: number[] = [];
    for (const s of starts) {
      if (!into[s]) {
        into[s] = 1;
        stack.push(s);
      }
    }
    while (stack.length > 0) {
      const c = stack.pop() as number;
      for (const p of this.parents[c] ?? []) {
        if (!into[p]) {
          into[p] = 1;
          stack.push(p);
        }
      }
    }
    return into;
  }

  /** True when `ancestor` is `descendant` or reachable from it through all parents. */
  isAncestor(ancestor: number, descendant: number): boolean {
    return this.markAncestors([descendant])[ancestor] === 1;
  }
}
