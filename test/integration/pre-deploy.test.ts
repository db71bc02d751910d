/**
 * A manifest's pre-deploy command (Render preDeployCommand, Fly release_command), through the built CLI
 * on the real engine: run in the new image before the health phase; a non-zero exit is the commit's
 * failure, with its output as evidence, and the app is never started.
 */
import { describe, expect, it } from 'vitest';

import { shellApp } from '../fixtures/app-repo.js';
import { engineRepos } from '../helpers/engine-repos.js';
import { runCli } from '../helpers/run-cli.js';

/** busybox httpd serving /health on $PORT, or on a fixed port. */
const serve = (port: string) =>
  shellApp(`mkdir -p /www && echo ok > /www/health; echo "listening on ${port}"; exec httpd -f -p 127.0.0.1:${port} -h /www`);

const renderYaml = (port: number, preDeploy: string) =>
  [
    'services:',
    '  - type: web',
    '    name: app',
    '    runtime: docker',
    `    preDeployCommand: ${JSON.stringify(preDeploy)}`,
    '    healthCheckPath: /health',
    '    envVars:',
    '      - key: PORT',
    `        value: "${port}"`,
    '',
  ].join('\n');

const flyToml = (port: number, release: string) =>
  [
    'app = "release-check"',
    '',
    '[deploy]',
    `  release_command = ${JSON.stringify(release)}`,
    '',
    '[http_service]',
    `  internal_port = ${port}`,
    '',
    '[[http_service.checks]]',
    '  grace_period = "1s"',
    '  interval = "1s"',
    '  timeout = "2s"',
    '  method = "GET"',
    '  path = "/health"',
    '',
  ].join('\n');

describe('pre-deploy commands', () => {
  const engine = engineRepos();
  const repoWith = (files: Record<string, string>) => engine.repoWith(files);

  it("Render's preDeployCommand exits 4: the commit is bad at the pre-deploy phase, its output is the evidence, the app never starts", async () => {
    const { port } = engine;
    const migrate = `sh -c 'echo "running migrations"; echo "ERROR: relation users does not exist" >&2; exit 4'`;
    const { repo, sha } = repoWith({ Dockerfile: serve('$PORT'), 'render.yaml': renderYaml(port, migrate) });
    const run = await runCli(['test', sha, '--network', 'host', '--timeout', '20s', '--json'], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(1);
    const { outcome } = JSON.parse(run.stdout);
    expect(outcome.ok).toBe(false);
    expect(outcome.phase).toBe('pre-deploy');
    expect(outcome.signature).toMatch(/pre-deploy command .*exit(ed)? (with )?(code )?4/);
    expect(JSON.stringify(outcome)).toContain('ERROR: relation users does not exist');
    // The app was never started: the only check is the pre-deploy command's exit, no health check ran.
    expect(outcome.probes.map((p: { spec: string }) => p.spec)).toEqual(['exit:0']);
    expect(run.stderr).toContain(`deploying as Render would: PORT=${port}, GET /health on ${port}`);
  }, 120_000);

  it("Render's preDeployCommand that passes: the app is then started and probed on the contract's port", async () => {
    const { port } = engine;
    const { repo, sha } = repoWith({ Dockerfile: serve('$PORT'), 'render.yaml': renderYaml(port, 'sh -c "echo migrated"') });
    const run = await runCli(['test', sha, '--network', 'host', '--timeout', '20s', '--json'], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(0);
    const { outcome } = JSON.parse(run.stdout);
    expect(outcome.ok).toBe(true);
    expect(outcome.probes.map((p: { spec: string }) => p.spec)).toContain(`http://127.0.0.1:${port}/health`);
  }, 120_000);

  it("Fly's release_command that fails names the command; one that passes lets the checks decide", async () => {
    const { port } = engine;
    const failing = repoWith({ Dockerfile: serve(String(port)), 'fly.toml': flyToml(port, 'sh -c "echo release failed >&2; exit 2"') });
    const bad = await runCli(['test', failing.sha, '--network', 'host', '--timeout', '20s', '--json'], { cwd: failing.repo.dir });
    expect(bad.code, bad.stderr).toBe(1);
    const outcome = JSON.parse(bad.stdout).outcome;
    expect(outcome.phase).toBe('pre-deploy');
    expect(JSON.stringify(outcome)).toContain('release failed');

    const passing = repoWith({ Dockerfile: serve(String(port)), 'fly.toml': flyToml(port, 'true') });
    const good = await runCli(['test', passing.sha, '--network', 'host', '--timeout', '20s'], { cwd: passing.repo.dir });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout + good.stderr).toMatch(/Deployed: deploying as Fly\.io would: .*release_command|pre-deploy/);
  }, 120_000);
});
