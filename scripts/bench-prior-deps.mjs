#!/usr/bin/env node
// What the prior pays to find the commits that change a package the bad end's output names
// (readNamedChanges, dist/: `npm run build` first). Generated histories (one `git fast-import`) of
// COMMITS commits, every third one a dependabot-like bump of one package of a package-lock.json v3
// of ENTRIES entries (real entries of eemeli/yaml's lock, test/fixtures/dependencies), the others
// application changes; measured for a package the lock holds (each version of the lock is parsed
// once) and for one it does not hold (no lock is parsed). Prints the wall time, the locks read and the
// peak RSS; the pure scoring of every commit (scoreCommit) is timed as well.
// Usage: node scripts/bench-prior-deps.mjs [commits] [entries…]   (default: 1000 2000 10000)
import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const COMMITS = Number(process.argv[2] ?? 1000);
const SIZES = process.argv
  .slice(3)
  .map(Number)
  .filter((n) => n > 0);
const { readNamedChanges } = await import(join(root, 'dist/explain/deps/named-changes.js'));
const { scoreCommit } = await import(join(root, 'dist/session/search/prior-score.js'));
const real = Object.entries(
  JSON.parse(readFileSync(join(root, 'test/fixtures/dependencies/eemeli-yaml/package-lock.json'), 'utf8')).packages,
).filter(([k]) => k !== '');

/** A lock of `entries` packages named pkg-<i>; `versions[i]` overrides the version of pkg-i. */
function lock(entries, versions) {
  const packages = { '': { name: 'app', version: '1.0.0', dependencies: { 'pkg-0': `^${versions.get(0) ?? '1.0.0'}` } } };
  for (let i = 0; i < entries; i += 1) {
    const [, entry] = real[i % real.length];
    const version = versions.get(i) ?? entry.version;
    packages[`node_modules/pkg-${i}`] = { ...entry, version, resolved: `https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-${version}.tgz` };
  }
  return JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2);
}

/** The history as a fast-import stream: commit k bumps pkg-(k mod 50) when k % 3 === 0, else edits src/app.js. */
function generate(dir, entries) {
  const versions = new Map();
  const stream = join(dir, 'fast-import.txt');
  const out = { push: (text) => appendFileSync(stream, text) };
  const blob = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  for (let k = 0; k < COMMITS; k += 1) {
    out.push(`commit refs/heads/main\ncommitter b <b@x> ${1700000000 + k} +0000\n${blob(`c${k}`)}`);
    if (k === 0 || k % 3 === 0) {
      versions.set(k % 50, `${1 + Math.floor(k / 150)}.${k % 7}.0`);
      const manifest = JSON.stringify({ name: 'app', dependencies: { 'pkg-0': `^${versions.get(0) ?? '1.0.0'}` } }, null, 2);
      out.push(`M 100644 inline package.json\n${blob(manifest)}M 100644 inline package-lock.json\n${blob(lock(entries, versions))}`);
    } else {
      out.push(`M 100644 inline src/app.js\n${blob(`// ${k}\n`)}`);
    }
  }
  const repo = join(dir, 'repo');
  spawnSync('git', ['init', '-q', '-b', 'main', repo]);
  const input = openSync(stream, 'r');
  const run = spawnSync('git', ['fast-import', '--quiet'], { cwd: repo, stdio: [input, 'pipe', 'pipe'] });
  closeSync(input);
  if (run.status !== 0) throw new Error(run.stderr.toString());
  rmSync(stream);
  return repo;
}

function commitsOf(dir) {
  const log = spawnSync('git', ['log', '--format=%H %P', 'main'], { cwd: dir, encoding: 'utf8', maxBuffer: 1e8 }).stdout.trim();
  const pairs = log
    .split('\n')
    .map((l) => l.split(' '))
    .filter((p) => p.length === 2);
  const names = spawnSync('git', ['diff-tree', '--stdin', '-r', '--name-only'], {
    cwd: dir,
    input: pairs.map(([c, p]) => `${c} ${p}\n`).join(''),
    encoding: 'utf8',
    maxBuffer: 1e8,
  }).stdout;
  const paths = new Map();
  let current;
  for (const line of names.split('\n').filter(Boolean)) {
    if (/^[0-9a-f]{40}$/.test(line)) paths.set((current = line), []);
    else paths.get(current).push(line);
  }
  return pairs.map(([sha, parent]) => ({ sha, parent, paths: paths.get(sha) ?? [] }));
}

async function measure(dir, module) {
  const commits = commitsOf(dir);
  const t = performance.now();
  const found = await readNamedChanges(dir, commits, [{ module, ecosystem: 'npm' }]);
  return { ms: performance.now() - t, found: found.size, commits };
}

const ms = (v) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
console.log(`${COMMITS} commits, a third of them bumping a package of a package-lock.json v3`);
for (const entries of SIZES.length > 0 ? SIZES : [2000, 10000]) {
  const dir = mkdtempSync(join(tmpdir(), 'deploybisect-bench-prior-deps-'));
  try {
    const repo = generate(dir, entries);
    const named = await measure(repo, 'pkg-0');
    const absent = await measure(repo, 'left-pad');
    const bumps = named.commits.filter((c) => c.paths.includes('package-lock.json')).length;
    console.log(
      `  ${entries} entries: ${bumps} lock changes; a package it holds: ${ms(named.ms)} (${named.found} commits change it); ` +
        `one it does not hold: ${ms(absent.ms)}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const change = {
  ecosystem: 'npm',
  name: 'pkg-0',
  from: '1.0.0',
  to: '2.0.0',
  kind: 'upgraded',
  major: true,
  direct: true,
  scope: 'production',
  sources: [],
};
const commit = { paths: ['package.json', 'package-lock.json'], findings: [], packages: [change] };
const tokens = ['/app/node_modules/pkg-0', 'pkg-0'];
for (const [label, modules] of [
  ['no package named', []],
  ['a package named', [{ module: 'pkg-0', ecosystem: 'npm' }]],
]) {
  const t = performance.now();
  for (let i = 0; i < 100_000; i += 1) scoreCommit(commit, tokens, modules);
  console.log(`  scoreCommit, 100,000 lock-changing commits, ${label}: ${ms(performance.now() - t)}`);
}
