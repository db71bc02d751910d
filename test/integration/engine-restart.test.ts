/**
 * The engine restarts (stopped as a service manager stops it, then started again on the same socket
 * and data root) in the middle of a build, and in the middle of a probe, on an engine of this
 * file's own: the run ends with exit 1 and one line naming the engine and saying to re-run, no
 * verdict comes from what the restart did to the build or the container, and the same command
 * afterwards resumes to the right culprit.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRepo, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { dockerClient, ensureBaseImage } from '../helpers/docker-engine.js';
import { PrivateEngine } from '../helpers/private-engine.js';
import { BIN, runCli } from '../helpers/run-cli.js';

const engine = new PrivateEngine('/var/tmp/deploybisect-engine-restart');
const CULPRIT = 6;

describe('a run whose engine restarts', () => {
  let host: string;
  let repo: TestRepo;
  let shas: string[];
  const scratch = mkdtempSync(join(tmpdir(), 'deploybisect-restart-'));

  beforeAll(async () => {
    host = engine.start();
    await ensureBaseImage(dockerClient(host));
    expect((await runCli(['clean', '--all', '--docker-host', host])).code).toBe(0);
    ({ repo, shas } = createRepo(
      Array.from({ length: 10 }, (_, i) => ({
        subject: `release ${i}`,
        changes: {
          // A build that takes a few seconds, and an app that runs (or, from the culprit on, exits at once).
          Dockerfile: shellApp(
            i >= CULPRIT ? `echo "release ${i}: no config" >&2; exit 3` : `trap 'exit 0' TERM; echo "release ${i} up"; sleep 120 & wait`,
            `RUN sleep 3 && echo built ${i}\n`,
          ),
        },
      })),
    ));
  }, 180_000);

  afterAll(() => {
    engine.stop();
    repo?.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** The search's command line: the same for the run that loses its engine and the one that resumes it. */
  const search = (cache: string, builder: string, ...extra: string[]): string[] => [
    shas[0]!,
    shas[9]!,
    '--docker-host',
    host,
    '--network',
    'none',
    '--probe',
    'running:4s',
    '--cache-dir',
    cache,
    '--builder',
    builder,
    ...extra,
  ];

  /** Runs the search; once `verdicts` verdicts are out and `now` matches the output, restarts the engine. */
  async function restartWhen(
    cache: string,
    verdicts: number,
    now: RegExp,
    builder: string,
    extra: readonly string[],
  ): Promise<{ code: number | null; stderr: string; judgedAtRestart: number }> {
    const child = spawn(BIN, search(cache, builder, ...extra, '--verbose'), {
      cwd: repo.dir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let restarting: Promise<string> | undefined;
    let judgedAtRestart = -1;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const judged = (stderr.match(/ — (good|bad|skip): /g) ?? []).length;
      const after = stderr.split(/ — (?:good|bad|skip): [^\n]*\n/).at(-1) ?? '';
      if (!restarting && judged >= verdicts && now.test(after)) {
        judgedAtRestart = judged;
        restarting = engine.restart();
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (restarting) host = await restarting;
    return { code, stderr, judgedAtRestart };
  }

  // Mid-build: with --no-build-ahead the build is the only thing in flight (building ahead, a probe
  // could end, and rightly give a verdict, between the restart's start and the engine going down).
  // Mid-probe: with the default, next candidates building ahead meanwhile.
  for (const [when, now, builder, extra] of [
    ['a build', / build \| Step 2\/\d+ : RUN sleep 3/, 'classic', ['--no-build-ahead']],
    ['a build', / build \| #\d+ \[2\/\d+\] RUN sleep 3/, 'buildkit', ['--no-build-ahead']],
    ['a probe', / container \| release \d+ up/, 'auto', []],
  ] as const) {
    it(`in the middle of ${when} (--builder ${builder}): exit 1 naming the engine, no verdict from it; the same command then resumes to the culprit`, async () => {
      const cache = mkdtempSync(join(scratch, 'cache-'));
      const lost = await restartWhen(cache, 2, now, builder, extra);
      expect(lost.code, lost.stderr).toBe(1);
      const last = lost.stderr.trim().split('\n').at(-1)!;
      expect(last).toMatch(new RegExp(`^deploybisect: (the Docker engine at|lost the Docker engine at) ${host.replace(/[/.]/g, '\\$&')}`));
      expect(last).toMatch(/re-run the same command to resume/);
      console.log(`engine restarted in the middle of ${when}: ${last}`);
      // The commits judged before the restart kept their verdicts (at least the bad end and one more); the commit in flight got none.
      expect(lost.judgedAtRestart, lost.stderr).toBeGreaterThanOrEqual(2);
      expect((lost.stderr.match(/ — (good|bad|skip): /g) ?? []).length, lost.stderr).toBe(lost.judgedAtRestart);

      const resumed = await runCli(search(cache, builder, ...extra, '--json'), {
        cwd: repo.dir,
      });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(new RegExp(`resuming: ${lost.judgedAtRestart} runs? already known`));
      expect((JSON.parse(resumed.stdout) as { culprit: { sha: string } }).culprit.sha).toBe(shas[CULPRIT]);
    }, 240_000);
  }
});
