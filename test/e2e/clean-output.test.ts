/**
 * Text that leaves the tool is clean, end to end on the real engine: a container that prints
 * colours, cursor moves, a progress line redrawn with \r, a window title and an OSC 8 hyperlink, then
 * fails, leaves none of them in the text summary, --verbose on a pipe, the --report Markdown, the
 * GitHub step summary or --json, while its words stay; and a RUN that prints a line in pieces
 * (`printf 'np'; sleep 1; printf 'm notice\n'`) shows it as one line in the build-failure evidence,
 * with BuildKit and with the classic builder.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRepo } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { BASE_IMAGE, requireEngine } from '../helpers/docker-engine.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';

/** ESC, CSI (8-bit), and every C0/C1 control but tab and line feed. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** What escape codes leave behind when only their ESC is dropped. */
const REMNANTS = /\[\d+(?:;\d+)*[A-Za-z]|\]8;;|\]0;/;

/**
 * A start script that draws on the terminal, then fails, once its config says the database is down
 * (busybox printf: \033 is ESC). It is the same in both commits, so that no diff shows its codes as text.
 */
const NOISY = String.raw`#!/bin/sh
grep -q down /app.conf || exec sleep 60
printf '\033]0;my app\007'
printf '\033[1;31mERROR\033[0m database \033[4munreachable\033[24m at db:5432\n'
printf '\033[2K\033[1Gretrying\033[1A\033[K in 1s\n'
printf 'migrate 10%%\rmigrate 50%%\rmigrate 100%%\n'
printf 'see \033]8;;https://example.com/docs?topic=db,retry\033\\the runbook\033]8;;\033\\ for help\n'
exit 3
`;
const WORDS = ['ERROR database unreachable at db:5432', 'retrying in 1s', 'migrate 100%', 'see the runbook for help'];

describe('a container that draws on the terminal, then fails', () => {
  let repo: TestRepo;
  let shas: string[];
  let json: CliRun;
  let text: CliRun;
  const scratch = mkdtempSync(join(tmpdir(), 'deploybisect-clean-'));
  const report = join(scratch, 'report.md');
  const summary = join(scratch, 'step-summary.md');

  beforeAll(async () => {
    await requireEngine();
    const dockerfile = `FROM ${BASE_IMAGE}\nCOPY start.sh app.conf /\nCMD ["sh", "/start.sh"]\n`;
    ({ repo, shas } = createRepo([
      { subject: 'Start the app', changes: { Dockerfile: dockerfile, 'start.sh': NOISY, 'app.conf': 'database=up\n' } },
      { subject: 'Take the database down', changes: { 'app.conf': 'database=down\n' } },
    ]));
    const args = [shas[0]!, shas[1]!, '--network', 'none', '--probe', 'running:2s'];
    [json, text] = await Promise.all([
      runCli([...args, '--json', '--report', report], { cwd: repo.dir, env: { GITHUB_STEP_SUMMARY: summary } }),
      runCli([...args, '--verbose'], { cwd: repo.dir }),
    ]);
  }, 300_000);
  afterAll(() => {
    repo?.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('names the commit, from the container’s own words', () => {
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.culprit.sha).toBe(shas[1]);
    expect(result.culprit.outcome.logTail).toEqual(WORDS);
  });

  it('no escape code or control reaches --json, the report, the step summary, the text summary or --verbose on a pipe', () => {
    expect(text.code, text.stderr).toBe(0);
    const outputs = {
      json: json.stdout,
      report: readFileSync(report, 'utf8'),
      'step summary': readFileSync(summary, 'utf8'),
      'text summary': text.stdout,
      'verbose progress': text.stderr,
    };
    for (const [name, output] of Object.entries(outputs)) {
      expect(CONTROLS.exec(output), name).toBeNull();
      expect(REMNANTS.exec(output), name).toBeNull();
      // \u escapes in JSON strings would be controls once parsed.
      expect(output, name).not.toMatch(/\\u00[01][0-9a-f]|\\u007f|\\u00[89][0-9a-f]/i);
      for (const words of name === 'json' ? WORDS : WORDS.slice(0, 1)) expect(output, name).toContain(words);
    }
    // --verbose shows each line as the container's terminal would have.
    for (const words of WORDS) expect(text.stderr).toContain(`container | ${words}`);
  });
});

/** A RUN that prints a line in two pieces a second apart, a coloured line, then fails. */
const PIECES = (nonce: string) =>
  `FROM ${BASE_IMAGE}\nRUN echo ${nonce} && printf 'np' && sleep 1 && printf 'm notice New major version\\n' && printf '\\033[33mwarn\\033[0m: slow\\n' && exit 1\n`;

describe('a build that prints a line in pieces', () => {
  let repo: TestRepo;
  let shas: string[];
  let builds: Record<'buildkit' | 'classic', CliRun>;

  beforeAll(async () => {
    await requireEngine();
    ({ repo, shas } = createRepo([{ subject: 'Install', changes: { Dockerfile: PIECES(`${process.pid}-${Date.now()}`) } }]));
    const test = (builder: string) =>
      runCli(['test', shas[0]!, '--network', 'none', '--probe', 'running:1s', '--builder', builder, '--json'], { cwd: repo.dir });
    const [buildkit, classic] = await Promise.all([test('buildkit'), test('classic')]);
    builds = { buildkit: buildkit!, classic: classic! };
  }, 300_000);
  afterAll(() => repo?.remove());

  for (const builder of ['buildkit', 'classic'] as const) {
    it(`shows it as one line in the evidence (${builder})`, () => {
      const run = builds[builder];
      expect(run.code, run.stderr).toBe(125);
      const outcome = JSON.parse(run.stdout).outcome;
      expect(outcome.phase).toBe('build');
      expect(outcome.logTail).toContain('npm notice New major version');
      expect(outcome.logTail).toContain('warn: slow');
      expect(outcome.logTail.filter((line: string) => /^(np|m notice.*)$/.test(line))).toEqual([]);
      expect(CONTROLS.exec(run.stdout)).toBeNull();
    });
  }
});
