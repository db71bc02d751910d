/**
 * `deploybisect narrow` on commits that change the deployment manifest (issue 25): the built CLI, the
 * real engine, the host network (the test engine has no bridge). Each configuration is deployed as the
 * parent's manifest with the chosen keys applied. A render.yaml the builder never receives (its
 * .dockerignore), whose commit changes two variables and the health path: every configuration has the
 * same image. A fly.toml the builder does receive (copied into the image), whose commit moves
 * internal_port, changes the region and edits the start script.
 *
 * Ports (host network; other e2e files run at once): 18210 (Render's PORT here), 18220 (the Fly app), 18221.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LABEL_SESSION } from '../../src/docker/labels.js';
import { TestRepo } from '../fixtures/git-repo.js';
import { BASE_IMAGE, requireEngine } from '../helpers/docker-engine.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';

const PORTS = { render: 18210, fly: 18220, flyMoved: 18221 } as const;

/** A start script that serves `/health` over HTTP on 127.0.0.1:`listen` (a number, or `$PORT`). */
function startScript(name: string, listen: string | number, extra: string[] = []): string {
  return [
    '#!/bin/sh',
    'set -e',
    ...extra,
    'mkdir -p /www && echo ok > /www/health',
    `echo "${name}: listening on 127.0.0.1:${listen}"`,
    `exec httpd -f -p "127.0.0.1:${listen}" -h /www`,
    '',
  ].join('\n');
}

function renderYaml(o: { health: string; logLevel: string; cacheTtl: number }): string {
  return `services:
  - type: web
    name: orders
    runtime: docker
    healthCheckPath: ${o.health}
    envVars:
      - key: PORT
        value: "${PORTS.render}"
      - key: LOG_LEVEL
        value: ${o.logLevel}
      - key: CACHE_TTL
        value: "${o.cacheTtl}"
`;
}

function flyToml(o: { port: number; region: string }): string {
  return `# fly.toml app configuration file generated for catalog
app = "catalog"
primary_region = "${o.region}"

[http_service]
  internal_port = ${o.port}
  force_https = true

  [[http_service.checks]]
    grace_period = "1s"
    interval = "1s"
    timeout = "1s"
    method = "GET"
    path = "/health"

[deploy]
  wait_timeout = "5s"
`;
}

/** `narrow COMMIT --network host --json` (and `args`) in the repository; its JSON. */
async function narrow(repo: TestRepo, commit: string, args: string[] = []): Promise<{ run: CliRun; result: any }> {
  const run = await runCli(['narrow', commit, '--network', 'host', '--json', ...args], { cwd: repo.dir });
  try {
    return { run, result: JSON.parse(run.stdout) };
  } catch {
    throw new Error(`no JSON (exit ${run.code}):\n${run.stderr}`);
  }
}

/** The file at `path` after `git apply` of `patch` on `rev` in a scratch clone. */
function appliedFile(repo: TestRepo, rev: string, patch: string, path: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'narrow-manifest-check-'));
  try {
    execFileSync('git', ['clone', '-q', '--no-checkout', repo.dir, dir]);
    execFileSync('git', ['checkout', '-q', rev], { cwd: dir });
    if (patch !== '') {
      writeFileSync(join(dir, '.git', 'p.diff'), patch);
      execFileSync('git', ['apply', join('.git', 'p.diff')], { cwd: dir });
    }
    return readFileSync(join(dir, path), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function nothingLabelledLeft(sessionId: string): Promise<void> {
  const docker = await requireEngine();
  const filters = { label: [`${LABEL_SESSION}=${sessionId}`] };
  expect(await docker.listContainers({ all: true, filters })).toEqual([]);
  expect(await docker.listImages({ filters })).toEqual([]);
}

const byId = (result: any, id: number) => result.changes.find((c: { id: number }) => c.id === id);

describe('narrow: render.yaml changes two variables and the health path together', () => {
  const repo = new TestRepo('deploybisect-narrow-render-');
  let parent: string;
  let commit: string;
  let broken: string;
  let r: { run: CliRun; result: any };
  let refused: { run: CliRun; result: any };
  beforeAll(async () => {
    await requireEngine();
    parent = repo.commit('Deploy the orders API on Render', {
      Dockerfile: `FROM ${BASE_IMAGE}\nCOPY start.sh /start.sh\nCMD ["sh", "/start.sh"]\n`,
      'start.sh': startScript('orders', '$PORT'),
      '.dockerignore': 'render.yaml\n',
      'render.yaml': renderYaml({ health: '/health', logLevel: 'info', cacheTtl: 60 }),
    });
    commit = repo.commit('render: more logs, a longer cache, check /status', {
      'render.yaml': renderYaml({ health: '/status', logLevel: 'debug', cacheTtl: 300 }),
    });
    // On a branch from the parent: render.yaml no longer parses (Render refuses the commit), and the start script says hello.
    repo.git('checkout', '-q', '-b', 'broken', parent);
    broken = repo.commit('render: a plan, half written; say hello', {
      'render.yaml': `${renderYaml({ health: '/health', logLevel: 'debug', cacheTtl: 60 })}    plan: [\n`,
      'start.sh': startScript('orders', '$PORT', ['echo hello']),
    });
    // One after the other: both deploy the parent on the same port of the host network.
    r = await narrow(repo, commit, ['--timeout', '10s']);
    refused = await narrow(repo, broken, ['--timeout', '10s']);
  }, 180_000);
  afterAll(() => repo.remove());

  it('names the health path alone, out of three keys, with two builds (the image is the same for every configuration)', async () => {
    const { run, result } = r;
    expect(run.code, run.stderr).toBe(0);
    expect(result.status).toBe('narrowed');
    expect(result.changes.map((c: any) => [c.id, c.kind, c.path, c.key])).toEqual([
      [1, 'key', 'render.yaml', '[0].services[name=orders].healthCheckPath'],
      [2, 'key', 'render.yaml', '[0].services[name=orders].envVars[key=LOG_LEVEL].value'],
      [3, 'key', 'render.yaml', '[0].services[name=orders].envVars[key=CACHE_TTL].value'],
    ]);
    expect(result.difference).toEqual([1]);
    expect(byId(result, 1).summary).toBe('render.yaml: [0].services[name=orders].healthCheckPath: "/health" → "/status"');
    expect(result.failing.outcome.signature).toBe(result.signature);
    expect(result.failing.outcome.contract.health).toEqual([`GET /status on ${PORTS.render} (2xx/3xx, 5.0s)`]);
    expect(result.passing.outcome.ok).toBe(true);
    expect(result.passing.outcome.contract.health).toEqual([`GET /health on ${PORTS.render} (2xx/3xx, 5.0s)`]);
    // The commit and its parent are built (the same context, other deployments); every configuration probes that image.
    expect(result.builds).toBeLessThanOrEqual(2);
    expect(result.tests.length).toBeGreaterThan(0);
    expect(result.tests.every((t: any) => t.built === false)).toBe(true);
    expect(result.explanation.findings.map((f: any) => f.kind)).toEqual(['manifest-health']);
    const tests = result.tests.map((t: any) => `${t.changes.join('+') || 'none'} ${t.verdict}`).join(', ');
    console.log(`render.yaml narrow: ${result.builds} builds, tests ${tests}, ${(result.durationMs / 1000).toFixed(1)}s`);
    await nothingLabelledLeft(result.sessionId);
  });

  it('its patches apply with git apply: the failing configuration checks /status, the passing one /health', () => {
    const { result } = r;
    expect(appliedFile(repo, parent, result.failing.patch, 'render.yaml')).toContain('healthCheckPath: /status');
    expect(appliedFile(repo, parent, result.passing.patch, 'render.yaml')).toContain('healthCheckPath: /health\n');
    expect(appliedFile(repo, parent, byId(result, 1).patch, 'render.yaml')).toBe(
      renderYaml({ health: '/status', logLevel: 'info', cacheTtl: 60 }),
    );
  });

  it('a render.yaml that does not parse at the commit is one change as a whole, and narrow names it without building it', async () => {
    const { run, result } = refused;
    expect(run.code, run.stderr).toBe(0);
    expect(result.signature).toMatch(/^Render would not deploy it: render\.yaml:\d+:\d+: not valid YAML/);
    expect(result.changes.map((c: any) => [c.kind, c.path, c.summary])).toEqual([
      ['key', 'render.yaml', 'render.yaml changed as a whole (it does not parse at the commit)'],
      ['hunk', 'start.sh', 'start.sh, line 3 (-0 +1): echo hello'],
    ]);
    expect(result.difference).toEqual([1]);
    expect(result.failing.outcome).toMatchObject({ phase: 'deploy', signature: result.signature, built: false });
    // Only the parent is built: the commit and every configuration with render.yaml's text are refused before a build.
    expect(result.builds).toBeLessThanOrEqual(2);
    expect(appliedFile(repo, broken, '', 'render.yaml')).toBe(appliedFile(repo, parent, result.failing.patch, 'render.yaml'));
    await nothingLabelledLeft(result.sessionId);
  });
});

describe('narrow: fly.toml (sent to the builder) moves internal_port', () => {
  const repo = new TestRepo('deploybisect-narrow-fly-');
  let parent: string;
  let commit: string;
  let r: { run: CliRun; result: any };
  beforeAll(async () => {
    await requireEngine();
    parent = repo.commit('Deploy the catalog on Fly', {
      Dockerfile: `FROM ${BASE_IMAGE}\nCOPY . /app/\nCMD ["sh", "/app/start.sh"]\n`,
      'start.sh': startScript('catalog', PORTS.fly),
      'fly.toml': flyToml({ port: PORTS.fly, region: 'ams' }),
    });
    commit = repo.commit('fly: Frankfurt, route to 18221; say hello', {
      'fly.toml': flyToml({ port: PORTS.flyMoved, region: 'fra' }),
      'start.sh': startScript('catalog', PORTS.fly, ['echo hello']),
    });
    r = await narrow(repo, commit);
  }, 180_000);
  afterAll(() => repo.remove());

  it('names internal_port, not the region nor the start script; fly.toml in the image follows each configuration', async () => {
    const { run, result } = r;
    expect(run.code, run.stderr).toBe(0);
    expect(result.status).toBe('narrowed');
    expect(result.changes.map((c: any) => [c.id, c.kind, c.path, c.key])).toEqual([
      [1, 'key', 'fly.toml', 'primary_region'],
      [2, 'key', 'fly.toml', 'http_service.internal_port'],
      [3, 'hunk', 'start.sh', undefined],
    ]);
    expect(result.difference).toEqual([2]);
    expect(result.failing.outcome.contract.port).toBe(PORTS.flyMoved);
    expect(result.passing.outcome.contract.port).toBe(PORTS.fly);
    expect(result.explanation.findings.map((f: any) => f.kind)).toContain('manifest-port');
    // fly.toml is in the context: no hunk of it, and a configuration with some of its keys is a context of its own.
    expect(result.changes.filter((c: any) => c.path === 'fly.toml').every((c: any) => c.kind === 'key')).toBe(true);
    const failingToml = appliedFile(repo, parent, result.failing.patch, 'fly.toml');
    expect(failingToml).toContain(`internal_port = ${PORTS.flyMoved}`);
    console.log(`fly.toml narrow: ${result.builds} builds, ${result.tests.length} tests, ${(result.durationMs / 1000).toFixed(1)}s`);
    await nothingLabelledLeft(result.sessionId);
  });
});
