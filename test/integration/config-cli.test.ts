/**
 * The config file through the built CLI, with `explain` (git objects only: no engine needed): found
 * at the repository root, filling in what the command line does not say, overridden by what it says;
 * an invalid file is exit 2 with one line per problem.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TestRepo } from '../fixtures/git-repo.js';
import { runCli } from '../helpers/run-cli.js';

const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

describe('the config file', () => {
  let repo: TestRepo;
  let good: string;
  let bad: string;

  beforeAll(() => {
    repo = new TestRepo();
    // The Dockerfile lives in app/, the build context: without --context app, explain finds none.
    good = repo.commit('app', { 'app/Dockerfile': 'FROM scratch\nCMD ["/serve"]\n', 'README.md': 'v1\n' });
    bad = repo.commit('change the command', { 'app/Dockerfile': 'FROM scratch\nCMD ["/serve", "--fast"]\n', 'README.md': 'v2\n' });
  });
  afterAll(() => repo?.remove());

  const explain = (...extra: string[]) => runCli(['explain', good, bad, '--json', ...extra], { cwd: repo.dir, env: NO_ENGINE });

  it('fills in options from deploybisect.config.json at the repository root; the command line wins; --no-config ignores it', async () => {
    writeFileSync(join(repo.dir, 'deploybisect.config.json'), JSON.stringify({ context: 'app', network: 'none', probe: 'healthcheck' }));
    const configured = await explain();
    expect(configured.code, configured.stderr).toBe(0);
    const result = JSON.parse(configured.stdout);
    expect(result.explanation.findings.map((f: { kind: string }) => f.kind)).toContain('cmd');
    expect(result.explanation.files.outsideContext.map((f: { path: string }) => f.path)).toEqual(['README.md']);

    // With the context at the root, README.md is sent to the builder: the command line won.
    const inContext = (run: { stdout: string }) => JSON.parse(run.stdout).explanation.files.inContext.map((f: { path: string }) => f.path);
    const overridden = await explain('--context', '.');
    expect(overridden.code, overridden.stderr).toBe(0);
    expect(inContext(overridden)).toContain('README.md');
    const ignored = await explain('--no-config');
    expect(ignored.code, ignored.stderr).toBe(0);
    expect(inContext(ignored)).toContain('README.md');

    // Run from a subdirectory with -C: the config is still the one at the repository root.
    const fromElsewhere = await runCli(['explain', good, bad, '--json', '-C', join(repo.dir, 'app')], { env: NO_ENGINE });
    expect(fromElsewhere.code, fromElsewhere.stderr).toBe(0);
  });

  it('an invalid config: exit 2, one line per problem with the path of the key, no result on stdout (with --json, the error)', async () => {
    const path = join(repo.dir, 'deploybisect.config.json');
    writeFileSync(path, JSON.stringify({ context: 'app', contxt: 'x', network: 'bridged', jobs: [2] }));
    const run = await explain();
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).error).toEqual({
      code: 'usage',
      exitCode: 2,
      message: [
        `${path}: /contxt: unknown option (the keys are the long option names in camelCase, e.g. buildArg for --build-arg)`,
        `${path}: /network: must be one of bridge, host, none`,
        `${path}: /jobs: must be string or number`,
      ].join('\n'),
    });
    expect(run.stderr.trim().split('\n')).toEqual([
      `deploybisect: ${path}: /contxt: unknown option (the keys are the long option names in camelCase, e.g. buildArg for --build-arg)`,
      `deploybisect: ${path}: /network: must be one of bridge, host, none`,
      `deploybisect: ${path}: /jobs: must be string or number`,
    ]);
  });

  it('the "deploybisect" key of package.json, and --config <file>', async () => {
    const config = join(repo.dir, 'deploybisect.config.json');
    writeFileSync(config, '{}');
    writeFileSync(join(repo.dir, 'package.json'), JSON.stringify({ name: 'app', deploybisect: { context: 'app' } }));
    const outside = (run: { code: number | null; stdout: string; stderr: string }) => {
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout).explanation.files.outsideContext.map((f: { path: string }) => f.path);
    };
    // deploybisect.config.json comes first, even empty: the context stays the root.
    expect(outside(await explain())).toEqual([]);
    writeFileSync(join(repo.dir, 'elsewhere.json'), JSON.stringify({ context: 'app' }));
    expect(outside(await explain('--config', join(repo.dir, 'elsewhere.json')))).toEqual(['README.md']);
    rmSync(config);
    expect(outside(await explain())).toEqual(['README.md']);
  });

  it('init writes a starter config from the Dockerfile, never over an existing one without --force, and the result is usable', async () => {
    const config = join(repo.dir, 'deploybisect.config.json');
    rmSync(config, { force: true });
    rmSync(join(repo.dir, 'package.json'), { force: true });
    writeFileSync(join(repo.dir, 'app', 'Dockerfile'), 'FROM scratch\nEXPOSE 8080\nCMD ["/serve"]\n');
    repo.git('add', 'app/Dockerfile');
    const init = await runCli(['init'], { cwd: join(repo.dir, 'app'), env: NO_ENGINE });
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
      file: 'Dockerfile',
      context: 'app',
      probe: ['http://127.0.0.1:8080/'],
      expectStatus: '100-499',
      network: 'host',
      timeout: '60s',
    });
    expect(init.stdout).toContain(`wrote ${config}`);
    expect(init.stdout).toContain('the first port the Dockerfile EXPOSEs');

    writeFileSync(config, '{"network": "bridged"}');
    const again = await runCli(['init'], { cwd: repo.dir, env: NO_ENGINE });
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(`deploybisect: ${config} already exists: pass --force to overwrite it`);
    expect(readFileSync(config, 'utf8')).toBe('{"network": "bridged"}');
    const forced = await runCli(['init', '--force'], { cwd: repo.dir, env: NO_ENGINE });
    expect(forced.code, forced.stderr).toBe(0);
    // The config it wrote is read by the next command.
    expect((await explain()).code).toBe(0);
    rmSync(config);
  });
});
