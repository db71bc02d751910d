import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { chooseLines, describeChosen, isDecisive, withGapMarkers } from '../../src/text/decisive-lines.js';

/** Real outputs (Node 20, Python 3.11, Go, OpenJDK 17, nginx 1.22) captured here. */
const output = (name: string) =>
  readFileSync(join(import.meta.dirname, '../fixtures/failure-output', `${name}.out`), 'utf8')
    .replace(/\n$/, '')
    .split('\n');

const startup = Array.from({ length: 30 }, (_, i) => `[info] loading plugin ${i}`);

describe('the decisive lines of a failure', () => {
  it.each([
    ['node-eacces-listen80', 'Error: listen EACCES: permission denied 0.0.0.0:80'],
    ['node-missing-env-throw', 'Error: Missing required environment variable: DATABASE_URL'],
    ['node-eacces-write', "Error: EACCES: permission denied, open '/tmp/xr-app/logs/app.log'"],
    ['node-cannot-find-module-cjs', "Error: Cannot find module 'express'"],
    ['node-heap-oom', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'],
    ['python-keyerror-environ', "KeyError: 'DATABASE_URL'"],
    ['python-permissionerror-bind80', 'PermissionError: [Errno 13] Permission denied'],
    ['python-modulenotfound', "ModuleNotFoundError: No module named 'flask'"],
    ['go-panic-nil', 'panic: runtime error: invalid memory address or nil pointer dereference'],
    ['go-panic-string', 'panic: DATABASE_URL must be set'],
    ['java-oom-heap', 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space'],
    ['nginx-bind80-nonroot', '[emerg] 2682#2682: bind() to 0.0.0.0:80 failed (13: Permission denied)'],
  ])('%s: the headline is decisive and kept within a budget of 8 lines after 30 lines of start-up', (name, headline) => {
    const lines = [...startup, ...output(name)];
    expect(lines.filter(isDecisive).some((l) => l.includes(headline))).toBe(true);
    const chosen = chooseLines(lines, 8);
    expect(chosen.lines).toHaveLength(8);
    expect(chosen.lines.some((l) => l.includes(headline))).toBe(true);
    // The last line printed is always there.
    expect(chosen.lines.at(-1)).toBe(lines.at(-1));
    expect(chosen.total).toBe(lines.length);
    expect(chosen.gaps.reduce((sum, gap) => sum + gap.count, 0)).toBe(lines.length - 8);
  });

  it('keeps the line a 20-line tail cuts off (Node prints its headline above a stack and an error object)', () => {
    const lines = output('node-eacces-listen80');
    expect(lines.slice(-20)).not.toContain('Error: listen EACCES: permission denied 0.0.0.0:80');
    const chosen = chooseLines(lines, 20);
    expect(chosen.lines[0]).toBe('Error: listen EACCES: permission denied 0.0.0.0:80');
    expect(chosen.lines.slice(1)).toEqual(lines.slice(-19));
    expect(chosen.gaps).toEqual([
      { before: 0, count: 4 },
      { before: 1, count: lines.length - 20 - 4 },
    ]);
    expect(describeChosen(chosen.lines.length, chosen.gaps)).toBe(`20 of ${lines.length} lines, ${lines.length - 20} left out`);
  });

  it('keeps a traceback line and its last line when the tail holds neither', () => {
    const frames = Array.from({ length: 30 }, (_, i) => `  File "/app/m${i}.py", line ${i}, in f${i}`);
    const lines = ['Traceback (most recent call last):', ...frames, "KeyError: 'DATABASE_URL'", ...startup];
    const chosen = chooseLines(lines, 10);
    expect(chosen.lines.slice(0, 2)).toEqual(['Traceback (most recent call last):', "KeyError: 'DATABASE_URL'"]);
    expect(chosen.lines.slice(2)).toEqual(lines.slice(-8));
  });

  it('shows each repeated headline once (a restart loop), the earliest first, at most half the budget', () => {
    const crash = ['Error: listen EACCES: permission denied 0.0.0.0:80', ...startup.slice(0, 12)];
    const lines = [...crash, ...crash, ...crash];
    const chosen = chooseLines(lines, 10);
    expect(chosen.lines.filter((l) => l.startsWith('Error:'))).toHaveLength(1);
    const many = Array.from({ length: 40 }, (_, i) => `Error: failure ${i}`);
    const capped = chooseLines([...many, ...startup], 10);
    expect(capped.lines.filter((l) => l.startsWith('Error:'))).toEqual(many.slice(0, 5));
  });

  it('is the plain tail when nothing decisive lies above it, and everything when it fits', () => {
    const lines = [...startup, 'Error: boom', 'bye'];
    expect(chooseLines(lines, 5)).toEqual({ lines: lines.slice(-5), gaps: [{ before: 0, count: lines.length - 5 }], total: lines.length });
    expect(describeChosen(5, chooseLines(lines, 5).gaps)).toBe(`last 5 of ${lines.length} lines, ${lines.length - 5} left out`);
    expect(chooseLines(['a', 'b'], 5)).toEqual({ lines: ['a', 'b'], gaps: [], total: 2 });
    expect(describeChosen(2, [])).toBe('last 2 lines');
  });

  it('marks where lines were left out', () => {
    expect(
      withGapMarkers(
        ['Error: x', 'a', 'b'],
        [
          { before: 0, count: 3 },
          { before: 1, count: 1 },
        ],
      ),
    ).toEqual(['… 3 lines left out …', 'Error: x', '… 1 line left out …', 'a', 'b']);
  });

  it('does not take ordinary lines for headlines', () => {
    for (const line of ['listening on :8080', 'GET /health 200', '    at Server.listen (node:net:2067:7)', 'errors: 0', 'no error'])
      expect(isDecisive(line), line).toBe(false);
  });
});
