/**
 * The story end to end against Podman's Docker-compatible API (Debian's podman, started by
 * scripts/podman-engine.sh with `podman system service`), not Docker: the same culprit, the same
 * explanation with the container's own error line, and the same cleanup. Podman differs where it
 * matters: its image inspect has no HEALTHCHECK, and without systemd it never runs one by itself.
 */
import { spawn } from 'node:child_process';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LABEL_COMMIT, LABEL_SESSION } from '../../src/docker/labels.js';
import { createStoryRepo, type StoryRepo } from '../fixtures/story-repo.js';
import { podmanHost, requirePodman } from '../helpers/docker-engine.js';
import { BIN, runCli, type CliRun } from '../helpers/run-cli.js';

describe('deploybisect on Podman', () => {
  let podman: Docker;
  let story: StoryRepo;
  let before: string;
  let run: CliRun;
  let result: any;

  beforeAll(async () => {
    podman = await requirePodman();
    story = createStoryRepo();
    before = story.repo.snapshot();
    // git's halving (--prior uniform), so the search meets the transient build break on its first step, as on Docker with uniform.
    run = await runCli([story.good, story.bad, '--docker-host', podmanHost(), '--network', 'none', '--json', '--prior', 'uniform'], {
      cwd: story.repo.dir,
    });
    result = JSON.parse(run.stdout);
  }, 300_000);

  afterAll(() => story?.repo.remove());

  /** Podman fails a list (500, "image not known") when an image goes while it lists (other tests remove theirs): ask again. */
  async function listImages(): Promise<Docker.ImageInfo[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await podman.listImages({ filters: { label: [LABEL_SESSION] } });
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
  }

  /** Labelled containers and images of the story's commits on the Podman service. */
  async function leftovers(): Promise<{ containers: string[]; images: string[]; sessions: Set<string> }> {
    const commits = new Set(story.repo.git('rev-list', '--all').split('\n'));
    const ours = (labels: Record<string, string> | undefined | null) => commits.has(labels?.[LABEL_COMMIT] ?? '');
    const containers = (await podman.listContainers({ all: true, filters: { label: [LABEL_SESSION] } })).filter((c) => ours(c.Labels));
    const images = (await listImages()).filter((i) => ours(i.Labels));
    return {
      containers: containers.map((c) => c.Id),
      images: images.map((i) => i.Id),
      sessions: new Set([...containers.map((c) => c.Labels[LABEL_SESSION]!), ...images.map((i) => i.Labels![LABEL_SESSION]!)]),
    };
  }

  it('names the commit that replaced supervisord, from the HEALTHCHECK it runs itself', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`on ${podmanHost()}`);
    expect(result.status).toBe('found');
    expect(result.culprit.sha).toBe(story.culprit);
    expect(result.culprit.outcome.signature).toBe('healthcheck unhealthy');
    expect(result.culprit.parent.outcome.signature).toBe('healthcheck healthy');
    expect(result.culprit.outcome.logTail.join('\n')).toContain(
      "FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/app.log'",
    );
    const broken = result.steps.find((s: { sha: string }) => s.sha === story.buildBreak);
    expect(broken?.verdict).toBe('skip');
    expect(broken?.outcome.signature).toMatch(/^build failed: .*config\/app\.ini/);
  });

  it('explains the culprit as on Docker', () => {
    const explanation = result.culprit.explanation;
    const kinds = explanation.findings.map((f: { kind: string; before?: string; path?: string }) => [f.kind, f.before ?? f.path]);
    expect(kinds).toContainEqual(['package-removed', 'supervisor']);
    expect(kinds).toContainEqual(['directory-no-longer-created', '/app/logs']);
    expect(explanation.likelyCauses[0].finding.kind).toBe('directory-no-longer-created');
  });

  it('leaves no labelled container or image on Podman, and the repository as it was', async () => {
    expect(await leftovers()).toMatchObject({ containers: [], images: [] });
    expect(story.repo.snapshot()).toBe(before);
  });

  it('Ctrl-C mid-build and mid-run removes what it made on Podman; clean reaps what SIGKILL left', async () => {
    // Podman goes on building after the request is gone: an interrupted build's image appears later.
    for (const [signal, when] of [
      ['SIGINT', 'build'],
      ['SIGINT', 'probe'],
      ['SIGKILL', 'probe'],
    ] as const) {
      // --verbose: the build's and the container's lines say exactly where the run is.
      const verbose = ['--verbose'];
      const child = spawn(
        BIN,
        [story.good, story.bad, '--docker-host', podmanHost(), '--network', 'none', '--no-cache', '--restart', ...verbose],
        {
          cwd: story.repo.dir,
          env: { ...process.env, NO_COLOR: '1' },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      // Interrupt in the build (once its image is labelled), or while the first container is being probed (its HEALTHCHECK takes seconds to fail).
      await new Promise<void>((resolve) =>
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (when === 'build' && / build \| STEP \d+\/\d+: LABEL "deploybisect\.session"/.test(stderr)) resolve();
          if (when === 'probe' && / container \| /.test(stderr)) setTimeout(resolve, 500);
        }),
      );
      child.kill(signal);
      const code = await exited;
      if (signal === 'SIGINT') {
        expect(code, stderr).toBe(130);
        expect(await leftovers()).toMatchObject({ containers: [], images: [] });
      } else {
        const left = await leftovers();
        expect(left.containers.length + left.images.length, 'SIGKILL leaves its container or image').toBeGreaterThan(0);
        for (const session of left.sessions) {
          const cleaned = await runCli(['clean', '--session', session, '--docker-host', podmanHost()]);
          expect(cleaned.code, cleaned.stderr).toBe(0);
        }
        expect(await leftovers()).toMatchObject({ containers: [], images: [] });
      }
    }
    expect(story.repo.snapshot()).toBe(before);
  }, 180_000);
});
