/**
 * The nightly flow through the built CLI on the real engine, twice, as a scheduled CI job would run
 * it: a healthy night records the last known good (in refs/deploybisect/last-good, or a file); a
 * broken night bisects from it, names the culprit, exits 6, and writes the GitHub step summary and
 * outputs. With no last known good, it says exactly what to pass.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { createRepo, releasesRepo, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine, testDockerHost } from '../helpers/docker-engine.js';
import { runAction } from '../helpers/run-action.js';
import { runCli } from '../helpers/run-cli.js';

describe('deploybisect nightly', () => {
  let repo: TestRepo;
  let shas: string[];
  const culprit = 4;
  const dir = mkdtempSync(join(tmpdir(), 'deploybisect-nightly-'));
  const summary = join(dir, 'summary.md');
  const outputs = join(dir, 'outputs.txt');
  const env = { GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: outputs };
  const options = ['--network', 'none', '--probe', 'running:2s'];

  beforeAll(async () => {
    await requireEngine();
    ({ repo, shas } = releasesRepo(7, culprit));
  });
  afterAll(() => {
    repo?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Step outputs as GitHub reads them (name<<delimiter … delimiter). */
  function readOutputs(): Record<string, string> {
    const text = readFileSync(outputs, 'utf8');
    const found: Record<string, string> = {};
    for (const match of text.matchAll(/^(\w+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) found[match[1]!] = match[3]!;
    return found;
  }

  it('a healthy night records the last known good; a broken night bisects from it, names the culprit, exits 6, writes the summary and outputs', async () => {
    const healthy = await runCli(['nightly', shas[2]!, ...options], { cwd: repo.dir, env });
    expect(healthy.code, healthy.stderr).toBe(0);
    expect(healthy.stdout).toContain(`last known good is now ${shas[2]!.slice(0, 12)} (refs/deploybisect/last-good)`);
    expect(repo.git('rev-parse', 'refs/deploybisect/last-good')).toBe(shas[2]);
    expect(readOutputs()).toEqual({ status: 'healthy', culprit: '', report: '' });
    expect(readFileSync(summary, 'utf8')).toContain('## deploybisect nightly: healthy');

    // The next night, later commits: last-good advances while healthy…
    const advanced = await runCli(['nightly', shas[3]!, ...options, '--json'], { cwd: repo.dir, env });
    expect(advanced.code, advanced.stderr).toBe(0);
    expect(JSON.parse(advanced.stdout)).toMatchObject({ status: 'healthy', lastGood: shas[3], recordedIn: 'refs/deploybisect/last-good' });
    expect(repo.git('rev-parse', 'refs/deploybisect/last-good')).toBe(shas[3]);

    // …and a broken night is bisected from it.
    writeFileSync(outputs, '');
    writeFileSync(summary, '');
    const broken = await runCli(['nightly', shas[6]!, ...options, '--json'], { cwd: repo.dir, env });
    expect(broken.code, broken.stderr).toBe(6);
    expect(broken.stderr).toContain(
      `${shas[6]!.slice(0, 12)} is broken (container exited with code 3); bisecting from the last known good ${shas[3]!.slice(0, 12)}`,
    );
    const result = JSON.parse(broken.stdout);
    expect(result.status).toBe('found');
    expect(result.good).toBe(shas[3]);
    expect(result.culprit.sha).toBe(shas[culprit]);
    expect(result.culprit.subject).toBe('Drop the config file');
    const step = readOutputs();
    expect(step.status).toBe('found');
    expect(step.culprit).toBe(shas[culprit]);
    expect(step.report).toContain('# deploybisect: First bad commit:');
    expect(readFileSync(summary, 'utf8').trim()).toBe(step.report!.trim());
    // The last known good stays where it was: the broken commit is not recorded.
    expect(repo.git('rev-parse', 'refs/deploybisect/last-good')).toBe(shas[3]);
  }, 240_000);

  it('--last-good-file instead of the ref; --good overrides; with none, it says exactly what to pass', async () => {
    const file = join(dir, 'cache', 'last-good');
    const none = await runCli(['nightly', shas[6]!, ...options, '--last-good-file', file], { cwd: repo.dir });
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n').at(-1)).toBe(
      `deploybisect: ${shas[6]!.slice(0, 12)} is broken (container exited with code 3) and there is no last known good to bisect from: pass --good <commit that deployed>, or keep --last-good-file <file> between runs (a healthy nightly run writes ${file})`,
    );
    const healthy = await runCli(['nightly', shas[1]!, ...options, '--last-good-file', file], { cwd: repo.dir });
    expect(healthy.code, healthy.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(`${shas[1]}\n`);
    const overridden = await runCli(['nightly', shas[5]!, ...options, '--last-good-file', file, '--good', shas[2]!, '--json'], {
      cwd: repo.dir,
    });
    expect(overridden.code, overridden.stderr).toBe(6);
    expect(JSON.parse(overridden.stdout)).toMatchObject({ good: shas[2], culprit: { sha: shas[culprit] } });
    // The last known good itself is broken now, with no commit since: nothing to bisect, and not 0.
    writeFileSync(file, `${shas[5]}\n`);
    const same = await runCli(['nightly', shas[5]!, ...options, '--last-good-file', file], { cwd: repo.dir });
    expect(same.code, same.stderr).toBe(4);
    expect(same.stderr).toContain(
      `${shas[5]!.slice(0, 12)}, the last known good, is broken now (container exited with code 3) with no commit since`,
    );
    writeFileSync(file, 'not a commit\n');
    const garbled = await runCli(['nightly', shas[5]!, ...options, '--last-good-file', file], { cwd: repo.dir });
    expect(garbled.code).toBe(2);
    expect(garbled.stderr.trim()).toBe(
      `deploybisect: --last-good-file ${file} does not hold a commit id (expected 40 hex digits on its first line)`,
    );
  }, 240_000);

  it('docs/ci: the GitHub Actions workflow parses, is scheduled, caches the cache directory, uploads the report, and its step (the action) works on a fixture, night after night', async () => {
    const docs = fileURLToPath(new URL('../../docs/ci/', import.meta.url));
    const workflow = parse(readFileSync(join(docs, 'github-actions-nightly.yml'), 'utf8'));
    expect(workflow.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    const steps = workflow.jobs.nightly.steps as Array<{
      id?: string;
      uses?: string;
      run?: string;
      env?: Record<string, string>;
      with?: Record<string, string>;
    }>;
    const step = steps.find((s) => s.id === 'nightly')!;
    const cache = steps.find((s) => s.uses?.startsWith('actions/cache@'))!;
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(step.uses).toMatch(/\/deploybisect@/);
    expect(step.env!.XDG_CACHE_HOME).toBe(`\${{ github.workspace }}/${cache.with!.path}`);
    const inputs = step.with!;
    expect(inputs.command).toBe('nightly');
    expect(inputs.report).toBe(upload.with!.path);
    const args = inputs.args!.split(/\s+/);
    const lastGood = args[args.indexOf('--last-good-file') + 1]!;
    expect(lastGood.startsWith(`${cache.with!.path}/`)).toBe(true);

    // The same step, by this repository's action, in a fresh checkout of a project, as two nights of the job.
    const project = createRepo(
      [1, 2].map((i) => ({ subject: `release ${i}`, changes: { Dockerfile: shellApp(`echo up ${i}; sleep 60`) } })),
    );
    const workspace = project.repo.dir;
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const env = { XDG_CACHE_HOME: join(workspace, cache.with!.path!), DOCKER_HOST: testDockerHost(), NO_COLOR: '1' };
    const night = () => runAction(root, { ...inputs, args: `${inputs.args} --probe running:2s` }, { cwd: workspace, env });
    try {
      const first = await night();
      expect(first.code, first.log).toBe(0);
      expect(first.outputs).toEqual({ status: 'healthy', culprit: '', report: '' });
      expect(readFileSync(join(workspace, lastGood), 'utf8')).toBe(`${project.shas[1]}\n`);
      const broken = project.repo.commit('break it', { Dockerfile: shellApp('echo "no config" >&2; exit 3') });
      const second = await night();
      expect(second.code, second.log).toBe(6);
      expect(second.outputs).toEqual({ status: 'found', culprit: broken, report: upload.with!.path });
      expect(existsSync(join(workspace, upload.with!.path!))).toBe(true);
    } finally {
      project.repo.remove();
    }

    const gitlab = parse(readFileSync(join(docs, 'gitlab-ci-nightly.yml'), 'utf8'))['deploybisect-nightly'];
    expect(gitlab.rules[0].if).toContain('schedule');
    expect(gitlab.cache.paths).toContain('.deploybisect-cache/');
    expect(gitlab.script[0]).toContain(
      'deploybisect nightly HEAD --last-good-file .deploybisect-cache/last-good --report deploybisect-report.md',
    );
    expect(gitlab.artifacts.paths).toContain('deploybisect-report.md');
  }, 240_000);
});
