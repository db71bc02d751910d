/**
 * A seeded simulation of culprit searches on flaky deployments: the search cores with a random
 * oracle, no Docker. Each search gets a generated history (linear or with merges), a planted
 * culprit, and an oracle that answers like a flaky deployment: a good commit fails with the
 * false-failure rate, a bad commit passes with the false-pass rate. Used by the simulation test
 * (which pins what each mode must reach) and by `npm run bench` (which prints the table).
 */
import { FlakySearch } from '../../src/bisect/flaky-search.js';
import { BisectSearch, type CommitGraph } from '../../src/bisect/index.js';
import { ancestorsOf, linearDag, randomDag, seededRandom, type DagNode } from '../helpers/dag-repo.js';

export type Mode = 'plain' | 'runs3' | 'flaky';

export interface SimulationConfig {
  searches: number;
  seed: number;
  /** A good commit's chance to fail anyway. */
  falseFailure: number;
  /** A bad commit's chance to pass anyway. */
  falsePass?: number;
  minCommits?: number;
  maxCommits?: number;
  /** --flaky: stop at this confidence. */
  confidence?: number;
  /** --flaky: give up after this many runs in one search. */
  maxRuns?: number;
}

export interface SimulationResult {
  mode: Mode;
  searches: number;
  /** Searches that named the planted culprit. */
  right: number;
  accuracy: number;
  /** Runs (probes) per search, on average. */
  meanEvaluations: number;
  meanCommits: number;
}

interface Scenario {
  graph: CommitGraph;
  /** The known-good root, outside the graph. */
  root: string;
  tip: string;
  culprit: string;
  isBad: (name: string) => boolean;
}

/** Search i of a configuration: its history (linear for even i, merges for odd i), culprit and truth. */
export function scenario(config: SimulationConfig, i: number): Scenario {
  const rnd = seededRandom(config.seed * 100_003 + i);
  const min = config.minCommits ?? 10;
  const max = config.maxCommits ?? 1000;
  // Sizes log-uniform between min and max: as many small histories as large ones.
  const size = Math.round(Math.exp(Math.log(min) + rnd() * (Math.log(max) - Math.log(min))));
  const nodes: DagNode[] = i % 2 === 0 ? linearDag(size) : randomDag(Math.floor(rnd() * 1e9), size);
  // rev-list order (newest first), without the root: the root is the known-good commit.
  const graph: CommitGraph = {
    commits: nodes
      .slice(1)
      .reverse()
      .map((n, k) => ({ sha: n.name, parents: n.parents, date: 1_000_000 - k })),
  };
  const culprit = graph.commits[Math.floor(rnd() * graph.commits.length)]!.sha;
  const bad = new Map<string, boolean>();
  const isBad = (name: string): boolean => {
    let known = bad.get(name);
    if (known === undefined) {
      known = ancestorsOf(nodes, name).has(culprit);
      bad.set(name, known);
    }
    return known;
  };
  return { graph, root: nodes[0]!.name, tip: nodes.at(-1)!.name, culprit, isBad };
}

export function simulate(mode: Mode, config: SimulationConfig): SimulationResult {
  let right = 0;
  let evaluations = 0;
  let commits = 0;
  for (let i = 0; i < config.searches; i++) {
    const s = scenario(config, i);
    const runs = seededRandom(config.seed * 7919 + i * 31 + mode.length);
    /** One run of the deployment at a commit: true = it failed. */
    const run = (sha: string): boolean => {
      evaluations++;
      return s.isBad(sha) ? runs() >= (config.falsePass ?? 0) : runs() < config.falseFailure;
    };
    commits += s.graph.commits.length;
    const start = { bad: s.tip, goods: [s.root] };
    const named = mode === 'flaky' ? flakySearch(s.graph, start, run, config) : plainSearch(s.graph, start, run, mode === 'runs3' ? 3 : 1);
    if (named === s.culprit) right++;
  }
  return {
    mode,
    searches: config.searches,
    right,
    accuracy: right / config.searches,
    meanEvaluations: evaluations / config.searches,
    meanCommits: commits / config.searches,
  };
}

/** git bisect's search; each verdict the majority of `runs` runs. The named culprit, or undefined. */
function plainSearch(
  graph: CommitGraph,
  start: { bad: string; goods: string[] },
  run: (sha: string) => boolean,
  runs: number,
): string | undefined {
  const search = new BisectSearch(graph, start);
  for (let st = search.status(); !st.done; st = search.status()) {
    let failures = 0;
    for (let r = 0; r < runs; r++) if (run(st.next)) failures++;
    search.record(st.next, failures * 2 > runs ? 'bad' : 'good');
  }
  const end = search.status();
  return end.done && end.kind === 'found' ? end.culprit : undefined;
}

function flakySearch(
  graph: CommitGraph,
  start: { bad: string; goods: string[] },
  run: (sha: string) => boolean,
  config: SimulationConfig,
): string | undefined {
  const search = new FlakySearch(graph, start, { confidence: config.confidence ?? 0.99 });
  const maxRuns = config.maxRuns ?? 400;
  for (let st = search.status(); !st.done && st.observations < maxRuns; st = search.status()) {
    const [next] = search.next(1);
    if (next === undefined) break;
    search.observe(next, run(next));
  }
  const end = search.status();
  return end.done && end.culprit !== null ? end.culprit : undefined;
}

/** The table `npm run bench` prints and the README shows. */
export function renderTable(title: string, results: SimulationResult[]): string {
  const name: Record<Mode, string> = { plain: 'plain (1 run)', runs3: '--runs 3 (majority)', flaky: '--flaky (0.99)' };
  const rows = results.map((r) => [
    name[r.mode],
    `${r.right}/${r.searches}`,
    `${(r.accuracy * 100).toFixed(1)}%`,
    r.meanEvaluations.toFixed(1),
  ]);
  const header = ['mode', 'right', 'accuracy', 'runs per search'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [title, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
