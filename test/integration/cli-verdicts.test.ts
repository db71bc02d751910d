/** How verdicts become results and exit codes, through the built CLI on the real engine. */
import { afterAll, describe, expect, it } from 'vitest';

import { BROKEN_BUILD, createRepo, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';

const HEALTHY = shellApp('echo up; sleep 60');
const CRASHES = shellApp('echo "fatal: cannot open /data" >&2; exit 3');
const FAST = ['--network', 'none', '--probe', 'running:1s', '--json'];

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

function repoOf(dockerfiles: string[]): { repo: TestRepo; shas: string[] } {
  const made = createRepo(dockerfiles.map((d, i) => ({ subject: `commit ${i}`, changes: { Dockerfile: d, 'n.txt': `${i}\n` } })));
  repos.push(made.repo);
  return made;
}

describe('results and exit codes', () => {
  it('exits 3 when the bad commit is healthy, saying what it saw', async () => {
    await requireEngine();
    const { repo, shas } = repoOf([HEALTHY, HEALTHY, HEALTHY]);
    const run = await runCli([shas[0]!, shas[2]!, ...FAST], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(3);
    const result = JSON.parse(run.stdout);
    expect(result.status).toBe('bad-is-healthy');
    expect(result.verification.bad.ok).toBe(true);
    expect(result.steps).toHaveLength(1);
  });

  it('exits 4 when the good commit is unhealthy', async () => {
    const { repo, shas } = repoOf([CRASHES, CRASHES, CRASHES]);
    const run = await runCli([shas[0]!, shas[2]!, ...FAST.filter((a) => a !== '--json')], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(4);
    expect(run.stdout).toContain('is not healthy');
    expect(run.stdout).toContain('container exited with code 3');
    expect(run.stdout).toContain('fatal: cannot open /data');
  });

  it('exits 5 when only skipped commits are left, listing them as git bisect does', async () => {
    const { repo, shas } = repoOf([HEALTHY, BROKEN_BUILD, BROKEN_BUILD, CRASHES]);
    const run = await runCli([shas[0]!, shas[3]!, ...FAST], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(5);
    const result = JSON.parse(run.stdout);
    expect(result.status).toBe('inconclusive');
    expect(result.candidates.map((c: { sha: string }) => c.sha).sort()).toEqual([shas[1], shas[2], shas[3]].sort());
    const skipped = result.steps.filter((s: { verdict: string }) => s.verdict === 'skip');
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped[0].outcome.signature).toMatch(/^build failed: .*returned a non-zero code: 3/);
  });

  it('--regression auto searches for the first build failure when the bad commit does not build', async () => {
    const { repo, shas } = repoOf([HEALTHY, CRASHES, HEALTHY, BROKEN_BUILD, BROKEN_BUILD]);
    const run = await runCli([shas[0]!, shas[4]!, ...FAST], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.regression).toBe('build');
    expect(result.culprit.sha).toBe(shas[3]);
    // A runtime failure is no evidence about a build regression: commit 1 crashes but builds.
    const one = result.steps.find((s: { sha: string }) => s.sha === shas[1]);
    if (one) expect(one.verdict).toBe('good');
  });

  it('--regression any counts a build failure as bad', async () => {
    const { repo, shas } = repoOf([HEALTHY, HEALTHY, BROKEN_BUILD, HEALTHY, CRASHES]);
    const run = await runCli([shas[0]!, shas[4]!, ...FAST, '--regression', 'any'], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.regression).toBe('any');
    expect(result.culprit.sha).toBe(shas[2]);
  });

  it('--no-verify skips the checks of good and bad', async () => {
    const { repo, shas } = repoOf([HEALTHY, HEALTHY, CRASHES, CRASHES]);
    const run = await runCli([shas[0]!, shas[3]!, ...FAST, '--no-verify'], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.culprit.sha).toBe(shas[2]);
    expect(result.steps.some((s: { role: string }) => s.role === 'verify')).toBe(false);
    expect(result.steps.some((s: { sha: string }) => s.sha === shas[0])).toBe(false);
  });

  it('`test` exits 0 for a healthy commit and 1 for an unhealthy one', async () => {
    const { repo, shas } = repoOf([HEALTHY, CRASHES]);
    const good = await runCli(['test', shas[0]!, ...FAST], { cwd: repo.dir });
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout).outcome.ok).toBe(true);
    const bad = await runCli(['test', shas[1]!, '--network', 'none', '--probe', 'running:1s'], { cwd: repo.dir });
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/^unhealthy: /);
    expect(bad.stdout).toContain('container exited with code 3');
  });

  it('`test` speaks git bisect run: 125 for a build failure, 1 for it with --regression build, 0 there for a runtime failure', async () => {
    const { repo, shas } = repoOf([BROKEN_BUILD, CRASHES]);
    const skipped = await runCli(['test', shas[0]!, ...FAST], { cwd: repo.dir });
    expect(skipped.code, skipped.stderr).toBe(125);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ regression: 'runtime', verdict: 'skip', outcome: { ok: false, phase: 'build' } });
    const plain = await runCli(['test', shas[0]!, '--network', 'none', '--probe', 'running:1s'], { cwd: repo.dir });
    expect(plain.code, plain.stderr).toBe(125);
    expect(plain.stdout).toMatch(/^unhealthy: /);
    expect(plain.stdout).toContain('Verdict: skip (--regression runtime): a commit that does not build cannot show a runtime regression.');

    const bad = await runCli(['test', shas[0]!, ...FAST, '--regression', 'build'], { cwd: repo.dir });
    expect(bad.code, bad.stderr).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ regression: 'build', verdict: 'bad' });
    const builds = await runCli(['test', shas[1]!, '--network', 'none', '--probe', 'running:1s', '-q', '--regression', 'build'], {
      cwd: repo.dir,
    });
    expect(builds.code, builds.stderr).toBe(0);
    expect(builds.stdout).toMatch(/^good \(--regression build\): container exited with code 3/);
    const any = await runCli(['test', shas[0]!, ...FAST, '--regression', 'any'], { cwd: repo.dir });
    expect(any.code, any.stderr).toBe(1);
  });

  it('`test` exits 128 when no verdict can be made (git bisect run stops), other commands 1', async () => {
    const { repo, shas } = repoOf([HEALTHY, HEALTHY]);
    const nowhere = ['--docker-host', 'unix:///nonexistent/docker.sock'];
    const lost = await runCli(['test', shas[0]!, ...FAST, ...nowhere], { cwd: repo.dir });
    expect(lost.code, lost.stderr).toBe(128);
    expect(lost.stderr.trim()).toMatch(/^deploybisect: cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker\.sock/);
    const search = await runCli([shas[0]!, shas[1]!, ...FAST, ...nowhere], { cwd: repo.dir });
    expect(search.code, search.stderr).toBe(1);
    // A usage error stays 2.
    expect((await runCli(['test', 'no-such-ref', ...FAST], { cwd: repo.dir })).code).toBe(2);
  });

  it('`clean` removes labelled containers and images left by a killed run', async () => {
    const docker = await requireEngine();
    const { repo, shas } = repoOf([HEALTHY]);
    const kept = await runCli(['test', shas[0]!, ...FAST, '--keep-images'], { cwd: repo.dir });
    const { sessionId, outcome } = JSON.parse(kept.stdout);
    const imageId = outcome.imageId as string;
    await docker.getImage(imageId).inspect(); // kept
    const orphan = await docker.createContainer({
      Image: imageId,
      Labels: { 'deploybisect.session': sessionId },
      HostConfig: { NetworkMode: 'none' },
    });
    // --session: other test files run at the same time on this engine; a plain `clean` would reap theirs.
    const run = await runCli(['clean', '--session', sessionId, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const removed = JSON.parse(run.stdout);
    expect(removed).toMatchObject({ status: 'removed', containers: 1, images: 1, networks: 0, volumes: 0 });
    await expect(docker.getContainer(orphan.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(docker.getImage(imageId).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('merges', () => {
  it('names the side-branch commit, or with --first-parent the merge that brought it in', async () => {
    await requireEngine();
    const { repo, shas } = createRepo([
      { subject: 'base', changes: { Dockerfile: HEALTHY } },
      { subject: 'main work', changes: { 'main.txt': 'm\n' } },
    ]);
    repos.push(repo);
    repo.git('checkout', '-q', '-b', 'feature', shas[0]!);
    const sideOk = repo.commit('feature: part one', { 'feature.txt': '1\n' });
    const sideBad = repo.commit('feature: part two breaks startup', { Dockerfile: CRASHES });
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-ff', '-m', 'Merge feature', 'feature');
    const merge = repo.git('rev-parse', 'HEAD');
    const tip = repo.commit('after the merge', { 'after.txt': 'a\n' });

    const plain = await runCli([shas[0]!, tip, ...FAST], { cwd: repo.dir });
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout).culprit.sha).toBe(sideBad);

    const firstParent = await runCli([shas[0]!, tip, ...FAST, '--first-parent'], { cwd: repo.dir });
    expect(firstParent.code, firstParent.stderr).toBe(0);
    const result = JSON.parse(firstParent.stdout);
    expect(result.culprit.sha).toBe(merge);
    expect(result.steps.map((s: { sha: string }) => s.sha)).not.toContain(sideOk);
  });
});
