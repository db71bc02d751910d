/**
 * The GitHub Action at the repository's root (action.yml), its steps run as the runner runs them
 * (test/helpers/run-action.ts) on a fixture repository and the real engine, with GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY set: an incident search (`run`) and two nights (`nightly`), checked by the
 * action's outputs (status, culprit, report) and the step summary.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { releasesRepo } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine, testDockerHost } from '../helpers/docker-engine.js';
import { readAction, runAction } from '../helpers/run-action.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the GitHub Action (action.yml)', () => {
  let repo: TestRepo;
  let shas: string[];
  const culprit = 4;
  const scratch = mkdtempSync(join(tmpdir(), 'deploybisect-action-test-'));
  const env = { XDG_CACHE_HOME: join(scratch, 'cache'), NO_COLOR: '1' };
  const probe = '--network none --probe running:2s';

  beforeAll(async () => {
    await requireEngine();
    ({ repo, shas } = releasesRepo(7, culprit));
  });
  afterAll(() => {
    repo?.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('declares the inputs and outputs a workflow uses, and runs as a composite action', () => {
    const action = readAction(join(ROOT, 'action.yml'));
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'bad', 'command', 'engines', 'good', 'ref', 'repo', 'report']);
    expect(action.inputs.command!.default).toBe('nightly');
    expect(Object.keys(action.outputs).sort()).toEqual(['culprit', 'report', 'status']);
  });

  it('command run: names the culprit in its outputs, writes the report and puts it in the step summary', async () => {
    const run = await runAction(
      ROOT,
      { command: 'run', good: shas[0]!, bad: shas[6]!, engines: testDockerHost(), args: `${probe} --prior uniform`, report: 'incident.md' },
      { cwd: repo.dir, env },
    );
    expect(run.code, run.log).toBe(0);
    expect(run.outputs).toEqual({ status: 'found', culprit: shas[culprit], report: 'incident.md' });
    expect(run.log).toContain(
      `deploybisect run ${shas[0]} ${shas[6]} -C . --docker-host ${testDockerHost()} --report incident.md --network none`,
    );
    const report = readFileSync(join(repo.dir, 'incident.md'), 'utf8');
    expect(report).toContain(`# deploybisect: First bad commit: ${shas[culprit]!.slice(0, 12)}`);
    expect(run.summary.trim()).toBe(report.trim());
    rmSync(join(repo.dir, 'incident.md'));
  }, 180_000);

  it('command nightly: a healthy night (exit 0, no culprit, no report), then a broken one (exit 6, the culprit, the report)', async () => {
    const lastGood = join(scratch, 'last-good');
    const args = `${probe} --last-good-file ${lastGood}`;
    const healthy = await runAction(ROOT, { ref: shas[2]!, args }, { cwd: repo.dir, env });
    expect(healthy.code, healthy.log).toBe(0);
    expect(healthy.outputs).toEqual({ status: 'healthy', culprit: '', report: '' });
    expect(healthy.summary).toBe(
      `## deploybisect nightly: healthy\n\n\`${shas[2]!.slice(0, 12)}\` release 2 deploys (running after 2.0s); it is the last known good now.\n`,
    );
    expect(readFileSync(lastGood, 'utf8')).toBe(`${shas[2]}\n`);

    const broken = await runAction(ROOT, { ref: shas[6]!, args }, { cwd: repo.dir, env });
    expect(broken.code, broken.log).toBe(6);
    expect(broken.outputs).toEqual({ status: 'found', culprit: shas[culprit], report: 'deploybisect-report.md' });
    expect(existsSync(join(repo.dir, 'deploybisect-report.md'))).toBe(true);
    expect(broken.summary).toContain(`# deploybisect: First bad commit: ${shas[culprit]!.slice(0, 12)}`);
    expect(broken.summary).toContain('Drop the config file');

    // The report of that night does not pass for the next one's: a healthy night outputs no report.
    const again = await runAction(ROOT, { ref: shas[3]!, args }, { cwd: repo.dir, env });
    expect(again.outputs).toEqual({ status: 'healthy', culprit: '', report: '' });
    expect(existsSync(join(repo.dir, 'deploybisect-report.md'))).toBe(false);
  }, 180_000);

  it('a command other than nightly or run: exit 2 and an error annotation', async () => {
    const wrong = await runAction(ROOT, { command: 'bisect' }, { cwd: repo.dir, env });
    expect(wrong.code).toBe(2);
    expect(wrong.log).toContain("::error::deploybisect: the input command is nightly or run, not 'bisect'");
    expect(wrong.outputs).toEqual({ status: '', culprit: '', report: '' });
  });
});
