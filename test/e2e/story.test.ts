/**
 * The story from DEVELOPERS.md, end to end: the built CLI, a real engine, a generated repository.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LABEL_SESSION } from '../../src/docker/labels.js';
import { createStoryRepo, type StoryRepo } from '../fixtures/story-repo.js';
import { requireEngine } from '../helpers/docker-engine.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';

describe('deploybisect on the supervisord → start script story', () => {
  let story: StoryRepo;
  let before: string;
  let run: CliRun;
  let result: any;
  let report: string;

  beforeAll(async () => {
    await requireEngine();
    story = createStoryRepo();
    // A user mid-work: a dirty tree, a staged change and a stash must all survive the run.
    story.repo.write({ 'nginx/index.html': '<h1>work in progress</h1>\n', 'notes.txt': 'todo\n' });
    story.repo.git('stash', 'push', '-q', '-m', 'wip', '--', 'nginx/index.html');
    story.repo.write({ 'nginx/index.html': '<h1>staged</h1>\n' });
    story.repo.git('add', 'nginx/index.html');
    story.repo.write({ 'nginx/index.html': '<h1>unstaged</h1>\n' });
    before = story.repo.snapshot();
    // The report goes inside the repository's .git directory: ignored by git, removed with the repo.
    const reportPath = join(story.repo.dir, '.git', 'incident.md');
    run = await runCli([story.good, story.bad, '--network', 'none', '--json', '--report', reportPath], { cwd: story.repo.dir });
    result = JSON.parse(run.stdout);
    report = readFileSync(reportPath, 'utf8');
  }, 300_000);

  afterAll(() => story?.repo.remove());

  it('names the commit that replaced supervisord and exits 0', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(result.status).toBe('found');
    expect(result.culprit.sha).toBe(story.culprit);
    expect(result.culprit.subject).toBe('Replace supervisord with a start script');
    expect(result.culprit.author).toBe('Dana Dev');
    expect(result.culprit.date).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("built with the engine's BuildKit (--builder auto), said once and recorded", () => {
    expect(result.builders).toEqual([{ endpoint: expect.any(String), builder: 'buildkit', buildNetwork: 'host' }]);
    expect(run.stderr.match(/building with BuildKit on /g)).toHaveLength(1);
  });

  it('explains how the culprit failed, with its own output', () => {
    const outcome = result.culprit.outcome;
    expect(outcome.ok).toBe(false);
    expect(outcome.phase).toBe('probe');
    expect(outcome.signature).toBe('healthcheck unhealthy');
    expect(outcome.logTail.join('\n')).toContain("FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/app.log'");
    expect(result.culprit.files.map((f: { status: string; path: string }) => `${f.status} ${f.path}`).sort()).toEqual([
      'A start.sh',
      'D supervisord.conf',
      'M Dockerfile',
    ]);
  });

  it('reports every step; the risk prior goes straight to the Dockerfile commit, past the transient build break, and verifies only the bad end', () => {
    const steps = result.steps as { sha: string; verdict: string; role: string; outcome: { phase: string; signature: string } }[];
    // The culprit's parent was tested good: the good end's verification was not needed.
    expect(steps.filter((s) => s.role === 'verify').map((s) => [s.sha, s.verdict])).toEqual([[story.bad, 'bad']]);
    expect(steps.map((s) => s.sha)).not.toContain(story.buildBreak);
    expect(steps.map((s) => s.sha)).not.toContain(story.good);
    expect(result.regression).toBe('runtime');
    expect(result.prior.kind).toBe('risk');
    expect(result.prior.top[0].sha).toBe(story.culprit);
    expect(result.prior.top[0].reasons[0]).toBe("matches the bad end's output: /app/logs");
    // Docs-only commits share their parent's build context: fewer builds than steps.
    expect(result.builds).toBeLessThanOrEqual(steps.length);
    expect(result.builds).toBeLessThanOrEqual(3);
    expect(typeof result.durationMs).toBe('number');
  });

  it('explains the culprit: the removed package, the changed CMD, the directory no longer created, and the log line as evidence', () => {
    const explanation = result.culprit.explanation;
    const kinds = explanation.findings.map((f: { kind: string; before?: string; after?: string; path?: string }) => [
      f.kind,
      f.before ?? f.path,
      f.after,
    ]);
    expect(kinds).toContainEqual(['package-removed', 'supervisor', undefined]);
    expect(kinds).toContainEqual(['directory-no-longer-created', '/app/logs', undefined]);
    expect(kinds).toContainEqual(['cmd', '["supervisord", "-c", "/etc/supervisor/conf.d/app.conf"]', '["bash", "/start.sh"]']);
    expect(explanation.likelyCauses).toHaveLength(1);
    expect(explanation.likelyCauses[0].evidence).toBe("FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/app.log'");
    expect(explanation.likelyCauses[0].finding.kind).toBe('directory-no-longer-created');
    expect(explanation.files.inContext.map((f: { path: string }) => f.path)).toEqual(['Dockerfile', 'start.sh', 'supervisord.conf']);
    expect(result.culprit.parent.outcome.ok).toBe(true);

    // The Markdown report says the same, readable as-is.
    expect(report).toContain('# deploybisect: First bad commit:');
    expect(report).toContain('apt package supervisor is no longer installed');
    expect(report).toContain('directory /app/logs is no longer created');
    expect(report).toMatch(/CMD changed: \["supervisord", .*\] → \["bash", "\/start\.sh"\]/);
    expect(report).toContain(
      `> **Likely cause:** The output says "FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/app.log'", and this commit stopped creating /app/logs`,
    );
    expect(report).toContain('## The search');
    expect(report).toMatch(/good [·✔✖↷◆ ×\d]+ bad/);
    expect(report).toContain(`deploybisect test ${story.culprit} --network none`);
    for (const step of result.steps) expect(report).toContain(`\`${step.sha.slice(0, 12)}\``);
  });

  it('leaves the repository exactly as it was', () => {
    expect(story.repo.snapshot()).toBe(before);
  });

  it('leaves no labelled container or image behind', async () => {
    const docker = await requireEngine();
    const containers = await docker.listContainers({ all: true, filters: { label: [LABEL_SESSION] } });
    const ours = containers.filter((c) => result.steps.some((s: { sha: string }) => c.Labels['deploybisect.commit'] === s.sha));
    expect(ours).toEqual([]);
    const images = await docker.listImages({ filters: { label: [LABEL_SESSION] } });
    expect(images.filter((i) => result.steps.some((s: { outcome: { imageId?: string } }) => s.outcome.imageId === i.Id))).toEqual([]);
  });
});

describe("the story with --builder classic and --prior uniform (git's halving)", () => {
  let story: StoryRepo;
  let run: CliRun;
  let result: any;

  beforeAll(async () => {
    await requireEngine();
    story = createStoryRepo();
    run = await runCli([story.good, story.bad, '--network', 'none', '--json', '--builder', 'classic', '--prior', 'uniform'], {
      cwd: story.repo.dir,
    });
    result = JSON.parse(run.stdout);
  }, 300_000);

  afterAll(() => story?.repo.remove());

  it("names the same culprit, skips the transient build break instead of blaming it (the first step of git's halving), and finds the same cause", () => {
    expect(run.code, run.stderr).toBe(0);
    expect(result.prior).toEqual({ kind: 'uniform', top: [] });
    const steps = result.steps as { sha: string; verdict: string; role: string }[];
    expect(steps.filter((s) => s.role === 'verify').map((s) => [s.sha, s.verdict])).toEqual([
      [story.bad, 'bad'],
      [story.good, 'good'],
    ]);
    expect(steps.find((s) => s.role === 'search')?.sha, 'the fixture puts the build break where the first bisection step lands').toBe(
      story.buildBreak,
    );
    expect(result.regression).toBe('runtime');
    expect(result.builders).toEqual([{ endpoint: expect.any(String), builder: 'classic' }]);
    expect(run.stderr).toMatch(/building with the classic builder on .* \(--builder classic\)/);
    expect(result.culprit.sha).toBe(story.culprit);
    const broken = result.steps.find((s: { sha: string }) => s.sha === story.buildBreak);
    expect(broken.verdict).toBe('skip');
    expect(broken.outcome.signature).toMatch(/^build failed: .*config\/app\.ini/);
    expect(result.culprit.explanation.likelyCauses[0].finding.kind).toBe('directory-no-longer-created');
  });
});
