/**
 * A deployment whose healthy commits fail to start about a quarter of the time, on the real
 * engine: --flaky names the right culprit and says how sure it is; --runs repeats every evaluation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRepo } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { BASE_IMAGE, requireEngine } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';

/** Starts, except about one time in four (a random byte from /dev/urandom), when it dies at once. */
const FLAKY_START = `#!/bin/sh
byte=$(od -An -N1 -tu1 /dev/urandom | tr -d ' ')
if [ $((byte % 4)) -eq 0 ]; then echo "startup failed: dependency not ready ($byte)" >&2; exit 1; fi
echo "app listening"
exec sleep 120
`;
const BROKEN_START = `#!/bin/sh
echo "config error: /app/config.ini not found" >&2
exit 2
`;
const DOCKERFILE = `FROM ${BASE_IMAGE}\nCOPY start.sh /start.sh\nCOPY VERSION /VERSION\nCMD ["sh", "/start.sh"]\n`;

describe('flaky deployments on the real engine', () => {
  let repo: TestRepo;
  let shas: string[];
  const culpritIndex = 8;

  beforeAll(async () => {
    await requireEngine();
    ({ repo, shas } = createRepo(
      Array.from({ length: 13 }, (_, i) => ({
        subject: i === culpritIndex ? 'Read settings from config.ini' : `Release ${i}`,
        changes: { Dockerfile: DOCKERFILE, 'start.sh': i >= culpritIndex ? BROKEN_START : FLAKY_START, VERSION: `${i}\n` },
      })),
    ));
  });
  afterAll(() => repo?.remove());

  it('--flaky names the culprit with its probability, the runs behind it and the inconsistent verdicts', async () => {
    const run = await runCli([shas[0]!, shas[12]!, '--network', 'none', '--probe', 'running:1s', '--flaky', '--json'], { cwd: repo.dir });
    expect(run.code, `${run.stderr}\n${run.stdout.slice(0, 3000)}`).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.culprit.sha).toBe(shas[culpritIndex]);
    expect(result.confidence.mode).toBe('flaky');
    expect(result.confidence.probability).toBeGreaterThanOrEqual(0.99);
    expect(result.confidence.target).toBe(0.99);
    // Each image was built once; further runs of a commit are fresh containers from it.
    const tested = new Set(result.steps.map((s: { sha: string }) => s.sha));
    expect(result.builds).toBeLessThanOrEqual(tested.size);
    expect(result.probes).toBe(result.steps.length);
    expect(result.steps.some((s: { outcome: { rerun?: boolean } }) => s.outcome.rerun)).toBe(true);
    // The runs each verdict rests on, and a warning for every commit whose runs disagreed.
    const commits: Array<{ sha: string; runs: number; failures: number }> = result.confidence.commits;
    expect(commits.reduce((sum, c) => sum + c.runs, 0)).toBe(result.steps.length);
    const mixed = commits.filter((c) => c.failures > 0 && c.failures < c.runs);
    expect(result.warnings.filter((w: string) => w.startsWith('inconsistent:'))).toHaveLength(mixed.length);
  });

  it('--runs 3 runs every evaluation three times and reports the majority', async () => {
    // A deterministic pair of commits, so the majority is known: the last healthy one and the culprit.
    const run = await runCli(
      [shas[culpritIndex - 1]!, shas[culpritIndex]!, '--network', 'none', '--probe', 'running:1s', '--runs', '3', '--no-verify', '--json'],
      {
        cwd: repo.dir,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.culprit.sha).toBe(shas[culpritIndex]);
    expect(result.confidence).toMatchObject({ mode: 'runs', runsPerEvaluation: 3 });
  });

  it('rejects flake settings without --flaky, and bad values', async () => {
    const cases: Array<[string[], string]> = [
      [['--confidence', '0.9'], 'deploybisect: --confidence works only with --flaky'],
      [['--flaky', '--confidence', '1.5'], "deploybisect: invalid --confidence '1.5': use a probability between 0.5 and 1, e.g. 0.99"],
      [
        ['--flaky', '--flake-rate', '0.7'],
        "deploybisect: invalid --flake-rate '0.7': use the share of healthy runs that fail, between 0 and 0.5, e.g. 0.2",
      ],
      [['--runs', '0'], "deploybisect: invalid --runs '0': use a whole number from 1 to 25"],
      [['--flaky', '--max-runs', '1'], "deploybisect: invalid --max-runs '1': use a whole number from 2 to 10000"],
    ];
    for (const [args, message] of cases) {
      const run = await runCli([shas[0]!, shas[12]!, ...args], { cwd: repo.dir });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n')[0]).toBe(message);
    }
  });
});
