/**
 * A resumed run reports like a fresh one: the culprit's parent and its outcome (here a
 * commit the search skipped, whose build context equals an evaluated one), and the cost of the
 * whole search, with what the resume itself spent beside it, in the JSON, the text and the report.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRepo, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';

const HEALTHY = shellApp('echo up; sleep 120');
const BROKEN = shellApp('echo "fatal: no config" >&2; exit 3');

describe('a resumed run reports like a fresh one', () => {
  let repo: TestRepo;
  let shas: string[];
  const cache = mkdtempSync(join(tmpdir(), 'deploybisect-resume-report-'));
  const env = { XDG_CACHE_HOME: cache };
  const args = () => [shas[0]!, shas[4]!, '--network', 'none', '--probe', 'running:2s', '--no-cache'];

  beforeAll(async () => {
    await requireEngine();
    ({ repo, shas } = createRepo([
      { subject: 'base', changes: { Dockerfile: HEALTHY, '.dockerignore': 'NOTES.md\n', 'version.txt': '0\n' } },
      { subject: 'version 1', changes: { 'version.txt': '1\n' } },
      { subject: 'notes only', changes: { 'NOTES.md': 'not sent to the builder\n' } },
      { subject: 'break the start', changes: { Dockerfile: BROKEN } },
      { subject: 'version 4', changes: { 'version.txt': '4\n' } },
    ]));
  });
  afterAll(() => {
    repo?.remove();
    rmSync(cache, { recursive: true, force: true });
  });

  it('names the parent and its outcome, and the cost of the whole search, when every run is replayed', async () => {
    const fresh = await runCli([...args(), '--json'], { cwd: repo.dir, env });
    expect(fresh.code, fresh.stderr).toBe(0);
    const first = JSON.parse(fresh.stdout);
    expect(first.culprit.sha).toBe(shas[3]);
    expect(first.culprit.parent).toMatchObject({ sha: shas[2], outcome: { ok: true } });
    expect(first.resume).toBeUndefined();
    expect(first.builds).toBeGreaterThan(0);

    const again = await runCli([...args(), '--json'], { cwd: repo.dir, env });
    expect(again.code, again.stderr).toBe(0);
    // A search that came to its result is replayed, and says so.
    expect(again.stderr).toMatch(/replaying the search finished on .*; --restart to run it again/);
    const resumed = JSON.parse(again.stdout);
    expect(resumed.culprit.sha).toBe(shas[3]);
    expect(resumed.culprit.parent).toMatchObject({
      sha: shas[2],
      outcome: { ok: true, signature: first.culprit.parent.outcome.signature },
    });
    expect(resumed.builds).toBe(first.builds);
    expect(resumed.probes).toBe(first.probes);
    expect(resumed.resume).toMatchObject({ replayedRuns: resumed.steps.length, builds: 0, probes: 0 });

    const report = join(cache, 'report.md');
    const text = await runCli([...args(), '--report', report], { cwd: repo.dir, env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toMatch(new RegExp(`^deploybisect: wrote report ${report.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(text.stdout).toContain(`Its parent ${shas[2]!.slice(0, 12)}: passed`);
    expect(text.stdout).toContain(`Run: ${first.builds} builds, ${first.probes} probes,`);
    expect(text.stdout).toMatch(/this run resumed the search and replayed \d+ runs? from its saved state; it spent 0 builds, 0 probes/);
    const md = readFileSync(report, 'utf8');
    expect(md).toContain(`- Cost: ${first.builds} builds, ${first.probes} probes,`);
    expect(md).toContain(`**Its parent \`${shas[2]!.slice(0, 12)}\`, for contrast:** passed`);
  });
});
