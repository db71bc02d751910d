#!/usr/bin/env node
/**
 * Benchmark of "skip what cannot matter" planning: loadCommitGraph + planContextChanges +
 * contractGraph on generated linear repositories of 10,000 and 100,000 commits where about 5%
 * touch the build context (app files, the Dockerfile, .dockerignore) and the rest only touch
 * docs excluded by .dockerignore.
 *
 *   npm run build && node scripts/bench-planning.mjs [sizes…]    (default: 10000 100000)
 *   node scripts/bench-planning.mjs --generate <dir> <size>       (keep a repository, for profiling)
 *   node [--cpu-prof] scripts/bench-planning.mjs --measure <dir>  (one measurement, JSON)
 *
 * Repositories are written with one `git fast-import` into a temporary directory and removed
 * afterwards. Each size is measured in a fresh Node process, so its peak RSS
 * (process.resourceUsage().maxRSS) is the planning's own (git child processes not included).
 * CPU time is shown as Node's own / git's (the finished child processes, from /proc on Linux):
 * on a busy machine it varies less than the wall-clock times.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--measure') {
  await measure(process.argv[3]);
} else if (process.argv[2] === '--generate') {
  // Keeps a repository around for profiling: node scripts/bench-planning.mjs --generate <dir> <size>,
  // then node --cpu-prof scripts/bench-planning.mjs --measure <dir>
  await generate(process.argv[3], Number(process.argv[4]));
} else {
  await main(
    process.argv
      .slice(2)
      .map(Number)
      .filter((n) => n > 0),
  );
}

async function main(sizes) {
  if (sizes.length === 0) sizes = [10_000, 100_000];
  const rows = [];
  for (const size of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'deploybisect-bench-'));
    try {
      const t0 = performance.now();
      await generate(dir, size);
      const generateMs = performance.now() - t0;
      const child = spawnSync(process.execPath, [self, '--measure', dir], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`measurement failed:\n${child.stderr}`);
      rows.push({ size, generateMs, ...JSON.parse(child.stdout) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const header = [
    'commits',
    'changing (D)',
    'kept',
    'generate',
    'loadCommitGraph',
    'planContextChanges',
    'contractGraph',
    'total',
    'CPU node/git',
    'peak RSS',
  ];
  const lines = rows.map((r) => [
    String(r.size),
    String(r.changing),
    String(r.kept),
    ms(r.generateMs),
    ms(r.loadMs),
    ms(r.planMs),
    ms(r.contractMs),
    ms(r.loadMs + r.planMs + r.contractMs),
    `${ms(r.nodeCpuMs)} / ${r.gitCpuMs === undefined ? '?' : ms(r.gitCpuMs)}`,
    `${(r.maxRssKb / 1024).toFixed(0)} MB`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(fmt(header));
  for (const line of lines) console.log(fmt(line));
}

function ms(value) {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}

async function measure(dir) {
  const { loadCommitGraph } = await import('../dist/git/history.js');
  const { planContextChanges } = await import('../dist/git/context-plan.js');
  const { contractGraph } = await import('../dist/bisect/contract-graph.js');
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).stdout.trim();
  const cpu0 = process.cpuUsage();
  const git0 = childrenCpuMs();

  let t = performance.now();
  const graph = await loadCommitGraph(dir, head, []);
  const loadMs = performance.now() - t;

  t = performance.now();
  const plan = await planContextChanges({ repoDir: dir, commits: graph.commits, contextDir: '.', dockerfile: 'Dockerfile' });
  const planMs = performance.now() - t;

  t = performance.now();
  const contracted = contractGraph(graph, (sha) => plan.changesContext.get(sha) ?? true, new Set([head]));
  const contractMs = performance.now() - t;

  const maxRssKb = process.resourceUsage().maxRSS;
  const cpu = process.cpuUsage(cpu0);
  const nodeCpuMs = (cpu.user + cpu.system) / 1000;
  const git1 = childrenCpuMs();
  const gitCpuMs = git0 === undefined || git1 === undefined ? undefined : git1 - git0;
  process.stdout.write(
    JSON.stringify({
      loadMs,
      planMs,
      contractMs,
      changing: plan.changing,
      kept: contracted.graph.commits.length,
      maxRssKb,
      nodeCpuMs,
      gitCpuMs,
    }),
  );
}

/** CPU time of this process's finished children (cutime + cstime, in USER_HZ = 100 ticks a second), where /proc has it. */
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/** A linear history of `size` commits through one `git fast-import`. */
async function generate(dir, size) {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir, LC_ALL: 'C' };
  for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[key];
  spawnSync('git', ['init', '-q', '-b', 'main', dir], { env });
  const child = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: dir, env, stdio: ['pipe', 'inherit', 'inherit'] });
  const closed = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`))));
  });
  const appFiles = 200;
  const docFiles = 200;
  const file = (path, text) => `M 100644 inline ${path}\ndata ${Buffer.byteLength(text)}\n${text}\n`;
  let buffer = '';
  const flush = async (force) => {
    if (buffer.length < 1 << 20 && !force) return;
    if (!child.stdin.write(buffer)) await new Promise((resolve) => child.stdin.once('drain', resolve));
    buffer = '';
  };
  for (let i = 0; i < size; i++) {
    const date = 1_700_000_000 + i * 60;
    const message = `commit ${i}\n`;
    buffer += `commit refs/heads/main\nmark :${i + 1}\ncommitter Bench <bench@example.com> ${date} +0000\ndata ${Buffer.byteLength(message)}\n${message}`;
    if (i > 0) buffer += `from :${i}\n`;
    if (i === 0) {
      buffer += file('Dockerfile', 'FROM node:20\nCOPY . /app\nCMD ["node", "/app/app/f0.js"]\n');
      buffer += file('.dockerignore', 'docs\n*.md\n');
      for (let k = 0; k < appFiles; k++) buffer += file(`app/m${k % 10}/f${k}.js`, `export const v = ${k};\n`);
      for (let k = 0; k < docFiles; k++) buffer += file(`docs/s${k % 10}/p${k}.txt`, `page ${k}\n`);
      buffer += file('README.md', 'readme\n');
    } else if (i % 20 === 0) {
      // ~5%: the context changes (mostly app code, sometimes the Dockerfile or the ignore rules)
      if (i % 1000 === 0) buffer += file('Dockerfile', `FROM node:20\nCOPY . /app\nENV BUILD=${i}\n`);
      else if (i % 2020 === 0) buffer += file('.dockerignore', i % 4040 === 0 ? 'docs\n*.md\n' : 'docs\n*.md\n*.log\n');
      else buffer += file(`app/m${i % 10}/f${i % appFiles}.js`, `export const v = ${i}; // commit\n`);
    } else {
      buffer += i % 3 === 0 ? file('README.md', `readme ${i}\n`) : file(`docs/s${i % 10}/p${i % docFiles}.txt`, `page ${i}\n`);
    }
    await flush(false);
  }
  buffer += 'done\n';
  await flush(true);
  child.stdin.end();
  await closed;
}
