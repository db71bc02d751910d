/**
 * The same story, decided by the backend's own crash: --fail-on-log marks a commit bad the moment
 * its output shows the FileNotFoundError, instead of waiting for the HEALTHCHECK to turn unhealthy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createStoryRepo, type StoryRepo } from '../fixtures/story-repo.js';
import { requireEngine } from '../helpers/docker-engine.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';

describe('the story with --fail-on-log', () => {
  let story: StoryRepo;
  let run: CliRun;
  let result: any;

  beforeAll(async () => {
    await requireEngine();
    story = createStoryRepo();
    run = await runCli([story.good, story.bad, '--network', 'none', '--fail-on-log', 'FileNotFoundError|Traceback', '--json'], {
      cwd: story.repo.dir,
    });
    result = JSON.parse(run.stdout);
  }, 300_000);
  afterAll(() => story?.repo.remove());

  it('names the same culprit, with the log line as the decisive evidence', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(result.culprit.sha).toBe(story.culprit);
    const decisive = result.culprit.outcome.probes[0];
    expect(result.culprit.outcome.signature).toBe('log matched --fail-on-log /FileNotFoundError|Traceback/');
    expect(decisive).toMatchObject({ kind: 'fail-on-log', ok: false, evidence: { line: 'Traceback (most recent call last):' } });
  });

  it('decides bad commits from the log, well before a HEALTHCHECK could', () => {
    const bad = result.steps.filter(
      (s: { verdict: string; outcome: { phase: string } }) => s.verdict === 'bad' && s.outcome.phase === 'probe',
    );
    expect(bad.length).toBeGreaterThan(0);
    for (const step of bad) {
      expect(step.outcome.probes[0].kind).toBe('fail-on-log');
      // The HEALTHCHECK (interval 2s, retries 2) needs about 4 s to say unhealthy; the log says it in about 1 s.
      expect(step.outcome.probes[0].elapsedMs).toBeLessThan(3000);
    }
  });
});
