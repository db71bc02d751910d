// The informed search in simulation (part (f) of `npm run bench`; also `node scripts/bench-prior.mjs [searches] [seed]`):
// seeded histories of D = 10..500 candidate commits (half linear, half with side branches merged
// back), each commit a deployment-describing one (30%: Dockerfile, start scripts, configs,
// manifests; weighed 5), an application one (60%; weighed 1) or docs (10%; weighed 0.3); the culprit
// drawn 70% from deployment commits and 30% from application commits; half the deployment culprits
// match the bad end's output (weight ×3), and so does another deployment commit one time in five.
// Builds counted as a search spends them: the bad end, each test, and the good end (git's halving
// verifies it first; the informed search only when the culprit's parent is the good end). Prints mean and maximum builds for `--prior risk` and `uniform`,
// by culprit kind, and checks the bound ⌈log₂ D⌉ + 2.
// Then dependency bumps (seed + 1): histories where 30% of commits bump a package (dependabot), 10%
// describe the deployment, 50% are application commits and 10% docs; the culprit is a bump of a
// package the bad end's output names, and each other bump is of the same package one time in 20.
// Bumps are weighed by the real scoreCommit (dist/): as a manifest change, without the output's
// package (before), and with it (a bump of the named package: ×3).
import { BisectSearch, maxSideWithin } from '../dist/bisect/index.js';
import { scoreCommit } from '../dist/session/search/prior-score.js';
import { buildBudget } from '../dist/session/search/prior-strategy.js';
import { rng } from './bench-fixtures.mjs';

const SEARCHES = Number(process.argv[2] ?? 400);
const SEED = Number(process.argv[3] ?? 7);

/** A history of d commits above the good root g, newest first; with side branches merged back when `merges`. */
function history(d, merges, random) {
  const nodes = [];
  let main = 'g';
  let i = 0;
  while (i < d) {
    if (merges && d - i > 6 && random() < 0.15) {
      const len = 1 + Math.floor(random() * 3);
      let side = main;
      for (let k = 0; k < len; k++) {
        nodes.push({ sha: `c${i++}`, parents: [side] });
        side = `c${i - 1}`;
      }
      const mainTip = `c${i++}`;
      nodes.push({ sha: mainTip, parents: [main] });
      const merge = `c${i++}`;
      nodes.push({ sha: merge, parents: [mainTip, side] });
      main = merge;
    } else {
      nodes.push({ sha: `c${i++}`, parents: [main] });
      main = `c${i - 1}`;
    }
  }
  return { commits: nodes.reverse().map((n, k) => ({ ...n, date: 100000 - k })), bad: main };
}

function ancestors(graph, sha) {
  const parents = new Map(graph.commits.map((c) => [c.sha, c.parents]));
  const seen = new Set([sha]);
  const stack = [sha];
  while (stack.length) {
    for (const p of parents.get(stack.pop()) ?? []) {
      if (seen.has(p)) continue;
      seen.add(p);
      stack.push(p);
    }
  }
  return seen;
}

function run(graph, bad, culprit, mass) {
  const search = new BisectSearch(graph, { bad, goods: ['g'] });
  const bad_ = (sha) => ancestors(graph, sha).has(culprit);
  const budget = buildBudget(graph.commits.length);
  const linear = graph.commits.every((c) => c.parents.length <= 1);
  let builds = 1; // the bad end
  const tested = new Map();
  for (;;) {
    const st = search.status();
    if (st.done) {
      const node = graph.commits.find((c) => c.sha === st.culprit);
      // The good end: git's halving verifies it first; the informed search only when the culprit's parent is it.
      if (!mass || node.parents.some((p) => tested.get(p) !== 'good')) builds++;
      return { builds, found: st.culprit, budget };
    }
    // The good end is owed until a test says good (on a linear history; with merges, until the end).
    const sawGood = [...tested.values()].includes('good');
    const reserve = mass ? { bad: linear && sawGood ? 0 : 1, good: linear ? 0 : 1 } : { bad: 0, good: 0 };
    const left = budget - builds;
    const sides = { bad: maxSideWithin(left - reserve.bad), good: maxSideWithin(left - reserve.good) };
    const next = (mass && search.nextByPrior(mass, sides)) ?? st.next;
    const verdict = bad_(next) ? 'bad' : 'good';
    tested.set(next, verdict);
    search.record(next, verdict);
    builds++;
  }
}

const random = rng(SEED);
const rows = { deployment: { risk: [], uniform: [] }, application: { risk: [], uniform: [] } };
let wrong = 0;
let overBound = 0;
for (let n = 0; n < SEARCHES; n++) {
  const d = 10 + Math.floor(random() * 491);
  const { commits, bad } = history(d, n % 2 === 1, random);
  const graph = { commits };
  const kinds = new Map(commits.map((c) => [c.sha, random() < 0.3 ? 'deployment' : random() < 0.857 ? 'application' : 'docs']));
  const deployment = commits.filter((c) => kinds.get(c.sha) === 'deployment').map((c) => c.sha);
  const application = commits.filter((c) => kinds.get(c.sha) !== 'deployment').map((c) => c.sha);
  const fromDeployment = random() < 0.7 && deployment.length > 0;
  const pool = fromDeployment ? deployment : application;
  const culprit = pool[Math.floor(random() * pool.length)];
  const weights = new Map(commits.map((c) => [c.sha, { deployment: 5, application: 1, docs: 0.3 }[kinds.get(c.sha)]]));
  if (fromDeployment && random() < 0.5) weights.set(culprit, weights.get(culprit) * 3);
  if (deployment.length > 1 && random() < 0.2) {
    const other = deployment[Math.floor(random() * deployment.length)];
    if (other !== culprit) weights.set(other, weights.get(other) * 3);
  }
  const kind = fromDeployment ? 'deployment' : 'application';
  for (const [name, mass] of [
    ['risk', (sha) => weights.get(sha) ?? 1e-6],
    ['uniform', undefined],
  ]) {
    const r = run(graph, bad, culprit, mass);
    if (r.found !== culprit) wrong++;
    if (r.builds > r.budget) overBound++;
    rows[kind][name].push(r.builds);
  }
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
console.log(
  `${SEARCHES} seeded searches (seed ${SEED}), D = 10..500, half with merges; culprits 70% deployment commits, 30% application commits`,
);
console.log('  culprit        searches  risk mean  risk max  uniform mean  uniform max  risk vs uniform');
for (const kind of ['deployment', 'application']) {
  const r = rows[kind];
  const change = ((mean(r.risk) / mean(r.uniform) - 1) * 100).toFixed(0);
  console.log(
    `  ${kind.padEnd(13)}  ${String(r.risk.length).padStart(8)}  ${mean(r.risk).toFixed(2).padStart(9)}  ${String(Math.max(...r.risk)).padStart(8)}  ${mean(r.uniform).toFixed(2).padStart(12)}  ${String(Math.max(...r.uniform)).padStart(11)}  ${`${change}%`.padStart(15)}`,
  );
}
console.log(`  wrong culprits: ${wrong}; searches over ⌈log₂ D⌉ + 2 builds: ${overBound}`);

// Dependency bumps: the weights scoreCommit gives a dependabot commit (package.json and its lock).
const bump = { paths: ['package.json', 'package-lock.json'], findings: [] };
const change = {
  ecosystem: 'npm',
  name: 'webdav',
  from: '4.11.2',
  to: '5.2.2',
  kind: 'upgraded',
  major: true,
  direct: true,
  scope: 'production',
  sources: [],
};
const named = [{ module: 'webdav', ecosystem: 'npm' }];
const plainBump = scoreCommit({ ...bump, packages: [change] }, [], []).weight;
const namedBump = scoreCommit({ ...bump, packages: [change] }, [], named).weight;
const deps = rng(SEED + 1);
const depRows = { uniform: [], before: [], now: [] };
for (let n = 0; n < SEARCHES; n++) {
  const d = 10 + Math.floor(deps() * 491);
  const { commits, bad } = history(d, n % 2 === 1, deps);
  const kinds = new Map(
    commits.map((c) => {
      const r = deps();
      return [c.sha, r < 0.1 ? 'deployment' : r < 0.4 ? 'bump' : r < 0.9 ? 'application' : 'docs'];
    }),
  );
  const bumps = commits.filter((c) => kinds.get(c.sha) === 'bump').map((c) => c.sha);
  if (bumps.length === 0) continue;
  const culprit = bumps[Math.floor(deps() * bumps.length)];
  const samePackage = new Set([culprit, ...bumps.filter((sha) => sha !== culprit && deps() < 0.05)]);
  const base = { deployment: 5, bump: plainBump, application: 1, docs: 0.3 };
  const before = new Map(commits.map((c) => [c.sha, base[kinds.get(c.sha)]]));
  const now = new Map([...before].map(([sha, w]) => [sha, samePackage.has(sha) ? namedBump : w]));
  for (const [name, mass] of [
    ['uniform', undefined],
    ['before', (sha) => before.get(sha) ?? 1e-6],
    ['now', (sha) => now.get(sha) ?? 1e-6],
  ]) {
    const r = run({ commits }, bad, culprit, mass);
    if (r.found !== culprit) wrong++;
    depRows[name].push(r.builds);
  }
}
console.log(
  `dependency bumps (seed ${SEED + 1}): ${depRows.now.length} searches, 30% of commits bump a package; the culprit bumps the package the output names (so does 1 other bump in 20)`,
);
console.log('  prior                                                    builds mean  builds max');
for (const [name, label] of [
  ['uniform', 'uniform'],
  ['before', `risk, every bump weighed as a manifest change (${plainBump.toFixed(1)})`],
  ['now', `risk, a bump of the package the output names ×3 (${namedBump.toFixed(1)})`],
]) {
  console.log(`  ${label.padEnd(55)}  ${mean(depRows[name]).toFixed(2).padStart(11)}  ${String(Math.max(...depRows[name])).padStart(10)}`);
}
// A wrong culprit fails the benchmark; searches over the bound are reported (merges can force them: see docs/benchmark.md).
if (wrong > 0) process.exitCode = 1;
