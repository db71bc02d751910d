import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { applyEdits, hunksOf, isEditableText, lineEdits, splitLines, textFilePatch } from '../../src/git/line-edits.js';

const before = Array.from({ length: 30 }, (_, i) => `line ${i + 1}\n`).join('');
const after = before.replace('line 2\n', 'line two\n').replace('line 4\n', '').replace('line 20\n', 'line 20\nline 20b\n');

/** `git apply` of `patch` on a file holding `original`: the file's text after it. */
function gitApply(path: string, original: string, patch: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'line-edits-'));
  try {
    execFileSync('git', ['init', '-q'], { cwd: dir });
    writeFileSync(join(dir, path), original);
    writeFileSync(join(dir, 'p.diff'), patch);
    execFileSync('git', ['apply', '--check', 'p.diff'], { cwd: dir });
    execFileSync('git', ['apply', 'p.diff'], { cwd: dir });
    return readFileSync(join(dir, path), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('line edits', () => {
  it('splits lines keeping their ends, a last line without one included', () => {
    expect(splitLines('a\nb\nc')).toEqual(['a\n', 'b\n', 'c']);
    expect(splitLines('')).toEqual([]);
  });

  it('finds the smallest edits, and applying all of them gives the newer text', () => {
    const edits = lineEdits(before, after);
    expect(edits).toEqual([
      { start: 1, removed: 1, added: ['line two\n'] },
      { start: 3, removed: 1, added: [] },
      { start: 20, removed: 0, added: ['line 20b\n'] },
    ]);
    expect(applyEdits(before, edits)).toBe(after);
  });

  it('groups edits as git shows hunks: close ones together', () => {
    const hunks = hunksOf(lineEdits(before, after));
    expect(hunks.map((h) => h.length)).toEqual([2, 1]);
  });

  it('applies any subset of edits', () => {
    const [first, , third] = lineEdits(before, after);
    const partial = applyEdits(before, [third!, first!]);
    expect(partial).toContain('line two\n');
    expect(partial).toContain('line 4\n');
    expect(partial).toContain('line 20b\n');
  });

  it('writes patches that git apply accepts, for subsets and files without a final newline', () => {
    const [, second, third] = lineEdits(before, after);
    const partial = applyEdits(before, [second!, third!]);
    const patch = textFilePatch('f.txt', before, partial);
    expect(patch.startsWith('diff --git a/f.txt b/f.txt\n--- a/f.txt\n+++ b/f.txt\n@@ ')).toBe(true);
    expect(gitApply('f.txt', before, patch)).toBe(partial);
    const noEol = 'a\nb';
    expect(gitApply('g.txt', noEol, textFilePatch('g.txt', noEol, 'a\nB\nc'))).toBe('a\nB\nc');
    expect(gitApply('h.txt', 'x\n', textFilePatch('h.txt', 'x\n', ''))).toBe('');
    expect(textFilePatch('f.txt', before, before)).toBe('');
  });

  it('tells text from binary', () => {
    expect(isEditableText(Buffer.from('héllo\n'))).toBe(true);
    expect(isEditableText(Buffer.from([0x61, 0, 0x62]))).toBe(false);
    expect(isEditableText(Buffer.from([0xff, 0xfe, 0x41]))).toBe(false);
  });
});
