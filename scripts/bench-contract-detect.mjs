#!/usr/bin/env node
/**
 * Benchmark of manifest detection (src/contract/at-commit/detect-manifests.ts) on a repository whose
 * commit holds 100,000 files: render.yaml, fly.toml, a compose file, skaffold.yaml with its manifests,
 * k8s/ with 40 manifests, and 99,9xx other files in 1,000 directories. The target is under 50 ms.
 *
 *   npm run build && node scripts/bench-contract-detect.mjs [files] [runs]   (default: 100000 9)
 *
 * The repository is written with one `git fast-import` into a temporary directory and removed afterwards.
 * Prints each run's time and the median (the first run pays for the cold pack index).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const files = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 9);
const { detectManifests } = await import('../dist/contract/at-commit/detect-manifests.js');

const MANIFESTS = {
  'render.yaml': 'services:\n  - type: web\n    name: api\n    runtime: docker\n    healthCheckPath: /health\n',
  'fly.toml': 'app = "api"\n[http_service]\ninternal_port = 8080\n',
  'compose.yaml': 'services:\n  api:\n    build: .\n',
  'skaffold.yaml':
    'apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n    - image: api\nmanifests:\n  rawYaml:\n    - deploy/k8s/*.yaml\n',
  'deploy/k8s/api.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api\n',
  Dockerfile: 'FROM scratch\n',
};

function generate(dir) {
  spawnSync('git', ['init', '-q', '-b', 'main', dir]);
  const chunks = [];
  const blob = (path, content) => chunks.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
  for (const [path, content] of Object.entries(MANIFESTS)) blob(path, content);
  for (let i = 0; i < 40; i++) blob(`k8s/service-${i}.yaml`, `apiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\n`);
  const rest = files - Object.keys(MANIFESTS).length - 40;
  for (let i = 0; i < rest; i++) blob(`src/d${String(i % 1000).padStart(3, '0')}/f${i}.txt`, `${i}\n`);
  const message = 'one commit, many files';
  const stream = `commit refs/heads/main\ncommitter Bench <bench@example.com> 1760000000 +0000\ndata ${message.length}\n${message}\n${chunks.join('')}\n`;
  const result = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, input: stream, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`git fast-import failed: ${result.stderr}`);
}

const dir = mkdtempSync(join(tmpdir(), 'deploybisect-bench-detect-'));
try {
  const t0 = performance.now();
  generate(dir);
  const commit = spawnSync('git', ['rev-parse', 'main'], { cwd: dir, encoding: 'utf8' }).stdout.trim();
  const count =
    spawnSync('git', ['ls-tree', '-r', '--name-only', commit], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 }).stdout.split('\n')
      .length - 1;
  console.log(`repository: ${count} files in one commit (written in ${Math.round(performance.now() - t0)} ms)`);
  const times = [];
  let found = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    found = await detectManifests(dir, commit);
    times.push(performance.now() - start);
  }
  console.log(`found: ${found.map((d) => `${d.platform} ${d.path}${d.files.length ? ` (+${d.files.length} files)` : ''}`).join(', ')}`);
  console.log(`runs (ms): ${times.map((t) => t.toFixed(1)).join(' ')}`);
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`detection: median ${median.toFixed(1)} ms over ${runs} runs (limit 50 ms) ${median < 50 ? 'OK' : 'TOO SLOW'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
