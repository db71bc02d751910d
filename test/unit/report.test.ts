import { describe, expect, it } from 'vitest';

import { painter } from '../../src/cli/render/color.js';
import { explanationLines, explanationMarkdown } from '../../src/cli/render/explanation.js';
import { renderReport, searchVisual } from '../../src/cli/render/report.js';
import { renderSummary } from '../../src/cli/render/summary.js';
import type { Explanation } from '../../src/explain/explain-change.js';
import type { Finding } from '../../src/explain/finding.js';
import type { Outcome } from '../../src/session/outcome.js';
import type { BisectResult, Step } from '../../src/session/result.js';

const sha = (n: number): string => n.toString(16).padStart(2, '0').repeat(20);

function outcome(overrides: Partial<Outcome> = {}): Outcome {
  return {
    sha: sha(0),
    ok: true,
    phase: 'probe',
    signature: 'healthy',
    probes: [],
    logTail: [],
    built: true,
    durationMs: 1500,
    ...overrides,
  };
}

const findings: Finding[] = [
  {
    kind: 'package-removed',
    stage: '0',
    instruction: 'RUN',
    before: 'apt-get install -y supervisor | tee /log',
    lineBefore: 2,
    package: { manager: 'apt', name: 'supervisor' },
    summary: 'apt package supervisor is no longer installed (stage 0, line 2)',
  },
  { kind: 'expose', stage: 'app|web', instruction: 'EXPOSE', after: '8080', lineAfter: 7, summary: 'port 8080 is now exposed' },
];

const explanation: Explanation = {
  before: sha(4),
  after: sha(5),
  findings,
  likelyCauses: [
    {
      summary: "'supervisord: not found' <- apt package supervisor is no longer installed",
      evidence: 'supervisord: not found',
      finding: findings[0]!,
    },
  ],
  notes: ['Dockerfile is missing at 0404040404'],
  files: {
    inContext: [
      {
        path: 'start.sh',
        status: 'M',
        added: 2,
        deleted: 1,
        binary: false,
        diff: 'diff --git a/start.sh b/start.sh\nindex 1111111..2222222 100755\n--- a/start.sh\n+++ b/start.sh\n@@ -1,2 +1,3 @@\n #!/bin/sh\n-exec supervisord\n+exec supervisord -n\n+echo index of files\n\n',
      },
      { path: 'logo.png', status: 'A', added: 0, deleted: 0, binary: true },
      { path: 'conf/new.conf', oldPath: 'conf/old.conf', status: 'R', added: 0, deleted: 0, binary: false },
    ],
    ignored: [
      { path: 'node_modules/x.js', status: 'M', added: 1, deleted: 1, binary: false, diff: 'diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b\n' },
    ],
    outsideContext: [{ path: 'docs/guide.md', status: 'D', added: 0, deleted: 10, binary: false }],
  },
};

const SUPERVISOR_DIFF_BODY = [
  '--- a/start.sh',
  '+++ b/start.sh',
  '@@ -1,2 +1,3 @@',
  ' #!/bin/sh',
  '-exec supervisord',
  '+exec supervisord -n',
  '+echo index of files',
];

/** A GFM table row's cells: a `|` is a delimiter unless a backslash is right before it (as cmark-gfm splits rows). */
function cells(row: string): string[] {
  expect(row.startsWith('| ') && row.endsWith(' |'), row).toBe(true);
  const inner = row.slice(1, -1);
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '|' && inner[i - 1] !== '\\') {
      out.push(current.trim());
      current = '';
    } else current += inner[i];
  }
  out.push(current.trim());
  return out;
}

/** The rows of the table whose header is `header`: up to the first line that is not a row. */
function tableRows(lines: string[], header: string): string[][] {
  const start = lines.indexOf(header);
  expect(start, `table ${header}`).toBeGreaterThanOrEqual(0);
  expect(lines[start + 1]).toBe(`|${' --- |'.repeat(cells(header).length)}`);
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
  return rows;
}

interface CodeBlock {
  info: string;
  body: string[];
}

/** Fenced code blocks as CommonMark reads them: a block ends at the first fence of its character at least as long as its opener. */
function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open || (open[1]![0] === '`' && open[2]!.includes('`'))) continue;
    const fence = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(lines[j]!);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) break;
      body.push(lines[j]!);
    }
    blocks.push({ info: open[2]!.trim(), body });
    i = j;
  }
  return blocks;
}

const stepsOf = (...list: [number, Step['verdict'], Step['role']?][]): Step[] =>
  list.map(([n, verdict, role]) => ({
    sha: sha(n),
    subject: `commit ${n}`,
    role: role ?? 'search',
    verdict,
    outcome: outcome({ ok: verdict === 'good' }),
    durationMs: 1000,
  }));

function result(overrides: Partial<BisectResult>): BisectResult {
  return {
    status: 'found',
    sessionId: 'session-1',
    good: sha(0),
    bad: sha(9),
    regression: 'runtime',
    steps: [],
    range: [1, 2, 3, 4, 5, 6, 7, 8, 9].map(sha),
    planning: { commits: 9, changingContext: 9, searched: 9, durationMs: 1 },
    confidence: { mode: 'plain', runsPerEvaluation: 1, commits: [] },
    warnings: [],
    builders: [{ endpoint: 'unix:///var/run/docker.sock', builder: 'buildkit' }],
    builds: 0,
    probes: 0,
    durationMs: 0,
    ...overrides,
  };
}

const culpritOutcome = outcome({
  sha: sha(5),
  ok: false,
  phase: 'probe',
  signature: 'exit:127',
  durationMs: 4200,
  logTail: ['starting', 'sh: supervisord: not found'],
  probes: [{ kind: 'http', spec: 'http://:80/', ok: false, elapsedMs: 300, reason: 'connection refused', evidence: { status: 502 } }],
});

const foundSteps: Step[] = [
  { sha: sha(0), subject: 'the good one', role: 'verify', verdict: 'good', outcome: outcome(), durationMs: 2000 },
  {
    sha: sha(9),
    subject: 'the bad one',
    role: 'verify',
    verdict: 'bad',
    outcome: outcome({ ok: false, signature: 'probe http://:80/ failed | 502' }),
    durationMs: 2500,
  },
  { sha: sha(4), subject: 'fix: a|b <tag> || c', role: 'search', verdict: 'good', outcome: outcome(), durationMs: 1200 },
  {
    sha: sha(6),
    subject: 'flaky',
    role: 'search',
    verdict: 'skip',
    outcome: outcome({ ok: false, phase: 'build', signature: 'build: `RUN make` | exit 2' }),
    durationMs: 61_000,
  },
  { sha: sha(5), subject: 'drop supervisor', role: 'search', verdict: 'bad', outcome: culpritOutcome, durationMs: 4200 },
];

function foundResult(): BisectResult {
  return result({
    status: 'found',
    culprit: {
      sha: sha(5),
      shortSha: sha(5).slice(0, 7),
      subject: 'drop supervisor | slim image',
      author: 'Ann Example',
      authorEmail: 'ann@example.com',
      date: '2024-01-02T03:04:05+01:00',
      files: [],
      outcome: culpritOutcome,
      explanation,
      parent: { sha: sha(4), outcome: outcome({ sha: sha(4), signature: 'all probes passed' }) },
    },
    steps: foundSteps,
    builds: 5,
    probes: 4,
    durationMs: 90_000,
  });
}

const GENERATED = new Date('2024-05-06T07:08:09Z');
const REPRODUCE = `deploybisect test ${sha(5)} --network none --probe healthcheck`;

describe('searchVisual', () => {
  it('marks each commit of the range, oldest first, framed by good and bad', () => {
    const r = result({ range: [1, 2, 3, 4].map(sha), steps: stepsOf([2, 'good'], [3, 'skip'], [4, 'bad']) });
    expect(searchVisual(r)).toBe('good · ✔ ↷ ✖ bad');
  });

  it('marks the culprit ◆ over its bad verdict and ignores steps outside the range', () => {
    const r = result({
      range: [1, 2, 3, 4, 5].map(sha),
      steps: stepsOf([0, 'good', 'verify'], [5, 'bad', 'verify'], [3, 'bad'], [2, 'good']),
      culprit: { ...foundResult().culprit!, sha: sha(3) },
    });
    expect(searchVisual(r)).toBe('good · ✔ ◆ · ✖ bad');
  });

  it('folds runs of more than 5 untested commits, and only those', () => {
    const range = Array.from({ length: 30 }, (_, i) => sha(i + 1));
    // 1-5 untested (5, not folded), 6 good, 7-18 untested (12, folded), 19-20 skip, 21 culprit, 22-27 untested (6, folded), 28 bad, 29-30 untested.
    const r = result({
      range,
      steps: stepsOf([6, 'good'], [19, 'skip'], [20, 'skip'], [21, 'bad'], [28, 'bad']),
      culprit: { ...foundResult().culprit!, sha: sha(21) },
    });
    expect(searchVisual(r)).toBe('good · · · · · ✔ ·×12 ↷ ↷ ◆ ·×6 ✖ · · bad');
  });

  it('folds a whole untested range', () => {
    expect(searchVisual(result({ range: Array.from({ length: 120 }, (_, i) => sha(i + 1)) }))).toBe('good ·×120 bad');
    expect(searchVisual(result({ range: [1, 2, 3, 4, 5, 6].map(sha) }))).toBe('good ·×6 bad');
    expect(searchVisual(result({ range: [1, 2, 3, 4, 5].map(sha) }))).toBe('good · · · · · bad');
  });
});

describe('renderReport', () => {
  it('found: title, range, the culprit and its parent, the explanation, the search, the steps and how to reproduce', () => {
    const md = renderReport(foundResult(), { reproduce: REPRODUCE, generatedAt: GENERATED });
    const lines = md.split('\n');
    expect(lines[0]).toBe('# deploybisect: First bad commit: 050505050505 drop supervisor \\| slim image');
    expect(lines).toContain('- Range: `000000000000` (good) .. `090909090909` (bad), 9 commits');
    expect(lines).toContain('- Regression searched for: runtime');
    expect(lines).toContain('- Cost: 5 builds, 4 probes, 3 bisection steps, 1m30s');
    expect(lines).toContain('- Report written 2024-05-06T07:08:09.000Z');

    expect(lines).toContain(`**\`${sha(5)}\`** — drop supervisor \\| slim image`);
    expect(lines).toContain('Author: Ann Example <ann@example.com>, 2024-01-02T03:04:05+01:00');
    expect(lines).toContain('**How it failed:** failed — `exit:127` (probe phase, 4.2s)');
    expect(lines).toContain('- ✖ `http://:80/`: connection refused (300ms) — status: 502');
    expect(lines).toContain('Container output (last 2 lines):');
    expect(lines).toContain('**Its parent `040404040404`, for contrast:** passed — `all probes passed` (probe phase, 1.5s)');

    // The explanation: likely cause quote, findings table, files with the in-context diff.
    expect(lines).toContain('## What changed');
    expect(lines).toContain("> **Likely cause:** 'supervisord: not found' \\<- apt package supervisor is no longer installed");
    const findingsRows = tableRows(lines, '| change | stage | instruction | before | after | line |');
    expect(findingsRows).toEqual([
      [
        'apt package supervisor is no longer installed (stage 0, line 2)',
        '0',
        'RUN',
        '`apt-get install -y supervisor \\| tee /log`',
        '–',
        '2 → –',
      ],
      ['port 8080 is now exposed', 'app\\|web', 'EXPOSE', '–', '`8080`', '– → 7'],
    ]);
    expect(lines).toContain('**Files sent to the builder** (3)');
    expect(lines).toContain('- `conf/new.conf` (from `conf/old.conf`): R, no line changes');
    expect(lines).toContain('- `logo.png`: A, binary');
    expect(lines).toContain('**Changed but ignored by .dockerignore** (1)');
    expect(lines).toContain('**Changed outside the build context (cannot affect the image)** (1)');
    expect(lines).toContain('- `docs/guide.md`: D, -10');

    const blocks = codeBlocks(md);
    expect(blocks.map((b) => b.info)).toEqual(['text', 'diff', 'text', 'sh']);
    expect(blocks[0]!.body).toEqual(['starting', 'sh: supervisord: not found']);
    expect(blocks[1]!.body).toEqual(SUPERVISOR_DIFF_BODY);
    expect(lines[lines.indexOf('```diff') - 2]).toBe('`start.sh`:');
    expect(md).not.toMatch(/^diff --git|^index /m);
    // The ignored file's diff is not shown.
    expect(md).not.toContain('+b');
    expect(blocks[2]!.body).toEqual(['good · · · ✔ ◆ ↷ · · ✖ bad']);
    expect(blocks[3]!.body).toEqual([REPRODUCE]);

    // One row per step, six cells each, pipes escaped.
    const rows = tableRows(lines, '| # | commit | subject | verdict | signature | duration |');
    expect(rows).toEqual([
      ['1', '`000000000000`', 'the good one', 'good (check)', 'healthy', '2.0s'],
      ['2', '`090909090909`', 'the bad one', 'bad (check)', 'probe http://:80/ failed \\| 502', '2.5s'],
      ['3', '`040404040404`', 'fix: a\\|b \\<tag\\> \\|\\| c', 'good', 'healthy', '1.2s'],
      ['4', '`060606060606`', 'flaky', 'skip', 'build: `RUN make` \\| exit 2', '1m01s'],
      ['5', '`050505050505`', 'drop supervisor', 'bad', 'exit:127', '4.2s'],
    ]);

    // Section order.
    const order = [
      '## The culprit',
      '**How it failed:**',
      '**Its parent',
      '## What changed',
      '> **Likely cause:**',
      '| change |',
      '**Files sent',
      '## The search',
      '| # |',
      '## Reproduce',
    ].map((head) => lines.findIndex((l) => l.startsWith(head)));
    expect(order.every((n) => n >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(md).toContain('✔ good · ✖ bad · ↷ skipped · · untested · ◆ first bad commit');
  });

  it('found without explanation, parent or reproduce: none of their sections', () => {
    const r = foundResult();
    delete r.culprit!.explanation;
    delete r.culprit!.parent;
    const md = renderReport(r, { generatedAt: GENERATED });
    expect(md).toContain('## The culprit');
    expect(md).not.toContain('## What changed');
    expect(md).not.toContain('Its parent');
    expect(md).not.toContain('## Reproduce');
    expect(md).not.toContain('```sh');
  });

  it('inconclusive: the candidates, no culprit', () => {
    const r = result({
      status: 'inconclusive',
      range: [1, 2, 3, 4].map(sha),
      steps: stepsOf([1, 'good'], [2, 'skip'], [3, 'skip'], [4, 'bad', 'verify']),
      candidates: [
        { sha: sha(2), shortSha: 'x', subject: 'wip | tmp', author: 'a', authorEmail: 'a@x', date: 'd', verdict: 'skip' },
        { sha: sha(3), shortSha: 'y', subject: 'more', author: 'a', authorEmail: 'a@x', date: 'd', verdict: 'skip' },
        { sha: sha(4), shortSha: 'z', subject: 'the bad one', author: 'a', authorEmail: 'a@x', date: 'd', verdict: 'bad' },
      ],
    });
    const md = renderReport(r, { generatedAt: GENERATED });
    const lines = md.split('\n');
    expect(lines[0]).toBe('# deploybisect: Inconclusive: only skipped commits are left');
    expect(lines).toContain('- Range: `000000000000` (good) .. `090909090909` (bad), 4 commits');
    expect(lines).toContain('## The first bad commit could be any of');
    const candidates = lines.filter((l) => l.startsWith('- `'));
    expect(candidates).toEqual([`- \`${sha(2)}\` wip \\| tmp (skip)`, `- \`${sha(3)}\` more (skip)`, `- \`${sha(4)}\` the bad one (bad)`]);
    expect(md).not.toContain('## The culprit');
    expect(codeBlocks(md).find((b) => b.info === 'text')!.body).toEqual(['good ✔ ↷ ↷ ✖ bad']);
    expect(tableRows(lines, '| # | commit | subject | verdict | signature | duration |').map((row) => row[3])).toEqual([
      'good',
      'skip',
      'skip',
      'bad (check)',
    ]);
  });

  it('bad-is-healthy: the bad commit’s passing outcome', () => {
    const bad = outcome({
      sha: sha(9),
      signature: 'all probes passed',
      probes: [{ kind: 'healthcheck', spec: 'healthcheck', ok: true, elapsedMs: 1200, reason: 'healthy' }],
    });
    const r = result({
      status: 'bad-is-healthy',
      steps: [{ sha: sha(9), subject: 'bad', role: 'verify', verdict: 'good', outcome: bad, durationMs: 3000 }],
      verification: { bad },
    });
    const md = renderReport(r, { generatedAt: GENERATED });
    const lines = md.split('\n');
    expect(lines[0]).toBe('# deploybisect: The bad commit is healthy');
    expect(lines).toContain('**The bad commit:** passed — `all probes passed` (probe phase, 1.5s)');
    expect(lines).toContain('- ✔ `healthcheck`: healthy (1.2s)');
    expect(md).not.toContain('The good commit');
    expect(md).not.toContain('## The culprit');
    expect(tableRows(lines, '| # | commit | subject | verdict | signature | duration |')).toEqual([
      ['1', '`090909090909`', 'bad', 'good (check)', 'all probes passed', '3.0s'],
    ]);
    expect(lines).toContain('- Cost: 0 builds, 0 probes, 0 bisection steps, 0ms');
  });

  it('good-is-unhealthy: the good commit’s failure, with its build output', () => {
    const good = outcome({
      sha: sha(0),
      ok: false,
      phase: 'build',
      signature: 'build failed: `npm ci` exit 1',
      logTail: ['npm ERR! missing lockfile'],
      durationMs: 12_000,
    });
    const r = result({
      status: 'good-is-unhealthy',
      steps: [{ sha: sha(0), subject: 'good', role: 'verify', verdict: 'bad', outcome: good, durationMs: 12_000 }],
      verification: { good },
    });
    const md = renderReport(r, { generatedAt: GENERATED });
    const lines = md.split('\n');
    expect(lines[0]).toBe('# deploybisect: The good commit is unhealthy');
    expect(lines).toContain("**The good commit:** failed — `build failed: 'npm ci' exit 1` (build phase, 12s)");
    expect(lines).toContain('Build output (last line):');
    expect(codeBlocks(md)[0]).toEqual({ info: 'text', body: ['npm ERR! missing lockfile'] });
    expect(md).not.toContain('The bad commit:');
  });

  it('keeps code blocks closed around content that holds a fence', () => {
    const readmeDiff = [
      'diff --git a/README.md b/README.md',
      'index 1111111..2222222 100644',
      '--- a/README.md',
      '+++ b/README.md',
      '@@ -1,4 +1,4 @@',
      ' ```sh',
      '-npm start',
      '+node server.js',
      ' ```',
      ' ````',
    ].join('\n');
    const r = foundResult();
    r.culprit!.explanation = {
      ...explanation,
      files: {
        inContext: [{ path: 'README.md', status: 'M', added: 1, deleted: 1, binary: false, diff: `${readmeDiff}\n` }],
        ignored: [],
        outsideContext: [],
      },
    };
    r.culprit!.outcome = { ...culpritOutcome, logTail: ['```', 'after a fence'] };
    const reproduce = `${REPRODUCE} --expect-body '\n\`\`\`\n'`;
    const md = renderReport(r, { reproduce, generatedAt: GENERATED });
    const blocks = codeBlocks(md);
    expect(blocks.map((b) => b.info)).toEqual(['text', 'diff', 'text', 'sh']);
    expect(blocks[0]!.body).toEqual(['```', 'after a fence']);
    expect(blocks[1]!.body).toEqual(readmeDiff.split('\n').slice(2));
    expect(blocks[3]!.body).toEqual(reproduce.split('\n'));
  });

  it('shows where container output was left out, and how much', () => {
    const r = foundResult();
    r.culprit!.outcome = {
      ...culpritOutcome,
      logTail: ['Error: listen EACCES: permission denied 0.0.0.0:80', '  port: 80', '}'],
      logGaps: [
        { before: 0, count: 4 },
        { before: 1, count: 12 },
      ],
    };
    const lines = renderReport(r, { generatedAt: GENERATED }).split('\n');
    expect(lines).toContain('Container output (3 of 19 lines, 16 left out):');
    const block = codeBlocks(lines.join('\n'))[0]!;
    expect(block.body).toEqual([
      '… 4 lines left out …',
      'Error: listen EACCES: permission denied 0.0.0.0:80',
      '… 12 lines left out …',
      '  port: 80',
      '}',
    ]);
  });

  it('uses the current time without generatedAt', () => {
    const before = Date.now();
    const md = renderReport(result({ status: 'bad-is-healthy' }));
    const stamp = /^- Report written (\S+)$/m.exec(md)?.[1];
    expect(stamp).toBeDefined();
    const at = Date.parse(stamp!);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
  });
});

describe('explanationLines', () => {
  it('likely causes first, then findings, notes and the three file sections, without diffs by default', () => {
    expect(explanationLines(explanation, painter(false))).toEqual([
      "  Likely cause: 'supervisord: not found' <- apt package supervisor is no longer installed",
      '  What changed in the Dockerfile:',
      '    - apt package supervisor is no longer installed (stage 0, line 2)',
      '    - port 8080 is now exposed',
      '  Note: Dockerfile is missing at 0404040404',
      '  Files sent to the builder, which can change the image (3):',
      '    M start.sh (+2 -1)',
      '    A logo.png (binary)',
      '    R conf/old.conf -> conf/new.conf (no line changes)',
      '  Changed but ignored by .dockerignore (1):',
      '    M node_modules/x.js (+1 -1)',
      '  Changed outside the build context (cannot affect the image) (1):',
      '    D docs/guide.md (-10)',
    ]);
  });

  it('shows the diffs of files sent to the builder with { diffs: true }, git headers removed', () => {
    const lines = explanationLines(explanation, painter(false), { diffs: true, indent: '> ' });
    const at = lines.indexOf('>   M start.sh (+2 -1)');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 1 + SUPERVISOR_DIFF_BODY.length)).toEqual(SUPERVISOR_DIFF_BODY.map((l) => `>     ${l}`));
    expect(lines[at + 1 + SUPERVISOR_DIFF_BODY.length]).toBe('>   A logo.png (binary)');
    expect(lines.some((l) => l.includes('diff --git') || l.includes('index 1111111'))).toBe(false);
    // Only files sent to the builder get a diff.
    expect(lines.some((l) => l.endsWith('+b'))).toBe(false);
    expect(lines).toHaveLength(13 + SUPERVISOR_DIFF_BODY.length);
  });

  it('paints "Likely cause:" bold', () => {
    const [first] = explanationLines(explanation, painter(true));
    expect(first).toBe("  \u001b[1mLikely cause:\u001b[22m 'supervisord: not found' <- apt package supervisor is no longer installed");
  });

  it('says when the Dockerfile and the files did not change', () => {
    const empty: Explanation = {
      before: sha(1),
      after: sha(2),
      findings: [],
      likelyCauses: [],
      notes: [],
      files: { inContext: [], ignored: [], outsideContext: [] },
    };
    expect(explanationLines(empty, painter(false))).toEqual(['  The Dockerfile did not change.', '  No files changed.']);
    const onlyOutside: Explanation = {
      ...empty,
      files: { inContext: [], ignored: [], outsideContext: [{ path: 'README.md', status: 'A', added: 3, deleted: 0, binary: false }] },
    };
    expect(explanationLines(onlyOutside, painter(false), { indent: '' })).toEqual([
      'The Dockerfile did not change.',
      'Changed outside the build context (cannot affect the image) (1):',
      '  A README.md (+3)',
    ]);
  });
});

describe('explanationMarkdown', () => {
  it('renders causes, findings, notes and files in that order', () => {
    const md = explanationMarkdown(explanation);
    expect(md[0]).toBe("> **Likely cause:** 'supervisord: not found' \\<- apt package supervisor is no longer installed");
    const order = [
      '> **Likely cause:**',
      '| change |',
      '_Note: Dockerfile is missing at 0404040404_',
      '**Files sent to the builder** (3)',
      '```diff',
      '**Changed but ignored by .dockerignore** (1)',
      '**Changed outside',
    ].map((head) => md.findIndex((l) => l.startsWith(head)));
    expect(order.every((n) => n >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(codeBlocks(md.join('\n'))).toEqual([{ info: 'diff', body: SUPERVISOR_DIFF_BODY }]);
  });

  it('says when the Dockerfile did not change, and shows no file sections without files', () => {
    const md = explanationMarkdown({
      before: sha(1),
      after: sha(2),
      findings: [],
      likelyCauses: [],
      notes: [],
      files: { inContext: [], ignored: [], outsideContext: [] },
    });
    expect(md).toEqual(['The Dockerfile did not change.', '']);
  });

  it('shortens long values and keeps backticks from ending a code span', () => {
    const long = 'x'.repeat(100);
    const md = explanationMarkdown({
      ...explanation,
      likelyCauses: [],
      findings: [
        {
          kind: 'cmd',
          stage: '0',
          instruction: 'CMD',
          before: 'echo `date`\nline two',
          after: long,
          lineBefore: 3,
          lineAfter: 3,
          summary: 'CMD changed',
        },
      ],
    });
    const [row] = tableRows(md, '| change | stage | instruction | before | after | line |');
    expect(row).toEqual(['CMD changed', '0', 'CMD', "`echo 'date' line two`", `\`${'x'.repeat(77)}...\``, '3 → 3']);
  });
});

describe('probe evidence in the summary and the report', () => {
  const failing = outcome({
    ok: false,
    signature: 'healthcheck unhealthy',
    probes: [
      {
        kind: 'healthcheck',
        spec: 'healthcheck',
        ok: false,
        elapsedMs: 4600,
        reason: 'healthcheck unhealthy',
        evidence: { lastOutput: 'Connecting to 127.0.0.1:8080\nwget: server returned error: HTTP/1.1 502 Bad Gateway' },
      },
      {
        kind: 'http',
        spec: 'http://127.0.0.1:9/',
        ok: true,
        elapsedMs: 10,
        reason: 'http 200 from /',
        evidence: { status: 200, body: 'ok' },
      },
    ],
  });
  const found = (): BisectResult => {
    const r = foundResult();
    r.culprit!.outcome = failing;
    return r;
  };

  it('a failed check says what it printed, line by line; a passing one shows no text', () => {
    const text = renderSummary(found(), painter(false));
    expect(text).toContain(
      [
        '    ✖ healthcheck: healthcheck unhealthy (4.6s)',
        '      the last check said:',
        '        | Connecting to 127.0.0.1:8080',
        '        | wget: server returned error: HTTP/1.1 502 Bad Gateway',
        '    ✔ http://127.0.0.1:9/: http 200 from / (10ms)',
      ].join('\n'),
    );
    const report = renderReport(found(), { generatedAt: new Date(0) });
    expect(report).toContain(
      [
        '  the last check said:',
        '',
        '  ```text',
        '  Connecting to 127.0.0.1:8080',
        '  wget: server returned error: HTTP/1.1 502 Bad Gateway',
        '  ```',
      ].join('\n'),
    );
    expect(report).toContain('- ✔ `http://127.0.0.1:9/`: http 200 from / (10ms) — status: 200\n');
    expect(report).not.toContain('\\n');
  });
});

describe('renderSummary and the report on a resumed run with cut output', () => {
  const plain = painter(false);
  const resumed = (): BisectResult => {
    const r = foundResult();
    r.culprit!.outcome = { ...culpritOutcome, logGaps: [{ before: 0, count: 12 }] };
    r.resume = { replayedRuns: 4, builds: 1, probes: 1, durationMs: 3000 };
    return r;
  };

  it('says how many lines of output were left out, and marks where', () => {
    const lines = renderSummary(resumed(), plain).split('\n');
    expect(lines).toContain('  Container output (last 2 of 14 lines, 12 left out):');
    const at = lines.indexOf('  Container output (last 2 of 14 lines, 12 left out):');
    expect(lines.slice(at + 1, at + 4)).toEqual(['    | … 12 lines left out …', '    | starting', '    | sh: supervisord: not found']);
  });

  it('gives the cost of the whole search, and what the resumed run spent beside it', () => {
    const text = renderSummary(resumed(), plain);
    expect(text).toContain(
      'Run: 5 builds, 4 probes, 3 bisection steps, 1m30s (this run resumed the search and replayed 4 runs from its saved state; it spent 1 build, 1 probe, 3.0s).',
    );
    const md = renderReport(resumed(), { generatedAt: GENERATED }).split('\n');
    expect(md).toContain(
      '- Cost: 5 builds, 4 probes, 3 bisection steps, 1m30s (this run resumed the search and replayed 4 runs from its saved state; it spent 1 build, 1 probe, 3.0s)',
    );
    expect(renderSummary(foundResult(), plain)).toContain('Run: 5 builds, 4 probes, 3 bisection steps, 1m30s.');
  });
});
