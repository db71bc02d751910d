/**
 * A flake-aware culprit search (after Henderson et al., "Flake Aware Culprit Finding", ICST 2023):
 * instead of trusting each verdict, it keeps a probability for every commit of the range being the
 * first bad one, plus one for "no culprit: the failures were noise", and updates them with every
 * observation under a model of flaky tests:
 *
 * - a commit that is truly good fails anyway with the flake rate f (false failures);
 * - a commit that is truly bad passes anyway with rate q (false passes).
 *
 * Under "culprit = c", a commit is truly bad exactly when it reaches c (c is itself or an
 * ancestor); under "noise", every commit is good. f and q are not assumed: the posterior is kept
 * jointly over a grid of their values (or f is fixed with `flakeRate`), so the flake rate is
 * learnt from the observations, the known-good commit's runs included.
 *
 * The next commit is the one whose observation is expected to tell most (information gain);
 * k at once are the commits whose chance of being bad lies nearest 1/(k+1), 2/(k+1), … The search
 * ends when one hypothesis reaches the confidence. Pure: no I/O.
 */
import { IndexedGraph, type CommitGraph } from './commit-graph.js';
import { walkRange } from './rev-list-order.js';

export interface FlakyOptions {
  /** Stop when one hypothesis is at least this probable (e.g. 0.99). */
  confidence: number;
  /** A fixed false-failure rate; absent = learnt from the observations. */
  flakeRate?: number;
  /** Prior probability of "no culprit, it was noise". */
  noisePrior?: number;
  /**
   * A prior over which commit is the culprit (`--prior risk`), any positive scale: the rest of the
   * prior is shared in proportion to it instead of evenly.
   */
  mass?: (sha: string) => number;
}

export interface FlakyStatus {
  /** One hypothesis reached the confidence. */
  done: boolean;
  /** The most probable first bad commit, or null when "noise" is the most probable. */
  culprit: string | null;
  /** Probability of `culprit` (or of noise when it is null). */
  probability: number;
  /** Probability that there is no culprit and the failures were noise. */
  noise: number;
  /** Estimated false-failure rate (posterior mean). */
  flakeRate: number;
  /** Observations so far. */
  observations: number;
}

/** False-failure rates considered when none is given, and false-pass rates (always learnt). */
const FLAKE_GRID = [0.005, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45];
const FALSE_PASS_GRID = [0.002, 0.03, 0.1];
const DEFAULT_NOISE_PRIOR = 0.02;

export class FlakySearch {
  private readonly graph: IndexedGraph;
  /** Commits of the range (graph indices), rev-list order; hypothesis i = "range[i] is the first bad commit". */
  private readonly range: number[];
  private readonly slot: Map<number, number>;
  /** reaches[x * n + c] = 1 when range commit x reaches range commit c (x is bad under hypothesis c). */
  private readonly reaches: Uint8Array;
  private readonly fails: Float64Array;
  private readonly passes: Float64Array;
  /** Runs of commits known good (the good ends): they only inform the flake rate. */
  private knownGoodFails = 0;
  private knownGoodPasses = 0;
  private readonly excluded = new Set<number>();
  private readonly grid: Array<{ f: number; q: number }>;
  /** Posterior, hypotheses × grid, normalized; the noise hypothesis is row n. */
  private posterior: Float64Array;
  private observed = 0;

  constructor(
    graph: CommitGraph | IndexedGraph,
    init: { bad: string; goods: string[]; firstParent?: boolean },
    private readonly options: FlakyOptions,
  ) {
    this.graph = graph instanceof IndexedGraph ? graph : new IndexedGraph(graph);
    const firstParentOnly = init.firstParent === true;
    const goods = init.goods.filter((g) => this.graph.has(g)).map((g) => this.graph.indexOf(g));
    const excluded = this.graph.markAncestors(goods);
    this.range = walkRange(this.graph, this.graph.indexOf(init.bad), excluded, firstParentOnly).order;
    const n = this.range.length;
    this.slot = new Map(this.range.map((c, i) => [c, i]));
    // Row x = {x} ∪ the rows of its parents in range; rows filled parents first (oldest first in rev-list order is not enough: dates may lie).
    this.reaches = new Uint8Array(n * n);
    const done = new Uint8Array(n);
    for (let start = n - 1; start >= 0; start--) {
      if (done[start]) continue;
      const stack = [start];
      while (stack.length > 0) {
        const x = stack[stack.length - 1] as number;
        const parents = this.graph
          .walkParents(this.range[x] as number, firstParentOnly)
          .map((p) => this.slot.get(p))
          .filter((p): p is number => p !== undefined);
        const pending = parents.filter((p) => !done[p]);
        if (pending.length > 0) {
          stack.push(...pending);
          continue;
        }
        stack.pop();
        if (done[x]) continue;
        const row = x * n;
        this.reaches[row + x] = 1;
        for (const p of parents) {
          const from = p * n;
          for (let c = 0; c < n; c++) if (this.reaches[from + c]) this.reaches[row + c] = 1;
        }
        done[x] = 1;
      }
    }
    this.fails = new Float64Array(n);
    this.passes = new Float64Array(n);
    const flakes = options.flakeRate === undefined ? FLAKE_GRID : [options.flakeRate];
    this.grid = flakes.flatMap((f) => FALSE_PASS_GRID.map((q) => ({ f, q })));
    this.posterior = new Float64Array((n + 1) * this.grid.length);
    this.update();
  }

  /** Number of hypotheses besides noise: the commits of the range. */
  get size(): number {
    return this.range.length;
  }

  /** Records one run: `failed` = the failure the search is about; a pass otherwise. */
  observe(sha: string, failed: boolean): void {
    this.observed++;
    const i = this.graph.has(sha) ? this.slot.get(this.graph.indexOf(sha)) : undefined;
    if (i === undefined) {
      // Outside the range: a known-good commit (a good end or one of its ancestors).
      if (failed) this.knownGoodFails++;
      else this.knownGoodPasses++;
    } else if (failed) {
      (this.fails[i] as number)++;
    } else {
      (this.passes[i] as number)++;
    }
    this.update();
  }

  /** A commit that cannot be tested (its outcome says nothing about the culprit): never proposed. */
  exclude(sha: string): void {
    if (this.graph.has(sha)) this.excluded.add(this.graph.indexOf(sha));
  }

  /** The probability of each commit of the range being the first bad one (noise left out), by sha. */
  probabilities(): Map<string, number> {
    const marginal = this.marginal();
    return new Map(this.range.map((c, i) => [this.graph.shas[c] as string, marginal[i] as number]));
  }

  status(): FlakyStatus {
    const marginal = this.marginal();
    const n = this.range.length;
    let best = n;
    for (let i = 0; i < n; i++) if ((marginal[i] as number) > (marginal[best] as number)) best = i;
    const probability = marginal[best] as number;
    let flakeRate = 0;
    for (let h = 0; h <= n; h++)
      for (let g = 0; g < this.grid.length; g++) flakeRate += (this.posterior[h * this.grid.length + g] as number) * this.grid[g]!.f;
    return {
      done: probability >= this.options.confidence,
      culprit: best === n ? null : (this.graph.shas[this.range[best] as number] as string),
      probability,
      noise: marginal[n] as number,
      flakeRate,
      observations: this.observed,
    };
  }

  /**
   * The commits to run next: with k = 1 the one whose run is expected to tell most; with k > 1,
   * distinct commits whose chance of being bad lies nearest 1/(k+1), 2/(k+1), …
   */
  next(k = 1): string[] {
    const n = this.range.length;
    const marginal = this.marginal();
    const candidates: Array<{ x: number; pBad: number; gain: number }> = [];
    let f = 0;
    let q = 0;
    for (let h = 0; h <= n; h++) {
      for (let g = 0; g < this.grid.length; g++) {
        const w = this.posterior[h * this.grid.length + g] as number;
        f += w * this.grid[g]!.f;
        q += w * this.grid[g]!.q;
      }
    }
    for (let x = 0; x < n; x++) {
      if (this.excluded.has(this.range[x] as number)) continue;
      let pBad = 0;
      const row = x * n;
      for (let c = 0; c < n; c++) if (this.reaches[row + c]) pBad += marginal[c] as number;
      const pFail = pBad * (1 - q) + (1 - pBad) * f;
      const gain = entropy(pFail) - (pBad * entropy(q) + (1 - pBad) * entropy(f));
      candidates.push({ x, pBad, gain });
    }
    if (candidates.length === 0) return [];
    if (k <= 1) {
      let best = candidates[0]!;
      for (const c of candidates) if (c.gain > best.gain) best = c;
      return [this.graph.shas[this.range[best.x] as number] as string];
    }
    const chosen: number[] = [];
    for (let i = 1; i <= k && chosen.length < candidates.length; i++) {
      const target = i / (k + 1);
      let best: { x: number; pBad: number } | undefined;
      for (const c of candidates) {
        if (chosen.includes(c.x)) continue;
        if (!best || Math.abs(c.pBad - target) < Math.abs(best.pBad - target)) best = c;
      }
      if (best) chosen.push(best.x);
    }
    return chosen.map((x) => this.graph.shas[this.range[x] as number] as string);
  }

  /** Hypotheses' probabilities with the rates summed out; index n = noise. */
  private marginal(): Float64Array {
    const n = this.range.length;
    const out = new Float64Array(n + 1);
    for (let h = 0; h <= n; h++) {
      let sum = 0;
      for (let g = 0; g < this.grid.length; g++) sum += this.posterior[h * this.grid.length + g] as number;
      out[h] = sum;
    }
    return out;
  }

  /** Recomputes the posterior from all observations (exact; cheap next to a build). */
  /** Each commit hypothesis's share of the prior (summing to 1): even, or in proportion to `mass`. */
  private commitPriors(): number[] {
    const n = this.range.length;
    const mass = this.options.mass;
    const weights = this.range.map((c) => (mass ? Math.max(mass(this.graph.shas[c] as string), 0) : 1));
    const total = weights.reduce((a, b) => a + b, 0);
    return total > 0 && Number.isFinite(total) ? weights.map((w) => Math.max(w / total, 1e-12)) : weights.map(() => 1 / n);
  }

  private update(): void {
    const n = this.range.length;
    const G = this.grid.length;
    const noisePrior = this.options.noisePrior ?? DEFAULT_NOISE_PRIOR;
    const logPrior = [...this.commitPriors().map((p) => Math.log((1 - noisePrior) * p)), Math.log(noisePrior)];
    let totalFails = 0;
    let totalPasses = 0;
    const observedSlots: number[] = [];
    for (let x = 0; x < n; x++) {
      if ((this.fails[x] as number) + (this.passes[x] as number) > 0) observedSlots.push(x);
      totalFails += this.fails[x] as number;
      totalPasses += this.passes[x] as number;
    }
    const logs = this.grid.map(({ f, q }) => ({ lf: Math.log(f), l1f: Math.log(1 - f), lq: Math.log(q), l1q: Math.log(1 - q) }));
    const log = new Float64Array((n + 1) * G);
    let max = -Infinity;
    for (let h = 0; h <= n; h++) {
      // Runs of commits that are bad under h: those that reach h.
      let badFails = 0;
      let badPasses = 0;
      if (h < n) {
        for (const x of observedSlots) {
          if (this.reaches[x * n + h]) {
            badFails += this.fails[x] as number;
            badPasses += this.passes[x] as number;
          }
        }
      }
      const goodFails = totalFails - badFails + this.knownGoodFails;
      const goodPasses = totalPasses - badPasses + this.knownGoodPasses;
      for (let g = 0; g < G; g++) {
        const l = logs[g]!;
        const value = (logPrior[h] as number) - Math.log(G) + badFails * l.l1q + badPasses * l.lq + goodFails * l.lf + goodPasses * l.l1f;
        log[h * G + g] = value;
        if (value > max) max = value;
      }
    }
    let total = 0;
    for (let i = 0; i < log.length; i++) {
      const p = Math.exp((log[i] as number) - max);
      log[i] = p;
      total += p;
    }
    for (let i = 0; i < log.length; i++) log[i] = (log[i] as number) / total;
    this.posterior = log;
  }
}

function entropy(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
}
