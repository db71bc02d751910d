/**
 * One compose service deployed as compose would start it, through the built CLI on the real engine:
 * found by detection when a service builds from the repository and stands alone; with the services it
 * depends on, the stack is deployed (docs/stacks.md), and an image the engine lacks is said, never pulled.
 */
import { describe, expect, it } from 'vitest';

import { shellApp } from '../fixtures/app-repo.js';
import { BASE_IMAGE } from '../helpers/docker-engine.js';
import { engineRepos } from '../helpers/engine-repos.js';
import { runCli } from '../helpers/run-cli.js';

// The app serves only when compose's environment says where: without MODE it exits.
const APP = shellApp(
  '[ -n "$MODE" ] || { echo "MODE is not set" >&2; exit 3; }; mkdir -p /www && echo ok > /www/index.html; exec httpd -f -p 127.0.0.1:$APP_PORT -h /www',
);

const composeFile = (port: number, dependsOn: boolean, dbImage = BASE_IMAGE) =>
  [
    'services:',
    '  web:',
    '    build: .',
    '    environment:',
    '      MODE: production',
    `      APP_PORT: "${port}"`,
    `    ports: ["${port}:${port}"]`,
    ...(dependsOn ? ['    depends_on: [db]', '  db:', `    image: ${dbImage}`, '    command: ["sleep", "600"]'] : []),
    '',
  ].join('\n');

describe('a compose service', () => {
  const engine = engineRepos();
  const repoWith = (files: Record<string, string>) => engine.repoWith(files);

  it('standing alone, it is deployed with its environment and its published port checked', async () => {
    const { port } = engine;
    const { repo, sha } = repoWith({ Dockerfile: APP, 'compose.yaml': composeFile(port, false) });
    const run = await runCli(['test', sha, '--network', 'host', '--timeout', '20s', '--json'], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`deploying as Docker Compose would: port ${port}, TCP ${port}, from compose.yaml`);
    const { outcome } = JSON.parse(run.stdout);
    expect(outcome.contract).toMatchObject({ platform: 'compose', service: 'web', port });
    expect(outcome.contract.env).toEqual(expect.arrayContaining(['MODE', 'APP_PORT']));
  }, 120_000);

  it('depending on others, the stack is deployed: db started first, then web with its environment, probed', async () => {
    const { port } = engine;
    const { repo, sha } = repoWith({ Dockerfile: APP, 'compose.yaml': composeFile(port, true) });
    const run = await runCli(['test', sha, '--network', 'host', '--timeout', '20s', '--json'], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      `deploying as docker compose up --wait would: db (${BASE_IMAGE}), web (built here, probed: TCP ${port}), from compose.yaml`,
    );
    expect(JSON.parse(run.stdout).outcome.ok).toBe(true);
  }, 120_000);

  it('an image the engine does not have is named, with how to get it, and no verdict (nothing is pulled)', async () => {
    const { port } = engine;
    const { repo, sha } = repoWith({ Dockerfile: APP, 'compose.yaml': composeFile(port, true, 'postgres:0-not-here') });
    const run = await runCli(['test', sha, '--network', 'host', '--timeout', '20s'], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(128);
    expect(run.stderr).toContain('runs the image postgres:0-not-here, which the engine at');
    expect(run.stderr).toContain('does not have: deploybisect pulls nothing; pull or build it there (docker pull postgres:0-not-here)');
  }, 120_000);
});
