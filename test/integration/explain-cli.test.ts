/** `deploybisect explain` through the built CLI: git objects only, so it works with no Docker engine at all. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createStoryRepo, type StoryRepo } from '../fixtures/story-repo.js';
import { runCli } from '../helpers/run-cli.js';

const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

describe('deploybisect explain', () => {
  let story: StoryRepo;
  let before: string;
  let parent: string;

  beforeAll(() => {
    story = createStoryRepo();
    before = story.repo.snapshot();
    parent = story.repo.git('rev-parse', `${story.culprit}^`);
  });
  afterAll(() => story?.repo.remove());

  it('explains a commit against its parent, without a Docker engine', async () => {
    const run = await runCli(['explain', parent, story.culprit], { cwd: story.repo.dir, env: NO_ENGINE });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Replace supervisord with a start script');
    expect(run.stdout).toContain('apt package supervisor is no longer installed');
    expect(run.stdout).toContain('apt package bash is now installed');
    expect(run.stdout).toContain('directory /app/logs is no longer created');
    expect(run.stdout).toMatch(/CMD changed: \["supervisord".*→ \["bash", "\/start\.sh"\]/);
    // small text files sent to the builder come with their diff
    expect(run.stdout).toContain("+exec nginx -g 'daemon off;'");
    expect(run.stdout).not.toContain('Likely cause'); // no run, no evidence: nothing is claimed
  });

  it('prints JSON with the findings and the files split by whether they reach the image', async () => {
    const run = await runCli(['explain', story.good, story.bad, '--json'], { cwd: story.repo.dir, env: NO_ENGINE });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.good.sha).toBe(story.good);
    expect(result.bad.sha).toBe(story.bad);
    const { files, findings } = result.explanation;
    expect(findings.map((f: { kind: string }) => f.kind)).toEqual(
      expect.arrayContaining(['package-removed', 'package-added', 'cmd', 'directory-no-longer-created']),
    );
    const paths = (list: { path: string }[]) => list.map((f) => f.path);
    expect(paths(files.inContext)).toEqual(
      expect.arrayContaining(['Dockerfile', 'start.sh', 'supervisord.conf', 'config/app.ini', 'nginx/robots.txt']),
    );
    expect(paths(files.ignored)).toEqual(expect.arrayContaining(['README.md', 'docs/CHANGELOG.md', 'docs/deploy.md', 'tests/smoke.sh']));
    expect(paths(files.outsideContext)).toEqual([]);
  });

  it('rejects bad refs with exit 2, and changes nothing in the repository', async () => {
    const unknown = await runCli(['explain', 'nope', 'HEAD'], { cwd: story.repo.dir, env: NO_ENGINE });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toMatch(/^deploybisect: unknown revision 'nope'/);
    const same = await runCli(['explain', 'HEAD', story.bad], { cwd: story.repo.dir, env: NO_ENGINE });
    expect(same.code).toBe(2);
    expect(same.stderr.trim()).toMatch(/same commit/);
    expect(story.repo.snapshot()).toBe(before);
  });
});
