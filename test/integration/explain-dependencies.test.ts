/**
 * `deploybisect explain` through the built CLI on a repository made of two real commits of a public
 * project: tentwentyfour/nextcloud-link's dependabot bump of webdav 4 → 5 (package.json and
 * package-lock.json as test/fixtures/dependencies/nextcloud-link has them, SOURCES.txt). No engine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TestRepo } from '../fixtures/git-repo.js';
import { runCli } from '../helpers/run-cli.js';

const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
const fixture = (path: string) => readFileSync(join(import.meta.dirname, '../fixtures/dependencies/nextcloud-link', path), 'utf8');
const DOCKERFILE =
  'FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD ["node", "lib/cjs/client.js"]\n';

describe('deploybisect explain, on a dependabot bump', () => {
  let repo: TestRepo;
  let good: string;
  let bad: string;

  beforeAll(() => {
    repo = new TestRepo('deploybisect-explain-deps-');
    good = repo.commit('v2.0.2', {
      Dockerfile: DOCKERFILE,
      'package.json': fixture('v2-before/package.json'),
      'package-lock.json': fixture('v2-before/package-lock.json'),
    });
    bad = repo.commit('build(deps): bump axios and webdav', {
      'package.json': fixture('v2-after/package.json'),
      'package-lock.json': fixture('v2-after/package-lock.json'),
    });
  });
  afterAll(() => repo?.remove());

  it('shows the package change, from and to, direct and major, and the transitive ones summed up', async () => {
    const run = await runCli(['explain', good, bad], { cwd: repo.dir, env: NO_ENGINE });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('The Dockerfile did not change.');
    expect(run.stdout).toContain('Dependency changes:');
    expect(run.stdout).toMatch(
      /- webdav \^4\.11\.2 → \^5\.10\.0 \(major\), locked 4\.11\.5 → 5\.10\.0, production dependency \(package\.json line 67, package-lock\.json line \d+\)/,
    );
    expect(run.stdout).toMatch(/- \d+ transitive packages changed: /);
    expect(run.stdout).not.toContain('Likely cause'); // no evidence: nothing is claimed
  });

  it('prints the changes in JSON: ecosystem, name, from, to, kind, direct', async () => {
    const run = await runCli(['explain', good, bad, '--json'], { cwd: repo.dir, env: NO_ENGINE });
    expect(run.code, run.stderr).toBe(0);
    const { dependencies } = JSON.parse(run.stdout).explanation;
    expect(dependencies[0]).toMatchObject({
      ecosystem: 'npm',
      name: 'webdav',
      from: '4.11.5',
      to: '5.10.0',
      kind: 'upgraded',
      major: true,
      direct: true,
      scope: 'production',
    });
    expect(dependencies.filter((d: { direct: boolean }) => !d.direct).length).toBeGreaterThan(10);
    const quiet = await runCli(['explain', good, bad, '--quiet'], { cwd: repo.dir, env: NO_ENGINE });
    expect(quiet.stdout.split('\n')[0]).toMatch(/^webdav \^4\.11\.2 → \^5\.10\.0 \(major\)/);
  });
});
