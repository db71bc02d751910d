/**
 * One compose service deployed as compose would start it, through the built CLI on the real engine:
 * found by detection when a service builds from the repository and stands alone; left (and said) when it
 * depends on others, unless --platform compose names it.
 */
import { describe, expect, it } from 'vitest';

import { shellApp } from '../fixtures/app-repo.js';
import { engineRepos } from '../helpers/engine-repos.js';
import { runCli } from '../helpers/run-cli.js';

// The app serves only when compose's environment says where: without MODE it exits.
const APP = shellApp(
  '[ -n "$MODE" ] || { echo "MODE is not set" >&2; exit 3; }; mkdir -p /www && echo ok > /www/index.html; exec httpd -f -p 127.0.0.1:$APP_PORT -h /www',
);

const composeFile = (port: number, dependsOn: boolean) =>
  [
    'services:',
    '  web:',
    '    build: .',
    '    environment:',
    '      MODE: production',
    `      APP_PORT: "${port}"`,
    `    ports: ["${port}:${port}"]`,
    ...(dependsOn ? ['    depends_on: [db]', '  db:', '    image: postgres:16'] : []),
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

  it('depending on others, it is left and said (a stack is not deployed yet); --platform compose deploys it alone', async () => {
    const { port } = engine;
    const { repo, sha } = repoWith({ Dockerfile: APP, 'compose.yaml': composeFile(port, true) });
    const found = await runCli(['test', sha, '--network', 'host', '--timeout', '5s'], { cwd: repo.dir });
    // Without compose's environment the app exits: deployed as without a manifest, as the line says.
    expect(found.code, found.stderr).toBe(1);
    expect(found.stderr).toContain(
      'compose.yaml: web depends on other services, and a stack is not deployed yet; deploying as without a manifest (--platform compose deploys web alone)',
    );
    const named = await runCli(['test', sha, '--network', 'host', '--timeout', '20s', '--platform', 'compose'], { cwd: repo.dir });
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).toContain('Deployed: deploying as Docker Compose would');
  }, 120_000);
});
