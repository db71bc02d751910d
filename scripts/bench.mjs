// `npm run bench`: deploybisect against a hand-written `git bisect run` script, on the same engine.
//
// For each scenario (fixtures in scripts/bench-fixtures.mjs, generated in a temp dir) it runs:
//   1. git bisect run, in a scratch clone, with the script an expert would write (the reference):
//      docker build → exit 125 on failure; docker run --network none --health-interval 500ms (the
//      image's start period and retries kept); the verdict the moment the engine reports the
//      container healthy, unhealthy or dead; always docker rm -f;
//   2. git bisect run with the script a careful user would write (the same, but the HEALTHCHECK
//      status polled once a second for up to 30 s);
//   3. deploybisect with its defaults (--network none --json), then with --jobs 2, then with
//      --prior uniform (git's halving), each with an empty verdict cache of its own (XDG_CACHE_HOME);
// and prints one table per scenario. Every image built from a fixture carries the label
// deploybisect.bench=<run id>; between tools (and at exit) containers and images with it are
// removed, so each tool starts with the same cold layer cache (only the base image is shared).
//
// Then, without Docker: (c) planning time and peak memory on 10,000- and 100,000-commit ranges
// (scripts/bench-planning.mjs), and (d) flaky deployments: the seeded simulation of plain
// bisection, --runs 3 and --flaky (test/simulation/flaky-simulation.test.ts), as a table.
//
// Environment: DOCKER_HOST (default: the test engine's socket), BENCH_SEED (default 7),
// BENCH_SCENARIOS (default "story,story-app,linear,cache,planning,prior,flaky,start,detect,deps,prior-deps,stack"), BENCH_KEEP=1 keeps the temp dir.
//
// (g) start: --version, --help and run --help against Node's own start (scripts/bench-start.mjs);
// (h) detect: finding the platform manifests of a 100,000-file commit (scripts/bench-contract-detect.mjs);
// (i) deps: reading a 10,000-entry lock file (scripts/bench-deps.mjs);
// (j) prior-deps: what the prior pays to find the bumps of a package the output names (scripts/bench-prior-deps.mjs);
// (k) stack: a 3-service compose history on the host network against git bisect run with docker-compose
// 1.29 (scripts/bench-stack.mjs; BENCH_STACK_RUNS runs each, the median).
//
// (f) prior: the informed search against git's halving on seeded simulated histories (scripts/bench-prior.mjs).
//
// (e) cache: the same search with and without a RUN --mount=type=cache package cache
// (scripts/bench-fixtures.mjs cacheMountScenario), each from an empty build cache.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { BASE_IMAGE, BENCH_LABEL, cacheMountScenario, linearScenario, storyScenario, writeRepo } from './bench-fixtures.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const DOCKER_HOST = process.env.DOCKER_HOST || 'unix:///var/tmp/deploybisect-engine/docker.sock';
const SEED = Number(process.env.BENCH_SEED ?? 7);
const RUN_ID = `${Date.now().toString(36)}-${process.pid}`;
const ENV = { ...process.env, DOCKER_HOST, DOCKER_BUILDKIT: '0', NO_COLOR: '1' };

const log = (...args) => console.error('bench:', ...args);

/** Runs a command; resolves with its exit code, output and wall time (never rejects on exit codes). */
function run(cmd, args, { cwd = ROOT, env = ENV, input } = {}) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => {
      children.delete(child);
      reject(error);
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      resolvePromise({ code: code ?? 128, signal, stdout, stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    });
    child.stdin.end(input ?? '');
  });
}
const children = new Set();

async function must(cmd, args, options) {
  const result = await run(cmd, args, options);
  if (result.code !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${result.code}: ${(result.stderr || result.stdout).trim().slice(-600)}`);
  return result.stdout.trim();
}

const docker = (...args) => run('docker', args);

/** Removes every container, then every image, labelled with this run's id. */
async function removeLabelled() {
  const filter = `label=${BENCH_LABEL}=${RUN_ID}`;
  const containers = (await docker('ps', '-aq', '--filter', filter)).stdout.split('\n').filter(Boolean);
  if (containers.length) await docker('rm', '-f', '-v', ...containers);
  // Children before parents: repeat while something is left and progress is made.
  for (let round = 0; round < 10; round++) {
    const images = [...new Set((await docker('images', '-aq', '--no-trunc', '--filter', filter)).stdout.split('\n').filter(Boolean))];
    if (images.length === 0) return;
    await docker('rmi', '-f', ...images);
  }
}

// ------------------------------------------------------------------ git bisect run

const USER_SCRIPT = `#!/usr/bin/env bash
# What a careful user would hand to \`git bisect run\`: build, run, wait for the HEALTHCHECK.
set -u
tag="deploybisect-bench/git-bisect-run:$(git rev-parse --short=12 HEAD)"
echo "$tag" >> "$BENCH_COUNTS/steps"
echo "$tag" >> "$BENCH_COUNTS/builds"
if ! docker build -t "$tag" . > "$BENCH_COUNTS/build.log" 2>&1; then
  echo "build failed: skip"; exit 125
fi
echo "$tag" >> "$BENCH_COUNTS/probes"
cid=$(docker run -d --network none --label "$BENCH_LABEL" "$tag") || { echo "docker run failed: skip"; exit 125; }
trap 'docker rm -f "$cid" > /dev/null 2>&1' EXIT
deadline=$((SECONDS + 30))
while [ "$SECONDS" -lt "$deadline" ]; do
  sleep 1
  state=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$cid") || exit 1
  case "$state" in
    "running healthy") echo healthy; exit 0 ;;
    *unhealthy) echo unhealthy; exit 1 ;;
    exited*|dead*) echo "exited"; exit 1 ;;
  esac
done
echo "timed out"; exit 1
`;

// What an expert hands to \`git bisect run\` (the reference): the image's HEALTHCHECK checked
// every 500 ms (its start period and retries kept), the verdict the moment the container turns
// healthy or unhealthy or exits (the engine's own events, not a poll), exit 125 when the build fails.
const EXPERT_SCRIPT = `#!/usr/bin/env bash
set -u
tag="deploybisect-bench/git-bisect-run:$(git rev-parse --short=12 HEAD)"
echo "$tag" >> "$BENCH_COUNTS/steps"
echo "$tag" >> "$BENCH_COUNTS/builds"
docker build -q -t "$tag" . > "$BENCH_COUNTS/build.log" 2>&1 || { echo "build failed: skip"; exit 125; }
echo "$tag" >> "$BENCH_COUNTS/probes"
since=$(date +%s)
cid=$(docker run -d --network none --health-interval 500ms --label "$BENCH_LABEL" "$tag") || { echo "docker run failed: skip"; exit 125; }
trap 'docker rm -f "$cid" > /dev/null 2>&1' EXIT
exec 3< <(exec timeout 60 docker events --since "$since" --filter "container=$cid" --filter event=health_status --filter event=die \\
  --format '{{.Status}}')
events=$!
trap 'kill "$events" 2> /dev/null; docker rm -f "$cid" > /dev/null 2>&1' EXIT
read -r verdict <&3
echo "$verdict"
case "$verdict" in
  *": healthy") exit 0 ;;
  *) exit 1 ;;
esac
`;

async function gitBisectRun(work, fixture, good, bad, scriptText = USER_SCRIPT) {
  const scratch = join(work, 'scratch-clone');
  const counts = join(work, 'counts');
  mkdirSync(counts, { recursive: true });
  const script = join(work, 'bisect-test.sh');
  writeFileSync(script, scriptText);
  chmodSync(script, 0o755);
  await must('git', ['clone', '-q', fixture, scratch]);
  const env = { ...ENV, BENCH_COUNTS: counts, BENCH_LABEL: `${BENCH_LABEL}=${RUN_ID}`, GIT_CONFIG_NOSYSTEM: '1' };
  const git = (...args) => run('git', args, { cwd: scratch, env });
  const started = process.hrtime.bigint();
  const start = await git('bisect', 'start', bad, good);
  if (start.code !== 0) throw new Error(`git bisect start failed: ${start.stderr}`);
  const bisect = await git('bisect', 'run', script);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await git('bisect', 'reset');
  const lines = (name) =>
    existsSync(join(counts, name)) ? readFileSync(join(counts, name), 'utf8').split('\n').filter(Boolean).length : 0;
  const found = /^([0-9a-f]{40}) is the first bad commit/m.exec(bisect.stdout);
  if (!found && !/first bad commit could be any of/.test(bisect.stdout)) {
    throw new Error(`git bisect run ended without a result (exit ${bisect.code}):\n${(bisect.stdout + bisect.stderr).slice(-1500)}`);
  }
  rmSync(scratch, { recursive: true, force: true });
  return { culprit: found?.[1], builds: lines('builds'), probes: lines('probes'), steps: lines('steps'), seconds };
}

// ------------------------------------------------------------------ deploybisect

/** Each run gets an empty verdict cache of its own (XDG_CACHE_HOME): no run reuses another's outcomes. */
async function deploybisect(cacheHome, fixture, good, bad, extra = []) {
  mkdirSync(cacheHome, { recursive: true });
  const env = { ...ENV, XDG_CACHE_HOME: cacheHome };
  const result = await run(process.execPath, [CLI, good, bad, '-C', fixture, '--network', 'none', '--json', ...extra], { env });
  if (result.code === 2 && /unknown option.*--jobs/.test(result.stderr)) return { na: true };
  let json;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    throw new Error(`deploybisect ${extra.join(' ')} exited ${result.code} without JSON: ${result.stderr.trim().slice(-800)}`);
  }
  return {
    culprit: json.culprit?.sha,
    status: json.status,
    builds: json.builds,
    probes: json.probes,
    steps: json.steps.length,
    seconds: result.seconds,
    json,
  };
}

// ------------------------------------------------------------------ table

function table(rows) {
  const header = ['tool', 'culprit = git bisect run', 'builds', 'probes/steps', 'wall s', 'ratio'];
  const body = rows.map((r) => [r.tool, r.agrees, r.builds, r.probes, r.wall, r.ratio].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function scenario(work, name, title, fixtureOf) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const fixture = join(dir, 'fixture');
  const made = fixtureOf({ label: RUN_ID, seed: SEED });
  const shas = writeRepo(fixture, made.commits);
  const good = shas[0];
  const bad = shas.at(-1);
  const planted = shas[made.culprit];
  log(`${name}: ${shas.length} commits, culprit #${made.culprit}; running git bisect run`);

  const reference = await gitBisectRun(join(dir, 'expert'), fixture, good, bad, EXPERT_SCRIPT);
  await removeLabelled();
  log(`${name}: the expert's git bisect run took ${reference.seconds.toFixed(1)} s; running the careful script`);
  const careful = await gitBisectRun(join(dir, 'careful'), fixture, good, bad, USER_SCRIPT);
  await removeLabelled();
  log(`${name}: the careful script took ${careful.seconds.toFixed(1)} s; running deploybisect`);
  const plain = await deploybisect(join(dir, 'cache-default'), fixture, good, bad);
  await removeLabelled();
  log(`${name}: deploybisect took ${plain.seconds.toFixed(1)} s; running deploybisect --jobs 2`);
  const jobs = await deploybisect(join(dir, 'cache-jobs'), fixture, good, bad, ['--jobs', '2']);
  await removeLabelled();
  log(`${name}: running deploybisect --prior uniform`);
  const uniform = await deploybisect(join(dir, 'cache-uniform'), fixture, good, bad, ['--prior', 'uniform']);
  await removeLabelled();

  const short = (sha) => (sha ? sha.slice(0, 10) : 'none');
  const row = (tool, r) =>
    r.na
      ? { tool, agrees: 'n/a', builds: 'n/a', probes: 'n/a', wall: 'n/a', ratio: 'n/a' }
      : {
          tool,
          agrees: r === reference ? '(reference)' : r.culprit === reference.culprit ? 'yes' : `no (${short(r.culprit)})`,
          builds: r.builds,
          probes: `${r.probes}/${r.steps}`,
          wall: r.seconds.toFixed(1),
          ratio: (r.seconds / reference.seconds).toFixed(2),
        };
  const subject = made.commits[made.culprit].subject;
  console.log(`\n${title}`);
  console.log(
    `  ${shas.length} commits, ${made.contextCommits} touch the build context; planted culprit #${made.culprit} ${short(planted)} "${subject}"`,
  );
  console.log(
    `  git bisect run found ${short(reference.culprit)} (${reference.culprit === planted ? 'the planted culprit' : 'NOT the planted culprit'})`,
  );
  console.log(
    table([
      row("git bisect run, expert's script", reference),
      row('git bisect run, careful script', careful),
      row('deploybisect', plain),
      row('deploybisect --jobs 2', jobs),
      row('deploybisect --prior uniform', uniform),
    ]),
  );
  const wrong = [reference, careful, plain, jobs, uniform].filter((r) => !r.na && r.culprit !== planted);
  return wrong.length === 0;
}

// ------------------------------------------------------------------ cache mounts

/** Seconds each built step spent before its probe (the build and the container's start), in search order. */
function buildSeconds(json) {
  return json.steps
    .filter((s) => s.outcome.built)
    .map((s) => (s.outcome.durationMs - s.outcome.probes.reduce((sum, p) => sum + p.elapsedMs, 0)) / 1000);
}

/** The same search with and without a RUN --mount=type=cache package cache, each from an empty build cache. */
async function cacheMounts(work) {
  const rows = [];
  for (const cacheMount of [false, true]) {
    const name = cacheMount ? 'with-cache-mount' : 'without-cache-mount';
    const fixture = join(work, name, 'fixture');
    const made = cacheMountScenario({ label: RUN_ID, cacheMount });
    const shas = writeRepo(fixture, made.commits);
    await removeLabelled();
    await docker('builder', 'prune', '--all', '--force');
    log(`cache mounts: ${name}, ${shas.length} commits`);
    const r = await deploybisect(join(work, name, 'cache'), fixture, shas[0], shas.at(-1), [
      '--builder',
      'buildkit',
      '--probe',
      'running:2s',
    ]);
    const seconds = buildSeconds(r.json);
    const warm = seconds.slice(1);
    rows.push({
      tool: cacheMount ? 'RUN --mount=type=cache' : 'no cache mount',
      agrees: r.culprit === shas[made.culprit] ? 'yes' : 'NO',
      builds: r.builds,
      first: seconds[0].toFixed(1),
      later: (warm.reduce((a, b) => a + b, 0) / Math.max(1, warm.length)).toFixed(1),
      wall: r.seconds.toFixed(1),
    });
  }
  await removeLabelled();
  await docker('builder', 'prune', '--all', '--force');
  const header = ['build', 'culprit right', 'builds', 'first build s', 'later builds s (mean)', 'wall s'];
  const body = rows.map((r) => [r.tool, r.agrees, r.builds, r.first, r.later, r.wall].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  console.log(
    '\n(e) cache mounts: 16 commits, each adds a package; a package takes 1 s to fetch unless the package cache has it (BuildKit)',
  );
  console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n'));
  console.log('  build s: from the start of an evaluation to its first probe (the build and the container start)');
}

// ------------------------------------------------------------------ main

let work;
let cleaning;
async function cleanup() {
  cleaning ??= (async () => {
    for (const child of children) child.kill('SIGTERM');
    await removeLabelled().catch((error) => log(`cleanup: ${error.message}`));
    if (work && !process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    log(`${sig}: cleaning up`);
    cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  });
}

async function main() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  const server = await run('docker', ['version', '--format', '{{.Server.Version}}']);
  if (server.code !== 0)
    throw new Error(`no Docker engine at ${DOCKER_HOST}: ${server.stderr.trim()} (bash scripts/docker-engine.sh starts one)`);
  if ((await docker('image', 'inspect', BASE_IMAGE)).code !== 0) {
    log(`building ${BASE_IMAGE} (test/integration/engine.test.ts)`);
    await must('npx', ['vitest', 'run', 'test/integration/engine.test.ts']);
  }
  const mem = (totalmem() / 2 ** 30).toFixed(1);
  console.log(
    `machine: ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? '?'}), ${mem} GiB memory, Docker server ${server.stdout.trim()}, node ${process.version}, seed ${SEED}`,
  );

  work = mkdtempSync(join(tmpdir(), 'deploybisect-bench-'));
  const wanted = (
    process.env.BENCH_SCENARIOS ?? 'story,story-app,linear,cache,planning,prior,flaky,start,detect,deps,prior-deps,stack'
  ).split(',');
  let allRight = true;
  if (wanted.includes('story')) {
    allRight =
      (await scenario(work, 'story', '(a) story: supervisord replaced by a start script, ~70 commits, transient build break', (o) =>
        storyScenario({ ...o, total: 70, contextShare: 0.4 }),
      )) && allRight;
  }
  if (wanted.includes('story-app')) {
    allRight =
      (await scenario(
        work,
        'story-app',
        '(a2) story, application culprit: a backend commit crashes it, harmless Dockerfile commits around it, ~70 commits',
        (o) => storyScenario({ ...o, total: 70, contextShare: 0.4, culpritKind: 'application' }),
      )) && allRight;
  }
  if (wanted.includes('linear')) {
    allRight =
      (await scenario(work, 'linear', '(b) linear: 1,000 commits, 5% touch the context, tiny HEALTHCHECK image', (o) =>
        linearScenario({ ...o, total: 1000, contextShare: 0.05 }),
      )) && allRight;
  }
  console.log('\n  builds: docker build invocations (git bisect run) / images built (deploybisect JSON `builds`)');
  console.log('  probes/steps: containers probed / bisect script runs (git bisect run) or steps incl. verification (deploybisect)');
  console.log('  ratio: wall time / git bisect run wall time');
  if (!allRight) console.log('\n  note: some tool did not name the planted culprit (see above)');
  if (wanted.includes('cache')) await cacheMounts(work);
  if (wanted.includes('planning')) {
    log('planning: generating 10,000- and 100,000-commit repositories');
    const planning = await run(process.execPath, [join(ROOT, 'scripts/bench-planning.mjs'), '10000', '100000']);
    if (planning.code !== 0) throw new Error(`bench-planning failed: ${planning.stderr.trim().slice(-800)}`);
    console.log('\n(c) planning: linear history, 5% of commits touch the context');
    console.log(planning.stdout.trimEnd().replace(/^/gm, '  '));
  }
  if (wanted.includes('prior')) {
    log('prior: simulating searches with --prior risk and uniform');
    const sim = await run(process.execPath, [join(ROOT, 'scripts/bench-prior.mjs'), '400', String(SEED)]);
    if (sim.code !== 0) throw new Error(`the prior simulation failed: ${sim.stdout.trim().slice(-800)} ${sim.stderr.trim().slice(-800)}`);
    console.log('\n(f) the informed search, simulated (no Docker)');
    console.log(sim.stdout.trimEnd().replace(/^/gm, '  '));
  }
  for (const [key, title, script] of [
    ['start', '(g) start: how fast the command answers before any work', 'bench-start.mjs'],
    ['detect', '(h) manifest detection on a 100,000-file commit', 'bench-contract-detect.mjs'],
    ['deps', '(i) dependency readers on a 10,000-entry lock file', 'bench-deps.mjs'],
    ['prior-deps', '(j) the prior: which commits bump a package the output names', 'bench-prior-deps.mjs'],
    ['stack', '(k) stack: a 3-service compose history, healthcheck removed under service_healthy (--network host)', 'bench-stack.mjs'],
  ]) {
    if (!wanted.includes(key)) continue;
    if (key === 'stack') log('stack: git bisect run with docker-compose, then deploybisect, a few times each');
    const out = await run(process.execPath, [join(ROOT, 'scripts', script)]);
    if (out.code !== 0) throw new Error(`${script} failed: ${out.stderr.trim().slice(-800)}`);
    console.log(`\n${title}`);
    console.log(out.stdout.trimEnd().replace(/^/gm, '  '));
  }
  if (wanted.includes('flaky')) {
    log('flaky: simulating 1,000 searches per mode');
    const tableFile = join(work, 'flaky-table.txt');
    const sim = await run('npx', ['vitest', 'run', 'test/simulation/flaky-simulation.test.ts'], {
      env: { ...ENV, DEPLOYBISECT_SIMULATION_TABLE: tableFile },
    });
    if (sim.code !== 0 || !existsSync(tableFile)) throw new Error(`the flaky simulation failed: ${sim.stdout.trim().slice(-1500)}`);
    console.log('\n(d) flaky deployments: seeded simulation, the search cores with a random oracle (no Docker)');
    console.log(readFileSync(tableFile, 'utf8').trimEnd().replace(/^/gm, '  '));
    console.log('  runs per search: probes, the verification of both ends not included (the same for every mode)');
  }
}

try {
  await main();
  await cleanup();
} catch (error) {
  console.error(`bench: ${error.stack ?? error}`);
  await cleanup();
  process.exit(1);
}
