/** The verdict cache across runs, and --jobs, through the CLI on the real engine. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRepo, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';

const HEALTHY = shellApp('echo up; sleep 60');
const CRASHES = shellApp('echo "fatal: no config" >&2; exit 3');

describe('verdict cache and --jobs', () => {
  let repo: TestRepo;
  let shas: string[];
  const cacheDir = mkdtempSync(join(tmpdir(), 'deploybisect-cache-test-'));
  const culpritIndex = 6;

  beforeAll(async () => {
    await requireEngine();
    ({ repo, shas } = createRepo(
      Array.from({ length: 10 }, (_, i) => ({
        subject: `commit ${i}`,
        changes: { Dockerfile: i >= culpritIndex ? CRASHES : HEALTHY, 'version.txt': `${i}\n` },
      })),
    ));
  });
  afterAll(() => {
    repo?.remove();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const runWithProgress = async (...extra: string[]) => {
    const result = await runCli([shas[0]!, shas[9]!, '--network', 'none', '--probe', 'running:1s', '--json', ...extra], { cwd: repo.dir });
    expect(result.code, result.stderr).toBe(0);
    return { result: JSON.parse(result.stdout), progress: result.stderr };
  };
  const run = async (...extra: string[]) => (await runWithProgress(...extra)).result;

  it('a second run over the same range rebuilds nothing already judged', async () => {
    const first = await run('--cache-dir', cacheDir);
    expect(first.culprit.sha).toBe(shas[culpritIndex]);
    expect(first.builds).toBeGreaterThan(2);
    // --restart: not resumed from the saved state of the first run, so this is the verdict cache alone.
    const second = await run('--cache-dir', cacheDir, '--restart');
    expect(second.culprit.sha).toBe(shas[culpritIndex]);
    expect(second.builds).toBe(0);
    expect(second.probes).toBe(0);
    expect(second.steps.every((s: { outcome: { reused?: string } }) => s.outcome.reused === 'cache')).toBe(true);
    // Without it, the same command replays the saved state of the range, and says it was a finished search.
    const { result: third, progress } = await runWithProgress('--cache-dir', cacheDir);
    expect(progress).toMatch(/replaying the search finished on \d{4}-\d\d-\d\d \d\d:\d\d \(.*\); --restart to run it again/);
    expect(third.culprit.sha).toBe(shas[culpritIndex]);
    expect(third.builds).toBe(0);
    expect(third.steps.every((s: { outcome: { reused?: string } }) => s.outcome.reused === 'state')).toBe(true);
  });

  it('different probe settings do not reuse cached verdicts, and --no-cache bypasses the cache', async () => {
    const otherProbe = await run('--cache-dir', cacheDir, '--timeout', '30s');
    expect(otherProbe.builds).toBeGreaterThan(0);
    const bypass = await run('--cache-dir', cacheDir, '--no-cache');
    expect(bypass.builds).toBeGreaterThan(0);
  });

  it('--jobs 2 names the same culprit, checking both ends at once', async () => {
    const parallel = await run('--jobs', '2');
    expect(parallel.culprit.sha).toBe(shas[culpritIndex]);
    const verify = parallel.steps.filter((s: { role: string }) => s.role === 'verify');
    expect(verify.map((s: { verdict: string }) => s.verdict).sort()).toEqual(['bad', 'good']);
  });

  it('rejects a bad --jobs value', async () => {
    const result = await runCli([shas[0]!, shas[9]!, '--jobs', '0'], { cwd: repo.dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("deploybisect: invalid --jobs '0': use a whole number from 1 to 16");
  });
});
