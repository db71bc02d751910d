/**
 * `deploybisect doctor` against the project's real engines (Docker and Podman): what it reports of
 * each, the network mode a run would use, and its exit code (0 when a search can run, 1 when not).
 */
import { afterAll, describe, expect, it } from 'vitest';

import { TestRepo } from '../fixtures/git-repo.js';
import { podmanHost, requireEngine, requirePodman, testDockerHost } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';

interface DoctorJson {
  engines: {
    endpoint: string;
    reachable: boolean;
    error?: string;
    version?: string;
    apiVersion?: string;
    podman: boolean;
    buildkit: boolean;
    networks: string[];
    memoryLimit?: boolean;
    network?: { mode: string; why: string; problem?: string };
  }[];
  git: { version?: string; ok: boolean };
  node: { version: string; ok: boolean };
  cacheDir: { path: string; writable: boolean; freeBytes?: number };
  config: { found: boolean; path?: string; valid: boolean; error?: string };
  problems: string[];
  warnings: string[];
}

describe('deploybisect doctor', () => {
  const repo = new TestRepo('deploybisect-doctor-');
  repo.commit('a Dockerfile', { Dockerfile: 'FROM scratch\n' });
  afterAll(() => repo.remove());

  it('--json: Docker and Podman, each with versions, builder, networks and the network mode; exit 0 with --network host', async () => {
    const docker = await requireEngine();
    await requirePodman();
    const run = await runCli([
      'doctor',
      '--json',
      '-C',
      repo.dir,
      '--docker-host',
      testDockerHost(),
      '--docker-host',
      podmanHost(),
      '--network',
      'host',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as DoctorJson;
    const [onDocker, onPodman] = report.engines;
    const dockerVersion = (await docker.version()) as { Version: string; ApiVersion: string };
    expect(onDocker).toMatchObject({ endpoint: testDockerHost(), reachable: true, podman: false, buildkit: true, memoryLimit: true });
    expect(onDocker!.version).toBe(dockerVersion.Version);
    expect(onDocker!.apiVersion).toBe(dockerVersion.ApiVersion);
    expect(onDocker!.networks).toEqual((await docker.listNetworks()).map((n) => n.Name).sort());
    expect(onDocker!.network).toEqual({ mode: 'host', why: expect.stringMatching(/^host \(--network host\): /) });
    expect(onPodman).toMatchObject({ endpoint: podmanHost(), reachable: true, podman: true, buildkit: false });
    expect(onPodman!.apiVersion).toMatch(/^\d+\.\d+/);
    expect(report.git).toEqual({ version: expect.stringMatching(/^\d+\.\d+/), ok: true });
    expect(report.node).toEqual({ version: process.version, ok: true });
    expect(report.cacheDir).toMatchObject({ writable: true, freeBytes: expect.any(Number) });
    expect(report.config).toEqual({ found: false, valid: true });
    expect(report.problems).toEqual([]);
  });

  it('the default bridge on an engine without one: the problem named before a run fails, exit 1', async () => {
    const docker = await requireEngine();
    const hasBridge = (await docker.listNetworks()).some((n) => n.Name === 'bridge');
    const run = await runCli(['doctor', '-C', repo.dir, '--docker-host', testDockerHost()], { env: { NO_COLOR: '1' } });
    const line = run.stdout.split('\n').find((l) => l.includes('network bridge (the default'));
    expect(line, run.stdout).toBeDefined();
    if (hasBridge) {
      expect(run.code).toBe(0);
      expect(line).toMatch(/^✔ {3}network bridge \(the default; .*\): probed ports are published on 127\.0\.0\.1/);
    } else {
      expect(run.code).toBe(1);
      expect(line).toMatch(/^✖ {3}network bridge .*; but the engine has no network 'bridge' .*: use --network host .* or --network none/);
      expect(run.stdout.trim().split('\n').at(-1)).toBe('deploybisect doctor: 1 problem: a search cannot run until it is fixed');
    }
  });

  it('no engine reachable: exit 1 with a line that says what to do', async () => {
    const run = await runCli(['doctor', '-C', repo.dir, '--docker-host', 'unix:///nonexistent/docker.sock', '--network', 'none']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '✖ engine unix:///nonexistent/docker.sock: cannot reach the Docker engine at unix:///nonexistent/docker.sock (ENOENT): start dockerd, or point DOCKER_HOST at a running engine; or pass --docker-host <url>',
    );
    const json = JSON.parse(
      (await runCli(['doctor', '--json', '-C', repo.dir], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } })).stdout,
    ) as DoctorJson;
    expect(json.engines).toEqual([
      {
        endpoint: 'unix:///nonexistent/docker.sock',
        reachable: false,
        error: expect.stringContaining('ENOENT'),
        podman: false,
        buildkit: false,
        networks: [],
      },
    ]);
    expect(json.problems).toHaveLength(1);
  });

  it('an invalid config file is a problem; a valid one is found', async () => {
    repo.write({ 'deploybisect.config.json': '{"timeout": "soon"' });
    const broken = JSON.parse((await runCli(['doctor', '--json', '-C', repo.dir, '--network', 'host'])).stdout) as DoctorJson;
    expect(broken.config).toMatchObject({ found: true, valid: false, error: expect.stringContaining('is not valid JSON') });
    expect(broken.problems.at(-1)).toMatch(/deploybisect\.config\.json is not valid JSON: .*: fix it, or pass --no-config to a run$/);
    repo.write({ 'deploybisect.config.json': '{"timeout": "90s"}' });
    const fine = JSON.parse((await runCli(['doctor', '--json', '-C', repo.dir, '--network', 'host'])).stdout) as DoctorJson;
    expect(fine.config).toEqual({ found: true, path: `${repo.dir}/deploybisect.config.json`, valid: true });
    expect(fine.problems).toEqual([]);
  });
});
