#!/usr/bin/env node
// How fast the command answers before any work: `--version`, `--help` and `run --help`, each the
// median of 10 runs, beside `node -e 0` (Node's own start). The target: within 0.3 s of Node's start.
// Usage: npm run build && node scripts/bench-start.mjs [runs]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');
const runs = Number(process.argv[2] ?? 10);

function median(args) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (child.status !== 0) throw new Error(`node ${args.join(' ')} exited ${child.status}`);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const node = median(['-e', '0']);
console.log(`node -e 0          ${node.toFixed(0).padStart(5)} ms (median of ${runs})`);
for (const args of [['--version'], ['--help'], ['run', '--help']]) {
  const ms = median([cli, ...args]);
  console.log(`${args.join(' ').padEnd(18)} ${ms.toFixed(0).padStart(5)} ms, ${(ms - node).toFixed(0)} ms over Node's start`);
}
