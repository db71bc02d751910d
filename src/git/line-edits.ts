/**
 * Text changes as edits of the older file's lines, and patches that `git apply` accepts. Pure:
 * the line diff and the hunks are the `diff` package's (jsdiff: Myers' algorithm); the `diff --git`
 * headers are written here, with paths relative to the repository root.
 */
import { diffLines, structuredPatch } from 'diff';

/** Replace `removed` lines of the older file from line `start` (0-based) with `added` (each with its line end). */
export interface LineEdit {
  start: number;
  removed: number;
  added: string[];
}

/** How many unchanged lines separate two edits that git would still show in one hunk (3 lines of context each side). */
export const HUNK_GAP = 6;

/** The lines of a text, each with its line end (the last one may have none). */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The smallest edits that turn `before` into `after`, in order, none overlapping. */
export function lineEdits(before: string, after: string): LineEdit[] {
  const edits: LineEdit[] = [];
  let line = 0;
  let current: LineEdit | undefined;
  for (const change of diffLines(before, after)) {
    const lines = splitLines(change.value);
    if (!change.added && !change.removed) {
      current = undefined;
      line += lines.length;
      continue;
    }
    if (!current) {
      current = { start: line, removed: 0, added: [] };
      edits.push(current);
    }
    if (change.removed) {
      current.removed += lines.length;
      line += lines.length;
    } else current.added.push(...lines);
  }
  return edits;
}

/** Edits that git would show in one hunk go together (fewer than HUNK_GAP unchanged lines apart). */
export function hunksOf(edits: readonly LineEdit[], gap = HUNK_GAP): LineEdit[][] {
  const hunks: LineEdit[][] = [];
  for (const edit of edits) {
    const last = hunks.at(-1)?.at(-1);
    if (last && edit.start - (last.start + last.removed) <= gap) hunks.at(-1)!.push(edit);
    else hunks.push([edit]);
  }
  return hunks;
}

/** `before` with the edits applied (any subset of one lineEdits answer; they must not overlap). */
export function applyEdits(before: string, edits: readonly LineEdit[]): string {
  const lines = splitLines(before);
  const out: string[] = [];
  let line = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    out.push(...lines.slice(line, edit.start), ...edit.added);
    line = edit.start + edit.removed;
  }
  out.push(...lines.slice(line));
  return out.join('');
}

/**
 * The unified diff of one text file that changed from `before` to `after`, as git writes it
 * (`diff --git a/<path> b/<path>`, 3 lines of context); '' when nothing changed.
 */
export function textFilePatch(path: string, before: string, after: string): string {
  if (before === after) return '';
  const patch = structuredPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 });
  const out = [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`];
  for (const hunk of patch.hunks) {
    out.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`, ...hunk.lines);
  }
  return `${out.join('\n')}\n`;
}

function range(start: number, lines: number): string {
  return lines === 1 ? `${start}` : `${start},${lines}`;
}

/** Whether a blob can be edited as text: valid UTF-8 without NUL bytes (git's own test for binary looks for NUL). */
export function isEditableText(content: Buffer): boolean {
  if (content.subarray(0, 8000).includes(0)) return false;
  return Buffer.from(content.toString('utf8'), 'utf8').equals(content);
}
