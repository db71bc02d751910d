/**
 * Progress on pseudo-terminals (util-linux `script`): one that reports 0 columns (stdin not a
 * terminal, as CI wrappers, coding agents and `docker run -t` before its first resize give it)
 * must not hang the run — it finishes as under a pipe, with plain lines — and Ctrl-C must end it
 * at once; one 80 columns wide draws the spinner and finishes the same.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LABEL_SESSION } from '../../src/docker/labels.js';
import { shellQuote } from '../../src/text/shell-quote.js';
import { createStoryRepo, type StoryRepo } from '../fixtures/story-repo.js';
import { requireEngine, testDockerHost } from '../helpers/docker-engine.js';
import { CLI } from '../helpers/run-cli.js';

interface PtyRun {
  code: number | null;
  output: string;
  /** Writes to the terminal, as typing would (`\x03` is Ctrl-C). */
  type(text: string): void;
  exited: Promise<number | null>;
}

/** The CLI under `script` on a pseudo-terminal of `columns` (0: stdin is a pipe, so script cannot size it). */
function underPty(args: string[], cwd: string, columns: 0 | 80): PtyRun {
  const cache = mkdtempSync(join(tmpdir(), 'deploybisect-cache-'));
  const command = `${columns ? `stty cols ${columns} rows 24; ` : ''}exec ${[process.execPath, CLI, ...args].map(shellQuote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd,
    env: { ...process.env, DOCKER_HOST: testDockerHost(), XDG_CACHE_HOME: cache, CI: '', TERM: 'xterm', NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const run: PtyRun = {
    code: null,
    output: '',
    type: (text) => child.stdin.write(text),
    exited: new Promise((resolve) =>
      child.on('close', (code) => {
        rmSync(cache, { recursive: true, force: true });
        run.code = code;
        resolve(code);
      }),
    ),
  };
  child.stdout.on('data', (d: Buffer) => (run.output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (run.output += d.toString()));
  return run;
}

describe('progress on pseudo-terminals', () => {
  let story: StoryRepo;
  beforeAll(async () => {
    await requireEngine();
    story = createStoryRepo();
  });
  afterAll(() => story?.repo.remove());

  it('a 0-column terminal: the search finishes with plain progress lines, as under a pipe', async () => {
    const run = underPty([story.good, story.bad, '--network', 'none'], story.repo.dir, 0);
    expect(await run.exited, run.output).toBe(0);
    expect(run.output).toContain(`First bad commit: ${story.culprit}`);
    expect(run.output).toMatch(/^deploybisect: \S+ .* — bad: healthcheck unhealthy/m);
    // No spinner: no cursor movements, and the output is the size of a plain run (the hang wrote hundreds of MB).
    expect(run.output).not.toMatch(/\u001b\[\d*[AG]/);
    expect(run.output.length).toBeLessThan(20_000);
    // One width for a commit everywhere in the text: 12 hex digits, or the whole id.
    const spelled = [...run.output.matchAll(/\b[0-9a-f]{7,40}\b/g)].map((m) => m[0]);
    const commits = spelled.filter((hex) => story.commits.some((c) => c.sha.startsWith(hex)));
    expect(commits.length).toBeGreaterThan(5);
    expect(new Set(commits.map((hex) => hex.length))).toEqual(new Set([12, 40]));
  }, 240_000);

  it('an 80-column terminal: the spinner runs and the search finishes the same', async () => {
    const run = underPty([story.good, story.bad, '--network', 'none'], story.repo.dir, 80);
    expect(await run.exited, run.output).toBe(0);
    expect(run.output).toContain(`First bad commit: ${story.culprit}`);
    // ora draws with cursor movements and keeps each status to one line of the terminal.
    expect(run.output).toMatch(/\u001b\[\d*G/);
    expect(run.output).toMatch(/✖ \S+ .* — bad: healthcheck unhealthy/);
  }, 240_000);

  it('Ctrl-C on a 0-column terminal ends the run at once, nothing left behind', async () => {
    const docker = await requireEngine();
    const run = underPty([story.good, story.bad, '--network', 'none', '--no-cache'], story.repo.dir, 0);
    let session: string | undefined;
    for (let i = 0; i < 400 && !session && run.code === null; i++) {
      const list = await docker.listContainers({ filters: { label: [LABEL_SESSION] } });
      session = list.find((c) => story.commits.some((s) => s.sha === c.Labels['deploybisect.commit']))?.Labels[LABEL_SESSION];
      if (!session) await new Promise((r) => setTimeout(r, 100));
    }
    expect(session, run.output).toBeDefined();
    const interrupted = Date.now();
    run.type('\u0003');
    expect(await run.exited, run.output).toBe(130);
    const tookMs = Date.now() - interrupted;
    expect(run.output).toMatch(/interrupted/);
    // "At once": the cleanup of one container and a few images, not a wait for the probes (the bound is loose for loaded machines).
    expect(tookMs).toBeLessThan(15_000);
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL_SESSION}=${session}`] } });
    expect(left).toEqual([]);
  }, 240_000);
});
