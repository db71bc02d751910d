import { describe, expect, it } from 'vitest';

import { painter } from '../../src/cli/render/color.js';
import { narrowReportSection, proofLine, renderNarrowResult } from '../../src/cli/render/narrow.js';
import type { Outcome } from '../../src/session/outcome.js';
import type { NarrowResult } from '../../src/session/result.js';

const outcome = (ok: boolean, signature: string): Outcome =>
  ({ sha: 'x', ok, phase: 'probe', signature, probes: [], logTail: [], built: true, durationMs: 10 }) as Outcome;
const commit = (sha: string, subject: string) => ({ sha, shortSha: sha.slice(0, 7), subject, author: 'A', authorEmail: 'a@b', date: '' });
const PATCH = 'diff --git a/app.conf b/app.conf\nindex 1..2 100644\n--- a/app.conf\n+++ b/app.conf\n@@ -1 +1 @@\n-A=0\n+A=1\n';

function result(over: Partial<NarrowResult> = {}): NarrowResult {
  return {
    status: 'narrowed',
    sessionId: 'abcd1234',
    commit: commit('c'.repeat(40), 'Set A'),
    parent: commit('p'.repeat(40), 'Base'),
    signature: 'container exited with code 3',
    changes: [
      { id: 1, path: 'app.conf', kind: 'hunk', summary: 'app.conf, line 1 (-1 +1): A=1', patch: PATCH },
      { id: 2, path: 'b.conf', kind: 'hunk', summary: 'b.conf, line 1 (-1 +1): B=1', patch: 'diff --git a/b.conf b/b.conf\n' },
      { id: 3, path: 'c.conf', kind: 'file', summary: 'c.conf added', patch: 'diff --git a/c.conf b/c.conf\n' },
    ],
    passing: { changes: [2, 3], patch: 'P', outcome: outcome(true, 'running 1s') },
    failing: { changes: [1, 2, 3], patch: 'F', outcome: outcome(false, 'container exited with code 3') },
    difference: [1],
    tests: [{ changes: [2, 3], verdict: 'pass', reason: 'running 1s', built: true, durationMs: 5 }],
    verification: { parent: outcome(true, 'running 1s'), commit: outcome(false, 'container exited with code 3') },
    notes: [],
    builders: [],
    builds: 3,
    durationMs: 4200,
    ...over,
  };
}

describe("narrow's text", () => {
  it('puts the difference first, as a diff with its file and line, then the proof', () => {
    const text = renderNarrowResult(result(), painter(false));
    const lines = text.split('\n');
    expect(lines[0]).toBe(`Narrowed: cccccccccccc Set A (against pppppppppppp): 1 of 3 changes`);
    expect(lines[1]).toBe('  #1 app.conf, line 1 (-1 +1): A=1');
    expect(lines.slice(2, 7)).toEqual(['    --- a/app.conf', '    +++ b/app.conf', '    @@ -1 +1 @@', '    -A=0', '    +A=1']);
    expect(lines[7]).toBe(
      '  proven: with these 2 other changes applied (#2, #3) the service is healthy; adding this one makes it fail with container exited with code 3',
    );
    expect(text).toContain('Run: 3 builds, 4.2s.');
  });

  it('gives a legend of the numbered changes the tests name, after the tests', () => {
    const text = renderNarrowResult(result(), painter(false));
    expect(text).toContain(
      [
        '  Tests (1):',
        '    #2, #3 → pass: running 1s',
        '  The changes (3):',
        '    #1 app.conf, line 1 (-1 +1): A=1',
        '    #2 b.conf, line 1 (-1 +1): B=1',
        '    #3 c.conf added',
      ].join('\n'),
    );
  });

  it('says "so far" when the builds ran out, and names the parent when nothing else is applied', () => {
    expect(proofLine(result({ status: 'inconclusive' }))).toMatch(/^so far: /);
    const alone = result({
      passing: { changes: [], patch: '', outcome: outcome(true, 'ok') },
      failing: { changes: [1, 3], patch: 'F', outcome: outcome(false, 'bad') },
      difference: [1, 3],
    });
    expect(proofLine(alone)).toBe(
      'proven: with none of the other changes applied (the parent) the service is healthy; adding these 2 makes it fail with bad',
    );
  });

  it("lists the tests, a long reason by its end (where the engine says what went wrong), without repeating 'unresolved'", () => {
    const long = `container failed to start: ${'x'.repeat(80)} exec: "bash": executable file not found ... (not the commit's failure: unresolved)`;
    const tests = [{ changes: [3], verdict: 'unresolved' as const, reason: long, built: true, durationMs: 5 }];
    const line = renderNarrowResult(result({ tests }), painter(false))
      .split('\n')
      .find((l) => l.startsWith('    #3'))!;
    expect(line).toMatch(/^ {4}#3 → unresolved: …x+ exec: "bash": executable file not found \.\.\.$/);
    expect(line.length).toBeLessThan(125);
  });

  it('says when it was not reproduced', () => {
    const text = renderNarrowResult(result({ status: 'not-reproduced', reason: 'commit-is-healthy', difference: [] }), painter(false));
    expect(text.split('\n')[0]).toBe('Not reproduced: cccccccccccc Set A is healthy (container exited with code 3)');
  });

  it('gives the report a section with both patches', () => {
    const md = narrowReportSection(result());
    expect(md.startsWith('## Narrowed to the change that breaks it\n')).toBe(true);
    expect(md).toContain('### passing (healthy): changes #2, #3, running 1s\n\n```diff\nP\n```');
    expect(md).toContain('### failing: changes #1, #2, #3, container exited with code 3\n\n```diff\nF\n```');
  });
});
