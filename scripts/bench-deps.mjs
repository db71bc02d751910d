#!/usr/bin/env node
// How long the dependency readers take on a 10,000-entry lock (target: under 300 ms). Builds a
// package-lock.json v3 and a yarn.lock classic of 10,000 entries from the real entries of
// test/fixtures/dependencies (eemeli/yaml's lock, unjs/h3's yarn.lock), parses each with the built
// readers (dist/, `npm run build` first), and prints the time: the median of 5 runs after one warm-up.
// Usage: node scripts/bench-deps.mjs [entries]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = Number(process.argv[2] ?? 10_000);
const { readPackageLock } = await import(join(root, 'dist/explain/deps/npm-lock.js'));
const { readYarnLock } = await import(join(root, 'dist/explain/deps/yarn-lock.js'));
const { diffDependencies } = await import(join(root, 'dist/explain/deps/diff-dependencies.js'));
const fixture = (path) => readFileSync(join(root, 'test/fixtures/dependencies', path), 'utf8');

function npmLock(version) {
  const real = Object.entries(JSON.parse(fixture('eemeli-yaml/package-lock.json')).packages).filter(([k]) => k !== '');
  const packages = { '': { name: 'big', version: '1.0.0' } };
  for (let i = 0; i < entries; i += 1) {
    const [path, entry] = real[i % real.length];
    packages[`node_modules/${path.slice(path.lastIndexOf('node_modules/') + 13)}-${i}`] = {
      ...entry,
      version: i === 0 ? version : entry.version,
    };
  }
  return JSON.stringify({ name: 'big', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2);
}

function yarnLock() {
  const blocks = fixture('h3/yarn.lock')
    .split(/\n\n+/)
    .slice(1)
    .filter((b) => /^"?[^\s#]/.test(b));
  const out = ['# yarn lockfile v1'];
  for (let i = 0; i < entries; i += 1) {
    const block = blocks[i % blocks.length];
    out.push(block.replace(/^("?)((?:@[^@/"]+\/)?[^@"\s,]+)@/gm, (_, q, name) => `${q}${name}-${i}@`));
  }
  return `${out.join('\n\n')}\n`;
}

function time(label, fn) {
  fn();
  const runs = [];
  for (let i = 0; i < 5; i += 1) {
    const start = performance.now();
    fn();
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  console.log(`${label}: ${runs[2].toFixed(1)} ms (median of 5; min ${runs[0].toFixed(1)}, max ${runs[4].toFixed(1)})`);
  return runs[2];
}

const before = npmLock('1.0.0');
const after = npmLock('2.0.0');
const yarn = yarnLock();
console.log(`${entries} entries: package-lock.json ${(after.length / 1e6).toFixed(1)} MB, yarn.lock ${(yarn.length / 1e6).toFixed(1)} MB`);
const npm = time('package-lock.json v3, parse', () => readPackageLock(after, 'package-lock.json'));
const classic = time('yarn.lock classic, parse', () => readYarnLock(yarn, 'yarn.lock'));
const both = time('package-lock.json v3, parse both sides and diff', () =>
  diffDependencies([readPackageLock(before, 'package-lock.json')], [readPackageLock(after, 'package-lock.json')]),
);
const worst = Math.max(npm, classic, both / 2);
console.log(worst < 300 ? `within the 300 ms target per lock file` : `OVER the 300 ms target per lock file`);
process.exitCode = worst < 300 ? 0 : 1;
