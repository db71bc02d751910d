/** Probes against real containers: what passes, what fails, and how fast a failure is known. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRepo, httpApp, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { BASE_IMAGE, requireEngine } from '../helpers/docker-engine.js';
import { freePort } from '../helpers/free-port.js';
import { runCli } from '../helpers/run-cli.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

function oneCommit(changes: Record<string, string>): { dir: string; sha: string } {
  const { repo, shas } = createRepo([{ subject: 'app', changes }]);
  repos.push(repo);
  return { dir: repo.dir, sha: shas[0]! };
}

async function testJson(dir: string, sha: string, args: string[]) {
  const run = await runCli(['test', sha, '--json', ...args], { cwd: dir });
  expect([0, 1], run.stderr).toContain(run.code);
  return { code: run.code, result: JSON.parse(run.stdout) };
}

describe('probes on a real engine', () => {
  beforeAll(async () => {
    await requireEngine();
  });

  it('http: passes when the service answers 2xx on 127.0.0.1 (host network)', async () => {
    const port = await freePort();
    const { dir, sha } = oneCommit({ Dockerfile: httpApp(port, 'ok') });
    const { code, result } = await testJson(dir, sha, ['--network', 'host', '--probe', `http://127.0.0.1:${port}/health`]);
    expect(code).toBe(0);
    expect(result.outcome.probes[0]).toMatchObject({ kind: 'http', ok: true, evidence: { status: 200 } });
  });

  it('http: fails with the status and path when the service answers 404, after the timeout', async () => {
    const port = await freePort();
    const { dir, sha } = oneCommit({ Dockerfile: httpApp(port, 'missing') });
    const { code, result } = await testJson(dir, sha, [
      '--network',
      'host',
      '--timeout',
      '3s',
      '--probe',
      `http://127.0.0.1:${port}/health`,
    ]);
    expect(code).toBe(1);
    expect(result.outcome.signature).toBe('http 404 from /health');
    expect(result.outcome.probes[0].elapsedMs).toBeGreaterThanOrEqual(2500);
  });

  it('http: --expect-status and --expect-body decide what a pass is', async () => {
    const port = await freePort();
    const { dir, sha } = oneCommit({ Dockerfile: httpApp(port, 'ok') });
    const url = `http://127.0.0.1:${port}/health`;
    const body = await testJson(dir, sha, ['--network', 'host', '--timeout', '2s', '--probe', url, '--expect-body', '^ready']);
    expect(body.code).toBe(1);
    expect(body.result.outcome.signature).toBe('http 200 from /health: body does not match /^ready/');
    const status = await testJson(dir, sha, [
      '--network',
      'host',
      '--timeout',
      '5s',
      '--probe',
      `http://127.0.0.1:${port}/nope`,
      '--expect-status',
      '404',
    ]);
    expect(status.code).toBe(0);
  });

  it('a container that exits fails at once, without waiting out the timeout', async () => {
    const { dir, sha } = oneCommit({ Dockerfile: shellApp('echo "panic: config missing" >&2; exit 2') });
    const started = Date.now();
    const { code, result } = await testJson(dir, sha, ['--network', 'none', '--probe', 'running:30s', '--timeout', '60s']);
    expect(code).toBe(1);
    expect(result.outcome.signature).toBe('container exited with code 2');
    expect(result.outcome.logTail).toContain('panic: config missing');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('without --probe: running:10s when the image has no HEALTHCHECK', async () => {
    const { dir, sha } = oneCommit({ Dockerfile: shellApp('sleep 3; exit 0') });
    const { code, result } = await testJson(dir, sha, ['--network', 'none']);
    expect(code).toBe(1);
    expect(result.outcome.probes[0].spec).toBe('running:10s');
    expect(result.outcome.signature).toBe('container exited with code 0');
  });

  it('healthcheck: the default when the image has one; --health-interval makes a slow unhealthy check fast', async () => {
    const { dir, sha } = oneCommit({
      Dockerfile: shellApp('sleep 300', 'HEALTHCHECK --interval=30s --timeout=2s --retries=2 CMD test -f /ready\n'),
    });
    const started = Date.now();
    const { code, result } = await testJson(dir, sha, ['--network', 'none', '--health-interval', '300ms']);
    expect(code).toBe(1);
    expect(result.outcome.probes[0].kind).toBe('healthcheck');
    expect(result.outcome.signature).toBe('healthcheck unhealthy');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('healthcheck: a slow image interval is checked every second by default, so healthy is seen fast', async () => {
    const { dir, sha } = oneCommit({
      Dockerfile: shellApp('sleep 300', 'HEALTHCHECK --interval=30s --timeout=2s --retries=3 CMD true\n'),
    });
    const { code, result } = await testJson(dir, sha, ['--network', 'none', '--timeout', '15s']);
    expect(code).toBe(0);
    expect(result.outcome.probes[0].elapsedMs).toBeLessThan(10_000);
  });

  it('builds from a subdirectory context with a relative -f, and with an external Dockerfile', async () => {
    const { dir, sha } = oneCommit({
      'svc/docker/app.Dockerfile': `FROM ${BASE_IMAGE}\nCOPY run.sh /run.sh\nCMD ["sh", "/run.sh"]\n`,
      'svc/run.sh': 'sleep 60\n',
      Dockerfile: 'this root Dockerfile is not the one used\n',
    });
    const inside = await testJson(dir, sha, [
      '--network',
      'none',
      '--probe',
      'running:1s',
      '--context',
      'svc',
      '-f',
      'docker/app.Dockerfile',
    ]);
    expect(inside.code).toBe(0);
    const outside = mkdtempSync(join(tmpdir(), 'deploybisect-extdf-'));
    try {
      writeFileSync(join(outside, 'Dockerfile'), `FROM ${BASE_IMAGE}\nCOPY run.sh /x.sh\nCMD ["sh", "-c", "test -f /x.sh && sleep 60"]\n`);
      const external = await testJson(dir, sha, [
        '--network',
        'none',
        '--probe',
        'running:1s',
        '--context',
        'svc',
        '-f',
        join(outside, 'Dockerfile'),
      ]);
      expect(external.code).toBe(0);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('passes --env and --build-arg through, and --target picks a stage', async () => {
    const { dir, sha } = oneCommit({
      Dockerfile: `FROM ${BASE_IMAGE} AS base\nARG FLAVOR=plain\nRUN echo "$FLAVOR" > /flavor\nFROM base AS app\nCMD ["sh", "-c", "test \\"$(cat /flavor)\\" = spicy && test \\"$MODE\\" = prod && sleep 60"]\nFROM base AS other\nCMD ["sh", "-c", "exit 9"]\n`,
    });
    const ok = await testJson(dir, sha, [
      '--network',
      'none',
      '--probe',
      'running:1s',
      '--build-arg',
      'FLAVOR=spicy',
      '-e',
      'MODE=prod',
      '--target',
      'app',
    ]);
    expect(ok.code).toBe(0);
    const wrongEnv = await testJson(dir, sha, [
      '--network',
      'none',
      '--probe',
      'running:1s',
      '--build-arg',
      'FLAVOR=spicy',
      '-e',
      'MODE=dev',
      '--target',
      'app',
    ]);
    expect(wrongEnv.code).toBe(1);
  });

  it('bridge (the default network): publishes the probed port on 127.0.0.1, or says plainly that the engine has no bridge', async () => {
    const docker = await requireEngine();
    const hasBridge = await docker
      .getNetwork('bridge')
      .inspect()
      .then(
        () => true,
        () => false,
      );
    const { dir, sha } = oneCommit({ Dockerfile: httpApp(8080, 'ok').replace('127.0.0.1:8080', '0.0.0.0:8080') });
    const run = await runCli(['test', sha, '--json', '--probe', 'http://127.0.0.1:8080/health', '--timeout', '10s'], { cwd: dir });
    if (hasBridge) {
      expect(run.code, run.stderr).toBe(0);
      const probe = JSON.parse(run.stdout).outcome.probes[0];
      expect(probe.evidence.url).not.toBe('http://127.0.0.1:8080/health'); // rewritten to the published port
    } else {
      // This project's test engine runs with --bridge=none: the run must stop before building anything.
      expect(run.code).toBe(2);
      expect(run.stderr.trim()).toMatch(
        /^deploybisect: the Docker engine at .* has no network 'bridge'.*--network host or --network none$/,
      );
    }
  });

  for (const [builder, firstStep] of [
    ['classic', /^ {2}build \| Step 1\/\d+ : FROM /m],
    ['buildkit', /^ {2}build \| #\d+ \[1\/\d+\] FROM /m],
  ] as const) {
    it(`--verbose streams the build output and the container output as it comes (--builder ${builder})`, async () => {
      const { dir, sha } = oneCommit({ Dockerfile: shellApp('echo "listening on :9000"; echo "warming up" >&2; sleep 60') });
      const run = await runCli(['test', sha, '--network', 'none', '--probe', 'running:2s', '-v', '--builder', builder], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(firstStep);
      expect(run.stderr).toContain('  container | listening on :9000');
      expect(run.stderr).toContain('  container | warming up');
      // streamed before the verdict line, not replayed after it
      expect(run.stderr.indexOf('container | warming up')).toBeLessThan(run.stderr.indexOf(' good: '));
    });
  }
});
