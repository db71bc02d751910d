/**
 * A commit's build context is planned once per run: building it, building it ahead, releasing its
 * image after its step, running it again, finding its parent's outcome and explaining the culprit all
 * take the plan made the first time (on a large context each plan lists every file). Counted by
 * wrapping the planner's one entry point, on the real engine.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { bisect } from '../../src/index.js';
import { createRepo, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine, testDockerHost } from '../helpers/docker-engine.js';

const plans = vi.hoisted(() => new Map<string, number>());
vi.mock('../../src/git/build-context.js', async (original) => {
  const module = await original<typeof import('../../src/git/build-context.js')>();
  return {
    ...module,
    planBuildContext: async (spec: { commit: string }) => {
      plans.set(spec.commit, (plans.get(spec.commit) ?? 0) + 1);
      return module.planBuildContext(spec as Parameters<typeof module.planBuildContext>[0]);
    },
  };
});

describe('build context plans', () => {
  let repo: TestRepo;
  let shas: string[];
  beforeAll(async () => {
    await requireEngine();
    ({ repo, shas } = createRepo(
      Array.from({ length: 9 }, (_, i) => ({
        subject: `release ${i}`,
        changes: { Dockerfile: shellApp(i < 6 ? 'echo up; sleep 60' : 'exit 3'), 'version.txt': `${i}\n` },
      })),
    ));
  });
  afterAll(() => repo?.remove());

  it.each([
    ['uniform', 1],
    ['risk', 1],
    ['uniform', 2],
  ] as const)(
    '--prior %s --runs %i: every commit is planned once, whatever asks for it',
    async (prior, runs) => {
      plans.clear();
      const result = await bisect({
        good: shas[0]!,
        bad: shas[8]!,
        repo: repo.dir,
        network: 'none',
        probe: 'running:1s',
        dockerHost: testDockerHost(),
        cache: false,
        state: false,
        prior,
        runs,
      });
      expect(result.status).toBe('found');
      expect(result.culprit?.sha).toBe(shas[6]);
      // The culprit, its parent (for the explanation), and every commit evaluated or built ahead: once each.
      expect(plans.get(shas[6]!)).toBe(1);
      expect(plans.get(shas[5]!)).toBe(1);
      for (const step of result.steps) expect(plans.get(step.sha), `${step.sha} planned ${plans.get(step.sha)} times`).toBe(1);
      expect([...plans.values()].every((n) => n === 1)).toBe(true);
    },
    180_000,
  );
});
