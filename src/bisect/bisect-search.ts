/**
 * The bisection state machine: fed verdicts, it answers which commit to test next and when the
 * search is over. Given the same verdict for every commit it tests the same commits as
 * `git bisect run` and names the same first bad commit (or the same "could be any of" set).
 */
import { IndexedGraph, type CommitGraph, type Verdict } from './commit-graph.js';
import { kSection, preferWithin } from './k-section.js';
import { nextCandidate, type NextStep } from './next-candidate.js';
import { priorSplit } from './prior-split.js';

export type SearchStatus =
  | { done: false; next: string; remaining: number; stepsLeft: number }
  | { done: true; kind: 'found'; culprit: string }
  | { done: true; kind: 'inconclusive'; candidates: string[] };

export interface SearchStart {
  bad: string;
  goods: string[];
  firstParent?: boolean;
}

export class BisectSearch {
  private readonly graph: IndexedGraph;
  private readonly firstParentOnly: boolean;
  private bad: number;
  private readonly goods: Set<number>;
  private readonly skipped: Set<number>;
  private readonly recorded: Map<string, Verdict>;
  private cached: SearchStatus | undefined;

  constructor(graph: CommitGraph, init: SearchStart);
  constructor(graph: IndexedGraph, init: SearchStart);
  constructor(graph: CommitGraph | IndexedGraph, init: SearchStart) {
    this.graph = graph instanceof IndexedGraph ? graph : new IndexedGraph(graph);
    this.firstParentOnly = init.firstParent === true;
    if (!this.graph.has(init.bad)) {
      throw new Error(`bad commit ${init.bad} is not in the bisection range`);
    }
    this.bad = this.graph.indexOf(init.bad);
    this.goods = new Set();
    this.skipped = new Set();
    this.recorded = new Map([[init.bad, 'bad']]);
    for (const good of init.goods) this.record(good, 'good');
  }

  /** Every verdict known to the search, the starting bad and good commits included. */
  get verdicts(): ReadonlyMap<string, Verdict> {
    return this.recorded;
  }

  /**
   * Records the verdict on a commit.
   * - bad: the search narrows to the ancestors of the commit. A bad commit outside the current
   *   range (a descendant of the current bad one, or a stale result) narrows nothing.
   * - good: the commit and its ancestors leave the range.
   * - skip: the commit cannot be tested; it is never proposed again.
   * Throws on a verdict contradicting an earlier one for the same commit, on a good commit
   * descending from the bad one, and on bad/skip for a commit outside the graph.
   */
  record(sha: string, verdict: Verdict): void {
    const earlier = this.recorded.get(sha);
    if (earlier === verdict) return;
    if (earlier !== undefined) {
      throw new Error(`commit ${sha} was already marked ${earlier}, cannot mark it ${verdict}`);
    }
    if (!this.graph.has(sha)) {
      // Good commits at the boundary of the range (the starting goods) lie outside the graph.
      if (verdict !== 'good') throw new Error(`commit ${sha} is not in the bisection range`);
      this.recorded.set(sha, verdict);
      return;
    }
    const commit = this.graph.indexOf(sha);
    switch (verdict) {
      case 'good':
        if (this.graph.isAncestor(this.bad, commit)) {
          throw new Error(`commit ${sha} is good but descends from the bad commit ${this.badSha}`);
        }
        this.goods.add(commit);
        break;
      case 'bad':
        if (this.inCurrentRange(commit)) this.bad = commit;
        break;
      case 'skip':
        this.skipped.add(commit);
        break;
    }
    this.recorded.set(sha, verdict);
    this.cached = undefined;
  }

  status(): SearchStatus {
    this.cached ??= this.toStatus(this.step());
    return this.cached;
  }

  /**
   * Up to `k` distinct commits worth testing now: the next commit, then the commits git would
   * test after each possible verdict on it (bad first), breadth first. For speculative work in
   * parallel; the search itself only ever needs `status().next`.
   */
  nextCandidates(k: number): string[] {
    const out: string[] = [];
    const queue: BisectSearch[] = [this];
    while (out.length < k && queue.length > 0) {
      const search = queue.shift() as BisectSearch;
      const st = search.status();
      if (st.done) continue;
      if (!out.includes(st.next)) out.push(st.next);
      for (const verdict of ['bad', 'good'] as const) {
        const branch = search.clone();
        branch.record(st.next, verdict);
        queue.push(branch);
      }
    }
    return out;
  }

  /**
   * Up to `k` distinct commits that cut the remaining range into k+1 near-equal parts (see
   * k-section.ts), for one round of k evaluations at once; with `mass`, parts of near-equal prior
   * mass. With k = 1 it is git's own choice.
   */
  sections(k: number, mass?: (sha: string) => number): string[] {
    const st = this.status();
    if (st.done) return [];
    if (k <= 1) return [st.next];
    const picked = kSection(
      this.graph,
      { bad: this.bad, goods: this.goods, skipped: this.skipped, firstParentOnly: this.firstParentOnly },
      k,
      mass ? (i) => mass(this.graph.shas[i] as string) : undefined,
    );
    return picked.map((i) => this.graph.shas[i] as string);
  }

  /**
   * The next commit to test, favouring commits `prefer` accepts: git's choice when it is preferred
   * or nothing preferred splits the range nearly as well (within `tolerance`, e.g. 0.1 = a smaller
   * side at least 90% of git's), else the best-splitting preferred commit.
   */
  nextPreferring(prefer: (sha: string) => boolean, tolerance: number): string | undefined {
    const st = this.status();
    if (st.done) return undefined;
    const position = { bad: this.bad, goods: this.goods, skipped: this.skipped, firstParentOnly: this.firstParentOnly };
    const choice = preferWithin(this.graph, position, this.graph.indexOf(st.next), (i) => prefer(this.graph.shas[i] as string), tolerance);
    return this.graph.shas[choice] as string;
  }

  /**
   * The commit whose test best halves the prior's mass (`mass` of each commit) over the candidates
   * left, among those that leave at most `maxSide` candidates for either verdict (or `.bad` and
   * `.good` for each); undefined when none does (then git's choice is the safe one).
   */
  nextByPrior(mass: (sha: string) => number, maxSide: number | { bad: number; good: number }): string | undefined {
    const st = this.status();
    if (st.done) return undefined;
    const position = { bad: this.bad, goods: this.goods, skipped: this.skipped, firstParentOnly: this.firstParentOnly };
    const sides = typeof maxSide === 'number' ? { bad: maxSide, good: maxSide } : maxSide;
    const choice = priorSplit(this.graph, position, (i) => mass(this.graph.shas[i] as string), sides, this.graph.indexOf(st.next));
    return choice === undefined ? undefined : (this.graph.shas[choice] as string);
  }

  private get badSha(): string {
    return this.graph.shas[this.bad] as string;
  }

  private step(): NextStep {
    return nextCandidate(this.graph, {
      bad: this.bad,
      goods: this.goods,
      skipped: this.skipped,
      firstParentOnly: this.firstParentOnly,
    });
  }

  private inCurrentRange(commit: number): boolean {
    const excluded = this.graph.markAncestors(this.goods);
    if (excluded[commit]) return false;
    // Reachable from the current bad commit through the parents the walk follows.
    const seen = new Uint8Array(this.graph.size);
    const stack = [this.bad];
    seen[this.bad] = 1;
    while (stack.length > 0) {
      const c = stack.pop() as number;
      if (c === commit) return true;
      for (const p of this.graph.walkParents(c, this.firstParentOnly)) {
        if (!seen[p] && !excluded[p]) {
          seen[p] = 1;
          stack.push(p);
        }
      }
    }
    return false;
  }

  private toStatus(step: NextStep): SearchStatus {
    const sha = (i: number): string => this.graph.shas[i] as string;
    switch (step.kind) {
      case 'test':
        return { done: false, next: sha(step.commit), remaining: step.remaining, stepsLeft: step.stepsLeft };
      case 'found':
        return { done: true, kind: 'found', culprit: sha(step.commit) };
      case 'inconclusive':
        return { done: true, kind: 'inconclusive', candidates: step.candidates.map(sha) };
    }
  }

  /** An independent copy: verdicts recorded on it (a what-if) leave this search as it is. */
  clone(): BisectSearch {
    const copy = new BisectSearch(this.graph, { bad: this.badSha, goods: [], firstParent: this.firstParentOnly });
    copy.bad = this.bad;
    for (const g of this.goods) copy.goods.add(g);
    for (const s of this.skipped) copy.skipped.add(s);
    for (const [sha, v] of this.recorded) copy.recorded.set(sha, v);
    return copy;
  }
}
