// (j) stack: deploybisect on a compose stack against `git bisect run` with Debian's docker-compose 1.29.
//
// The history (generated in a temp dir): 16 commits of a 3-service stack on the host network (the
// test engine has no bridge network): db (busybox httpd with a healthcheck), cache (busybox httpd)
// and web (built from the repository; it asks db and cache for a page, then serves /health), web
// waiting for db with `service_healthy` and for cache with `service_started`. The culprit removes
// db's healthcheck ("has no healthcheck configured" / "missing a healthcheck configuration").
//
// The script handed to `git bisect run`: `docker-compose build` (exit 125 when it fails), `up -d`
// (its failure: bad), then web's /health polled every 500 ms for up to 30 s (an exited web: bad at
// once), and `down -v --rmi local` always: the expert's with `--timeout 0` (the containers killed at
// once, as deploybisect removes them), the plain one with compose's 10 s stop timeout. compose 1.29 refuses published ports with host
// networking, so web declares its port with `expose:`; the bench's override file (outside the
// history) puts every service on the host network with the others' names resolving to 127.0.0.1.
//
// Each tool runs BENCH_STACK_RUNS times (default 3; deploybisect with an empty verdict cache each
// time); the median wall time is printed. Afterwards nothing may be left: no container, network or
// volume of the compose project or of deploybisect's sessions, no image of the fixture's label.
//
// Environment: DOCKER_HOST (default: the test engine's socket), BENCH_STACK_RUNS, BENCH_KEEP=1.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { BASE_IMAGE, BENCH_LABEL, writeRepo } from './bench-fixtures.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const DOCKER_HOST = process.env.DOCKER_HOST || 'unix:///var/tmp/deploybisect-engine/docker.sock';
const RUNS = Math.max(1, Number(process.env.BENCH_STACK_RUNS ?? 3));
const RUN_ID = `${Date.now().toString(36)}-${process.pid}`;
const PROJECT = `dbbench${RUN_ID.replace(/[^a-z0-9]/g, '')}`;
const ENV = { ...process.env, DOCKER_HOST, NO_COLOR: '1' };
/** Ports of 127.0.0.1 this bench alone uses (the e2e stacks use 186xx). */
const PORTS = { db: 18770, cache: 18771, web: 18772 };

const log = (...args) => console.error('bench stack:', ...args);
const children = new Set();

function run(cmd, args, { cwd = ROOT, env = ENV } = {}) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => {
      children.delete(child);
      reject(error);
    });
    child.on('close', (code) => {
      children.delete(child);
      resolvePromise({ code: code ?? 128, stdout, stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    });
  });
}

const lines = (text) => text.split('\n').filter(Boolean);

// ------------------------------------------------------------------ the history

function compose({ dbHealthcheck = true, greeting = 'hello', cacheNote = 'cache' } = {}) {
  const httpd = (name, port, note) =>
    `["sh", "-c", "mkdir -p /d && echo ${note} > /d/index.html && echo ${name}: ready on ${port} && exec httpd -f -p 127.0.0.1:${port} -h /d"]`;
  return [
    'services:',
    '  db:',
    `    image: ${BASE_IMAGE}`,
    `    command: ${httpd('db', PORTS.db, 'db')}`,
    ...(dbHealthcheck
      ? [
          '    healthcheck:',
          `      test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:${PORTS.db}/"]`,
          '      interval: 1s',
          '      retries: 10',
        ]
      : []),
    '  cache:',
    `    image: ${BASE_IMAGE}`,
    `    command: ${httpd('cache', PORTS.cache, cacheNote)}`,
    '  web:',
    '    build: .',
    `    expose: ["${PORTS.web}"]`,
    '    environment:',
    `      GREETING: ${greeting}`,
    '    depends_on:',
    '      db:',
    '        condition: service_healthy',
    '      cache:',
    '        condition: service_started',
    '',
  ].join('\n');
}

/** web asks db, then cache (started, perhaps not listening yet: a few tries), then serves /health. */
function startScript(version) {
  return [
    '#!/bin/sh',
    'set -e',
    `wget -q -O- http://db:${PORTS.db}/ >/dev/null || { echo "web: cannot reach db:${PORTS.db}" >&2; exit 1; }`,
    'i=0',
    `until wget -q -O- http://cache:${PORTS.cache}/ >/dev/null; do`,
    `  i=$((i + 1)); [ "$i" -lt 25 ] || { echo "web: cannot reach cache:${PORTS.cache}" >&2; exit 1; }; sleep 0.2`,
    'done',
    `mkdir -p /www && echo ok > /www/health && echo ${version} > /www/version`,
    `echo "web ${version}: $GREETING, listening on 127.0.0.1:${PORTS.web}"`,
    `exec httpd -f -p 127.0.0.1:${PORTS.web} -h /www`,
    '',
  ].join('\n');
}

function stackScenario(label) {
  const docs = (line) => ({ 'README.md': `# shop\n\n${line}\n` });
  const dockerfile = `FROM ${BASE_IMAGE}\nLABEL ${BENCH_LABEL}=${label}\nCOPY start.sh /start.sh\nCMD ["sh", "/start.sh"]\n`;
  const commits = [
    {
      subject: 'shop: web, its db and its cache',
      changes: { Dockerfile: dockerfile, 'start.sh': startScript('1.0'), 'compose.yaml': compose(), ...docs('docker compose up') },
    },
    { subject: 'docs: the services', changes: docs('web, db, cache') },
    { subject: 'web: version 1.1', changes: { 'start.sh': startScript('1.1') } },
    { subject: 'docs: the ports', changes: docs(`web on ${PORTS.web}`) },
    { subject: 'compose: greet in French', changes: { 'compose.yaml': compose({ greeting: 'bonjour' }) } },
    { subject: 'docs: troubleshooting', changes: docs('see the logs') },
    { subject: 'web: version 1.2', changes: { 'start.sh': startScript('1.2') } },
    { subject: 'compose: the cache says who it is', changes: { 'compose.yaml': compose({ greeting: 'bonjour', cacheNote: 'cache-1' }) } },
    { subject: 'docs: contact', changes: docs('ops@example.invalid') },
    {
      subject: 'compose: the database needs no healthcheck',
      changes: { 'compose.yaml': compose({ greeting: 'bonjour', cacheNote: 'cache-1', dbHealthcheck: false }) },
    },
    { subject: 'docs: the healthcheck', changes: docs('db is up when it listens') },
    { subject: 'web: version 1.3', changes: { 'start.sh': startScript('1.3') } },
    { subject: 'docs: release notes', changes: docs('1.3: faster') },
    {
      subject: 'compose: greet in German',
      changes: { 'compose.yaml': compose({ greeting: 'hallo', cacheNote: 'cache-1', dbHealthcheck: false }) },
    },
    { subject: 'docs: upgrading', changes: docs('nothing to do') },
    { subject: 'docs: thanks', changes: docs('thanks to all') },
  ];
  return { commits, culprit: 9 };
}

const OVERRIDE = [
  'services:',
  ...['db', 'cache', 'web'].flatMap((name) => [
    `  ${name}:`,
    '    network_mode: host',
    `    extra_hosts: [${['db', 'cache', 'web'].map((h) => `"${h}:127.0.0.1"`).join(', ')}]`,
  ]),
  '',
].join('\n');

const BISECT_SCRIPT = `#!/usr/bin/env bash
# docker-compose 1.29 up -d, web's /health polled, down -v always (git bisect run's test).
set -u
compose=(docker-compose -p "$BENCH_PROJECT" -f compose.yaml -f "$BENCH_OVERRIDE")
echo step >> "$BENCH_COUNTS/steps"
trap '"\${compose[@]}" down -v --rmi local --remove-orphans $BENCH_DOWN_FLAGS > /dev/null 2>&1' EXIT
"\${compose[@]}" build > "$BENCH_COUNTS/build.log" 2>&1 || { echo "build failed: skip"; exit 125; }
echo build >> "$BENCH_COUNTS/builds"
"\${compose[@]}" up -d > "$BENCH_COUNTS/up.log" 2>&1 || { echo "up failed: $(tail -n 2 "$BENCH_COUNTS/up.log")"; exit 1; }
deadline=$((SECONDS + 30))
while [ "$SECONDS" -lt "$deadline" ]; do
  curl -fsS -m 2 -o /dev/null "http://127.0.0.1:${PORTS.web}/health" && { echo healthy; exit 0; }
  state=$(docker inspect -f '{{.State.Status}}' "\${BENCH_PROJECT}_web_1" 2> /dev/null)
  case "$state" in exited|dead) echo "web $state"; exit 1 ;; esac
  sleep 0.5
done
echo "timed out"; exit 1
`;

// ------------------------------------------------------------------ the tools

/** `downFlags`: the expert's `--timeout 0` (the containers killed at once, as deploybisect removes them), or none (compose's 10 s stop). */
async function gitBisectRun(work, fixture, good, bad, override, downFlags) {
  const scratch = join(work, 'scratch');
  const counts = join(work, 'counts');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(counts, { recursive: true });
  const script = join(work, 'bisect-test.sh');
  writeFileSync(script, BISECT_SCRIPT);
  chmodSync(script, 0o755);
  const clone = await run('git', ['clone', '-q', fixture, scratch]);
  if (clone.code !== 0) throw new Error(`git clone: ${clone.stderr}`);
  const env = {
    ...ENV,
    BENCH_COUNTS: counts,
    BENCH_PROJECT: PROJECT,
    BENCH_OVERRIDE: override,
    BENCH_DOWN_FLAGS: downFlags,
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const git = (...args) => run('git', args, { cwd: scratch, env });
  const started = process.hrtime.bigint();
  await git('bisect', 'start', bad, good);
  const bisect = await git('bisect', 'run', script);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const count = (name) => (existsSync(join(counts, name)) ? lines(readFileSync(join(counts, name), 'utf8')).length : 0);
  const found = /^([0-9a-f]{40}) is the first bad commit/m.exec(bisect.stdout)?.[1];
  if (!found)
    throw new Error(`git bisect run ended without a culprit (exit ${bisect.code}):\n${(bisect.stdout + bisect.stderr).slice(-1500)}`);
  const left = await leftovers([`label=com.docker.compose.project=${PROJECT}`]);
  return { culprit: found, builds: count('builds'), steps: count('steps'), seconds, left };
}

async function deploybisect(work, fixture, good, bad) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const args = [CLI, good, bad, '-C', fixture, '--network', 'host', '--json'];
  const result = await run(process.execPath, args, { env: { ...ENV, XDG_CACHE_HOME: work } });
  let json;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    throw new Error(`deploybisect exited ${result.code} without JSON: ${result.stderr.trim().slice(-800)}`);
  }
  const left = json.sessionId ? await leftovers([`label=deploybisect.session=${json.sessionId}`]) : 'no session id';
  return { culprit: json.culprit?.sha, builds: json.builds, steps: json.steps.length, seconds: result.seconds, left, json };
}

/** Containers, networks and volumes with the label: what a tool left behind ('' when nothing). */
async function leftovers(filters) {
  const found = [];
  for (const kind of ['container', 'network', 'volume']) {
    const listed = await run('docker', [
      kind,
      'ls',
      ...(kind === 'container' ? ['-a'] : []),
      '-q',
      ...filters.flatMap((f) => ['--filter', f]),
    ]);
    const ids = lines(listed.stdout);
    if (ids.length > 0) found.push(`${ids.length} ${kind}(s)`);
  }
  return found.join(', ');
}

/** Removes what carries this run's labels: the compose project's objects, deploybisect's images of the fixture. */
async function removeOurs() {
  const project = `label=com.docker.compose.project=${PROJECT}`;
  const containers = lines((await run('docker', ['ps', '-aq', '--filter', project])).stdout);
  if (containers.length) await run('docker', ['rm', '-f', '-v', ...containers]);
  for (const kind of ['network', 'volume']) {
    const ids = lines((await run('docker', [kind, 'ls', '-q', '--filter', project])).stdout);
    if (ids.length) await run('docker', [kind, 'rm', ...ids]);
  }
  for (let round = 0; round < 10; round++) {
    const images = [
      ...new Set(lines((await run('docker', ['images', '-aq', '--no-trunc', '--filter', `label=${BENCH_LABEL}=${RUN_ID}`])).stdout)),
    ];
    if (images.length === 0) return;
    await run('docker', ['rmi', '-f', ...images]);
  }
}

// ------------------------------------------------------------------ main

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

let work;
async function cleanup() {
  for (const child of children) child.kill('SIGTERM');
  await removeOurs().catch((error) => log(`cleanup: ${error.message}`));
  if (work && !process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143)));

async function main() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  if ((await run('docker-compose', ['version', '--short'])).code !== 0)
    throw new Error('docker-compose is missing (Debian: apt-get install docker-compose)');
  if ((await run('docker', ['image', 'inspect', BASE_IMAGE])).code !== 0)
    throw new Error(`${BASE_IMAGE} is missing: npx vitest run test/integration/engine.test.ts builds it`);
  work = mkdtempSync(join(tmpdir(), 'deploybisect-bench-stack-'));
  const fixture = join(work, 'fixture');
  const made = stackScenario(RUN_ID);
  const shas = writeRepo(fixture, made.commits);
  const override = join(work, 'host-network.override.yaml');
  writeFileSync(override, OVERRIDE);
  const [good, bad, planted] = [shas[0], shas.at(-1), shas[made.culprit]];
  const rows = { expert: [], plain: [], deploybisect: [] };
  for (let i = 0; i < RUNS; i++) {
    log(`run ${i + 1}/${RUNS}: git bisect run with docker-compose (down --timeout 0)`);
    rows.expert.push(await gitBisectRun(join(work, 'expert'), fixture, good, bad, override, '--timeout 0'));
    await removeOurs();
    log(`run ${i + 1}/${RUNS}: git bisect run with docker-compose (down)`);
    rows.plain.push(await gitBisectRun(join(work, 'plain'), fixture, good, bad, override, ''));
    await removeOurs();
    log(`run ${i + 1}/${RUNS}: deploybisect --network host`);
    rows.deploybisect.push(await deploybisect(join(work, 'deploybisect'), fixture, good, bad));
    await removeOurs();
    log(`run ${i + 1}/${RUNS}: deploybisect took ${rows.deploybisect.at(-1).seconds.toFixed(1)} s`);
  }
  const reference = median(rows.expert.map((r) => r.seconds));
  const short = (sha) => (sha ? sha.slice(0, 10) : 'none');
  const header = ['tool', 'culprit right', 'builds', 'steps', 'wall s (median)', 'runs s', 'ratio', 'left behind'];
  const body = Object.entries({
    'git bisect run + docker-compose, down -t 0': rows.expert,
    'git bisect run + docker-compose, down': rows.plain,
    'deploybisect --network host': rows.deploybisect,
  }).map(([tool, rs]) => {
    const wall = median(rs.map((r) => r.seconds));
    return [
      tool,
      rs.every((r) => r.culprit === planted) ? 'yes' : `no (${rs.map((r) => short(r.culprit)).join(' ')})`,
      String(median(rs.map((r) => r.builds))),
      String(median(rs.map((r) => r.steps))),
      wall.toFixed(1),
      rs.map((r) => r.seconds.toFixed(1)).join(' '),
      (wall / reference).toFixed(2),
      rs
        .map((r) => r.left)
        .filter(Boolean)
        .join('; ') || 'nothing',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  console.log(
    `${shas.length} commits, 3 services (db healthcheck, cache, web built here); planted culprit #${made.culprit} ${short(planted)} "${made.commits[made.culprit].subject}"; ${RUNS} run(s) each`,
  );
  console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n'));
  console.log(
    'builds: web images built (compose: `build` runs; deploybisect JSON `builds`); steps: bisect script runs / deploybisect steps',
  );
  console.log('ratio: median wall time / the median of git bisect run with `down -t 0` (containers killed at once, as deploybisect does;');
  console.log('  plain `down` waits 10 s for each busybox PID 1, which ignores SIGTERM)');
  console.log('left behind: containers, networks, volumes of the compose project or deploybisect session after each run');
  const first = rows.deploybisect[0]?.json?.culprit?.outcome?.signature;
  if (first) console.log(`deploybisect's signature: ${first}`);
}

try {
  await main();
  await cleanup();
} catch (error) {
  console.error(`bench stack: ${error.stack ?? error}`);
  await cleanup();
  process.exit(1);
}
