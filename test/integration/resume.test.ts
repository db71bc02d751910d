/**
 * Interrupted and resumed runs on the real engine: SIGKILL, SIGTERM and SIGINT at points of real
 * runs; the re-run resumes from the saved state without rebuilding what was judged and names the
 * same culprit; nothing labelled survives (after `clean` for SIGKILL); the repository is untouched.
 * Then `log`, an edited log through `replay`, and `--mark`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LABEL_COMMIT, LABEL_SESSION } from '../../src/docker/labels.js';
import { createRepo, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine, testDockerHost } from '../helpers/docker-engine.js';
import { CLI, runCli } from '../helpers/run-cli.js';

const HEALTHY = shellApp('echo up; sleep 120');
const BROKEN = shellApp('echo "fatal: no config" >&2; exit 3');

describe('interrupted runs resume', () => {
  let docker: Docker;
  let repo: TestRepo;
  let shas: string[];
  const culpritIndex = 9;
  const cache = mkdtempSync(join(tmpdir(), 'deploybisect-resume-'));
  const env = { XDG_CACHE_HOME: cache };
  // git's halving (--prior uniform): enough steps to interrupt three times; the informed search would be done sooner.
  const args = () => [shas[0]!, shas[15]!, '--network', 'none', '--probe', 'running:2s', '--no-cache', '--prior', 'uniform'];

  beforeAll(async () => {
    docker = await requireEngine();
    ({ repo, shas } = createRepo(
      Array.from({ length: 16 }, (_, i) => ({
        subject: `release ${i}`,
        changes: { Dockerfile: i >= culpritIndex ? BROKEN : HEALTHY, 'version.txt': `${i}\n` },
      })),
    ));
  });
  afterAll(() => {
    repo?.remove();
    rmSync(cache, { recursive: true, force: true });
  });

  /** Labelled containers and images of this repository's commits, by session. */
  async function leftovers(): Promise<{ containers: number; images: number; sessions: Set<string> }> {
    const mine = (labels: Record<string, string> | undefined) => shas.includes(labels?.[LABEL_COMMIT] ?? '');
    const containers = (await docker.listContainers({ all: true, filters: { label: [LABEL_SESSION] } })).filter((c) => mine(c.Labels));
    const images = (await docker.listImages({ filters: { label: [LABEL_SESSION] } })).filter((i) => mine(i.Labels));
    return {
      containers: containers.length,
      images: images.length,
      sessions: new Set([...containers.map((c) => c.Labels[LABEL_SESSION]!), ...images.map((i) => i.Labels![LABEL_SESSION]!)]),
    };
  }

  /** Starts a run and kills it with `signal` once `verdicts` verdict lines were printed. */
  async function interrupt(signal: NodeJS.Signals, verdicts: number): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [CLI, ...args()], {
      cwd: repo.dir,
      env: { ...process.env, DOCKER_HOST: testDockerHost(), NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if ((stderr.match(/ — (good|bad|skip): /g) ?? []).length >= verdicts) resolve();
      });
      child.on('close', () => resolve());
    });
    child.kill(signal);
    return { code: await exited, stderr };
  }

  it('after SIGKILL, SIGTERM and SIGINT, the same command resumes, rebuilds nothing judged, and names the culprit', async () => {
    const before = repo.snapshot();
    const killed = await interrupt('SIGKILL', 2);
    expect(killed.code).toBeNull();
    const judgedBeforeKill = (killed.stderr.match(/ — (good|bad|skip): /g) ?? []).length;
    expect(judgedBeforeKill).toBeGreaterThanOrEqual(2);

    // SIGKILL leaves its containers and images; `clean --session` reaps them.
    const left = await leftovers();
    for (const session of left.sessions) {
      const cleaned = await runCli(['clean', '--session', session], { env });
      expect(cleaned.code, cleaned.stderr).toBe(0);
    }
    expect(await leftovers()).toMatchObject({ containers: 0, images: 0 });

    const terminated = await interrupt('SIGTERM', judgedBeforeKill + 1);
    expect(terminated.code).toBe(143);
    expect(terminated.stderr).toMatch(/resuming: \d+ runs? already known from /);
    const interrupted = await interrupt('SIGINT', judgedBeforeKill + 2);
    expect(interrupted.code).toBe(130);
    expect(await leftovers()).toMatchObject({ containers: 0, images: 0 });

    const resumed = await runCli([...args(), '--json'], { cwd: repo.dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout);
    expect(result.culprit.sha).toBe(shas[culpritIndex]);
    const replayed = result.steps.filter((s: { outcome: { reused?: string } }) => s.outcome.reused === 'state');
    expect(replayed.length).toBeGreaterThanOrEqual(judgedBeforeKill + 2);
    // Nothing judged before is built again: every build of this run is of a commit no earlier run judged.
    expect(result.resume.builds).toBe(result.steps.length - replayed.length);
    expect(result.resume.replayedRuns).toBe(replayed.length);
    // The cost reported is the whole search's: each step's commit was built once, by this run or an earlier one.
    expect(result.builds).toBe(result.steps.length);

    // The same result as an uninterrupted run.
    const fresh = await runCli([...args(), '--restart', '--json'], { cwd: repo.dir, env });
    const uninterrupted = JSON.parse(fresh.stdout);
    expect(uninterrupted.culprit.sha).toBe(result.culprit.sha);
    expect(uninterrupted.steps.map((s: { sha: string }) => s.sha)).toEqual(result.steps.map((s: { sha: string }) => s.sha));
    expect(uninterrupted.steps.every((s: { outcome: { reused?: string } }) => s.outcome.reused !== 'state')).toBe(true);

    expect(await leftovers()).toMatchObject({ containers: 0, images: 0 });
    expect(repo.snapshot()).toBe(before);
  });

  it('log prints the verdicts; replay of an edited log continues from it; --mark injects a verdict', async () => {
    const log = await runCli(['log', shas[0]!, shas[15]!], { cwd: repo.dir, env });
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toContain(`range ${shas[0]} ${shas[15]}`);
    expect(log.stdout).toContain(`bad ${shas[culpritIndex]} # release ${culpritIndex}: container exited with code 3`);
    // Without ends: the search of this repository saved last (this one); the options of the run are taken and ignored.
    const latest = await runCli(['log', '--network', 'none', '--probe', 'running:2s', '--no-cache'], { cwd: repo.dir, env });
    expect(latest.code, latest.stderr).toBe(0);
    expect(latest.stdout).toContain(`range ${shas[0]} ${shas[15]}`);
    expect(latest.stdout.split('\n').slice(2)).toEqual(log.stdout.split('\n').slice(2));

    // Correct a verdict by hand, as with `git bisect replay`: say the culprit was in fact good.
    const edited = log.stdout.replace(`bad ${shas[culpritIndex]}`, `good ${shas[culpritIndex]}`);
    const file = join(cache, 'edited.log');
    writeFileSync(file, edited);
    const replay = await runCli(['replay', file, '--network', 'none', '--probe', 'running:2s', '--no-cache', '--json'], {
      cwd: repo.dir,
      env,
    });
    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout).culprit.sha).toBe(shas[culpritIndex + 1]);

    const marked = await runCli(
      [...args(), '--restart', '--mark', `${shas[culpritIndex - 1]}=good`, '--mark', `${shas[culpritIndex]}=bad`, '--json'],
      { cwd: repo.dir, env },
    );
    expect(marked.code, marked.stderr).toBe(0);
    const result = JSON.parse(marked.stdout);
    expect(result.culprit.sha).toBe(shas[culpritIndex]);
    // Only the ends were evaluated: the marks decided the rest.
    expect(result.steps.map((s: { role: string }) => s.role)).toEqual(['verify', 'verify']);
  });

  it('rejects a log that is not one, a bad --mark and --mark with --flaky', async () => {
    const file = join(cache, 'not-a-log');
    writeFileSync(file, 'hello world\n');
    const cases: Array<[string[], string]> = [
      [['replay', file], `deploybisect: ${file}:1: expected 'good <commit>', 'bad <commit>' or 'skip <commit>', got 'hello world'`],
      [['replay', join(cache, 'missing.log')], `deploybisect: cannot read the log ${join(cache, 'missing.log')}: ENOENT`],
      [
        [...args(), '--mark', `${shas[3]}=maybe`],
        `deploybisect: invalid --mark '${shas[3]}=maybe': expected <commit>=good, <commit>=bad or <commit>=skip`,
      ],
      [
        [...args(), '--flaky', '--mark', `${shas[3]}=good`],
        'deploybisect: --mark cannot be used with --flaky: a flake-aware search weighs runs, not verdicts',
      ],
      [['log', shas[1]!, shas[2]!], `deploybisect: no saved state for ${shas[1]!.slice(0, 12)}..${shas[2]!.slice(0, 12)} at `],
    ];
    for (const [argv, message] of cases) {
      const run = await runCli(argv, { cwd: repo.dir, env });
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n')[0]!.startsWith(message), run.stderr).toBe(true);
    }
  });
});

describe('a hung build', () => {
  it('is stopped at --build-timeout and reported as hung (exit 1), with nothing left behind', async () => {
    const docker = await requireEngine();
    const { repo, shas } = createRepo([
      { subject: 'slow build', changes: { Dockerfile: `FROM deploybisect-test/busybox:2\nRUN sleep 60\n` } },
    ]);
    try {
      const started = Date.now();
      const run = await runCli(['test', shas[0]!, '--network', 'none', '--build-timeout', '2s'], { cwd: repo.dir });
      // No verdict: `test` exits 128, so that git bisect run stops (other commands exit 1).
      expect(run.code).toBe(128);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(run.stderr.trim().split('\n').at(-1)).toBe(
        `deploybisect: the build of ${shas[0]!.slice(0, 12)} on ${testDockerHost()} did not finish within 2.0s (--build-timeout): re-run to resume, with a longer --build-timeout if the build is just slow`,
      );
      const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL_COMMIT}=${shas[0]}`] } });
      expect(containers).toEqual([]);
    } finally {
      repo.remove();
    }
  });
});
