/**
 * A full disk is never a verdict. The engine here is this file's own, with a data root on a small
 * ext4 file system (a loop-mounted image: scripts/docker-engine.sh makes it and removes it), and
 * every commit's image writes a layer of its own of 80 MiB:
 *
 * - a search removes each image once it is judged, so it fits and names the right culprit;
 * - with --keep-images the disk fills mid-search: exit 1 with one line about disk space, no verdict
 *   from the failure, nothing about it in the state or the verdict cache; after `deploybisect clean`
 *   the same command resumes and names the right culprit;
 * - the same with --regression build, where a build failure would otherwise be a bad verdict.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRepo } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { BASE_IMAGE, dockerClient, ensureBaseImage } from '../helpers/docker-engine.js';
import { PrivateEngine } from '../helpers/private-engine.js';
import { BIN, runCli } from '../helpers/run-cli.js';

const engine = new PrivateEngine('/var/tmp/deploybisect-engine-small', '400M');
const RUNTIME_CULPRIT = 9;
const BUILD_CULPRIT = 16;
const COMMITS = 24;
const MiB = 1024 ** 2;

/** Commit i: an 80 MiB layer of its own; from RUNTIME_CULPRIT on the app exits at once; from BUILD_CULPRIT on it does not build. */
function dockerfile(i: number): string {
  const layer = `RUN head -c ${80 * MiB} /dev/urandom > /blob && echo "release ${i}" > /release`;
  const broken = i >= BUILD_CULPRIT ? 'RUN echo "compiling" && exit 3\n' : '';
  const cmd = i >= RUNTIME_CULPRIT ? 'echo "release ' + i + ': no config" >&2; exit 3' : 'echo up; sleep 120';
  return `FROM ${BASE_IMAGE}\n${layer}\n${broken}CMD ["sh", "-c", ${JSON.stringify(cmd)}]\n`;
}

describe('a full disk is never a verdict', () => {
  let host: string;
  let repo: TestRepo;
  let shas: string[];
  const scratch = mkdtempSync(join(tmpdir(), 'deploybisect-small-disk-'));
  /** Each scenario's own verdict cache and saved state (shared by its runs). */
  let cache = '';
  const freshCache = () => (cache = mkdtempSync(join(scratch, 'cache-')));

  beforeAll(async () => {
    engine.stop(); // whatever an earlier, failed attempt left
    host = engine.start();
    await ensureBaseImage(dockerClient(host));
    ({ repo, shas } = createRepo(
      Array.from({ length: COMMITS }, (_, i) => ({ subject: `release ${i}`, changes: { Dockerfile: dockerfile(i) } })),
    ));
  }, 180_000);

  afterAll(() => {
    engine.stop();
    repo?.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  const args = (bad: number, ...extra: string[]) => [
    shas[0]!,
    shas[bad]!,
    '--docker-host',
    host,
    '--network',
    'none',
    '--probe',
    'running:2s',
    '--cache-dir',
    cache,
    ...extra,
  ];

  /** Runs the command, sampling the data root's use every 200 ms; returns the run and its peak use. */
  async function sampled(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string; peakMiB: number }> {
    const dataRoot = join(engine.dir, 'data');
    const used = () => {
      const s = statfsSync(dataRoot);
      return (s.blocks - s.bfree) * s.bsize;
    };
    const baseline = used();
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, used() - baseline)), 200);
    const child = spawn(BIN, argv, { cwd: repo.dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(timer);
    return { code, stdout, stderr, peakMiB: Math.round(peak / MiB) };
  }

  /** Nothing deploybisect keeps (its state, its verdict cache) mentions the full disk. */
  function keptNothingAboutTheDisk(): void {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name));
    for (const file of files(cache)) expect(readFileSync(file, 'utf8'), file).not.toMatch(/no space left|ENOSPC|quota/i);
  }

  it('removes each image once judged: the search fits on the small disk and names the culprit', async () => {
    freshCache();
    const run = await sampled([...args(BUILD_CULPRIT - 1, '--json'), '--restart']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { culprit: { sha: string }; steps: Array<{ outcome: { signature: string } }>; builds: number };
    expect(result.culprit.sha).toBe(shas[RUNTIME_CULPRIT]);
    for (const step of result.steps) expect(step.outcome.signature).not.toMatch(/space|quota/i);
    console.log(`small disk, images removed once judged: ${result.builds} builds, peak use ${run.peakMiB} MiB of 365 MiB`);
    expect(run.peakMiB).toBeLessThan(4 * 80);
    keptNothingAboutTheDisk();
  }, 300_000);

  // BuildKit (the default here) prunes its unused build cache when the disk runs short, so with
  // --regression build, whose failed builds keep no image, the disk never fills: that run uses the
  // classic builder, which keeps nothing in a build cache of its own.
  for (const [regression, builder] of [
    ['runtime', 'auto'],
    ['build', 'classic'],
  ] as const) {
    it(`--keep-images fills the disk: exit 1 naming the disk, no verdict from it; after clean, the same command names the culprit (--regression ${regression}, --builder ${builder})`, async () => {
      freshCache();
      const bad = regression === 'build' ? COMMITS - 1 : BUILD_CULPRIT - 1;
      // git's halving (--prior uniform) builds enough images to fill the disk; the informed search may be done before.
      const command = args(bad, '--keep-images', '--regression', regression, '--builder', builder, '--prior', 'uniform');
      const full = await sampled([...command, '--restart']);
      expect(full.code, full.stderr).toBe(1);
      const last = full.stderr.trim().split('\n').at(-1)!;
      expect(last).toMatch(new RegExp(`^deploybisect: the Docker engine at ${host.replace(/[/.]/g, '\\$&')} ran out of disk space while `));
      expect(last).toMatch(
        / MiB free of \d+ MiB in .*data: this says nothing about the commit; the state is kept: free space \(deploybisect clean, docker system prune\)/,
      );
      // Said before the search: the first build's size times the steps left is more than the disk has.
      expect(full.stderr).toMatch(
        /may run out of disk space: \d+ MiB free of \d+ MiB in .*, the first build took \d+ MiB and about \d+ more are ahead/,
      );
      // No verdict came from the full disk.
      expect(full.stderr).not.toMatch(/ — (good|bad|skip): [^\n]*(space|quota)/i);
      console.log(`small disk, --keep-images (--regression ${regression}): stopped at ${full.peakMiB} MiB used; the last line: ${last}`);
      keptNothingAboutTheDisk();

      const cleaned = await runCli(['clean', '--all', '--docker-host', host]);
      expect(cleaned.code, cleaned.stderr).toBe(0);
      const resumed = await sampled([...command, '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(/resuming: \d+ runs? already known/);
      const result = JSON.parse(resumed.stdout) as { culprit: { sha: string } };
      expect(result.culprit.sha).toBe(shas[regression === 'build' ? BUILD_CULPRIT : RUNTIME_CULPRIT]);
      expect((await runCli(['clean', '--all', '--docker-host', host])).code).toBe(0);
    }, 400_000);
  }
});
