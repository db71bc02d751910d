/**
 * A Dockerfile's change split into instructions added, removed or changed: the line diff's edits,
 * those that touch one instruction (a continuation, a heredoc) joined into one, and an edit that
 * replaces whole instructions cut into one edit per instruction. Applying every edit gives the
 * newer Dockerfile exactly; any subset gives a Dockerfile between the two. Pure.
 */
import { DockerfileParser } from 'dockerfile-ast';

import { lineEdits, splitLines, type LineEdit } from '../../git/line-edits.js';
import { clipLine } from '../../text/clip-line.js';

/** One instruction's lines (0-based, `end` excluded). */
export interface InstructionSpan {
  keyword: string;
  start: number;
  end: number;
  /** The instruction as one line (continuations joined). */
  text: string;
}

export interface InstructionChange {
  edit: LineEdit;
  /** 1-based line of the older Dockerfile where the change is (for an addition: the line it goes before). */
  line: number;
  /** The instructions it removes or changes (older file) and adds or changes (newer file). */
  before: InstructionSpan[];
  after: InstructionSpan[];
  summary: string;
}

/** Every instruction of a Dockerfile with its lines (FROM included). */
export function instructionSpans(text: string): InstructionSpan[] {
  const lines = splitLines(text);
  try {
    return DockerfileParser.parse(text)
      .getInstructions()
      .map((ins) => {
        const { start, end } = ins.getRange();
        const raw = lines.slice(start.line, end.line + 1).join('');
        return {
          keyword: ins.getKeyword().toUpperCase(),
          start: start.line,
          end: end.line + 1,
          text: raw
            .replace(/\\\r?\n/g, ' ')
            .replace(/\s+/g, ' ')
            .trim(),
        };
      });
  } catch {
    return [];
  }
}

/** An edit with where it lands in the newer file. */
interface Placed extends LineEdit {
  newStart: number;
}

export function instructionChanges(before: string, after: string): InstructionChange[] {
  const oldSpans = instructionSpans(before);
  const newSpans = instructionSpans(after);
  const newLines = splitLines(after);
  const placed: Placed[] = [];
  let shift = 0;
  for (const edit of lineEdits(before, after)) {
    placed.push({ ...edit, newStart: edit.start + shift });
    shift += edit.added.length - edit.removed;
  }
  // Edits that touch one instruction on either side are one change.
  const joined: Placed[] = [];
  for (const edit of placed) {
    const last = joined.at(-1);
    const share = (spans: InstructionSpan[], a: [number, number], b: [number, number]) =>
      spans.some((s) => touches(s, a[0], a[1]) && touches(s, b[0], b[1]));
    if (
      last &&
      (share(oldSpans, [last.start, last.removed], [edit.start, edit.removed]) ||
        share(newSpans, [last.newStart, last.added.length], [edit.newStart, edit.added.length]))
    ) {
      const removed = edit.start + edit.removed - last.start;
      joined[joined.length - 1] = {
        start: last.start,
        removed,
        newStart: last.newStart,
        added: newLines.slice(last.newStart, edit.newStart + edit.added.length),
      };
    } else joined.push(edit);
  }
  return joined.flatMap((edit) => perInstruction(edit, oldSpans, newSpans));
}

/** Whether an edit of `count` lines from `start` (an insertion when 0) touches the instruction. */
function touches(span: InstructionSpan, start: number, count: number): boolean {
  if (count === 0) return start > span.start && start < span.end;
  return start < span.end && start + count > span.start;
}

/** An edit cut into one per instruction when it replaces, adds or removes whole instructions one for one; else as it is. */
function perInstruction(edit: Placed, oldSpans: InstructionSpan[], newSpans: InstructionSpan[]): InstructionChange[] {
  const olds = oldSpans.filter((s) => touches(s, edit.start, edit.removed));
  const news = newSpans.filter((s) => touches(s, edit.newStart, edit.added.length));
  const whole = (spans: InstructionSpan[], start: number, count: number) =>
    spans.reduce((line, s) => (line === s.start ? s.end : -1), start) === start + count;
  const exact = whole(olds, edit.start, edit.removed) && whole(news, edit.newStart, edit.added.length);
  const pairs = olds.length === news.length || olds.length === 0 || news.length === 0;
  if (!exact || !pairs || olds.length + news.length <= 1 || (olds.length === 1 && news.length === 1)) {
    return [change(edit, olds, news)];
  }
  const count = Math.max(olds.length, news.length);
  const pieces: InstructionChange[] = [];
  for (let i = 0; i < count; i++) {
    const o = olds[i];
    const n = news[i];
    const start = o ? o.start : edit.start;
    const added = n ? edit.added.slice(n.start - edit.newStart, n.end - edit.newStart) : [];
    pieces.push(
      change({ start, removed: o ? o.end - o.start : 0, added, newStart: n?.start ?? edit.newStart }, o ? [o] : [], n ? [n] : []),
    );
  }
  return pieces;
}

function change(edit: Placed, before: InstructionSpan[], after: InstructionSpan[]): InstructionChange {
  return {
    edit: { start: edit.start, removed: edit.removed, added: edit.added },
    line: edit.start + 1,
    before,
    after,
    summary: describe(before, after, edit.start + 1),
  };
}

function describe(before: InstructionSpan[], after: InstructionSpan[], line: number): string {
  const short = (s: InstructionSpan) => clipLine(s.text, 70);
  if (before.length === 0 && after.length === 0) return `comment or blank lines changed (line ${line})`;
  if (before.length === 1 && after.length === 1) {
    const [b, a] = [before[0]!, after[0]!];
    if (b.keyword !== a.keyword) return `${b.keyword} replaced by ${a.keyword} (line ${line}): ${short(b)} → ${short(a)}`;
    const [was, is] = wordsThatDiffer(afterKeyword(b.text), afterKeyword(a.text));
    if (is === '') return `${a.keyword} changed (line ${line}): ${was} removed`;
    if (was === '') return `${a.keyword} changed (line ${line}): ${is} added`;
    return `${a.keyword} changed (line ${line}): ${was} → ${is}`;
  }
  if (before.length === 0 && after.length === 1) return `${after[0]!.keyword} added (before line ${line}): ${short(after[0]!)}`;
  if (after.length === 0 && before.length === 1) return `${before[0]!.keyword} removed (line ${line}): ${short(before[0]!)}`;
  const keywords = (spans: InstructionSpan[]) => spans.map((s) => s.keyword).join(', ') || 'nothing';
  return `instructions changed (line ${line}): ${keywords(before)} → ${keywords(after)}`;
}

/** The words of two texts between their common first and last words, elided as "…" (only words added or removed: those, quoted). */
export function wordsThatDiffer(before: string, after: string): [string, string] {
  const b = before.split(' ');
  const a = after.split(' ');
  let head = 0;
  while (head < Math.min(a.length, b.length) - 1 && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < Math.min(a.length, b.length) - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const middle = (words: string[]) => words.slice(head, words.length - tail).join(' ');
  // One side adds or removes words only: those words, quoted (the other side is '').
  if (middle(b) === '' || middle(a) === '')
    return [middle(b) && `"${clipLine(middle(b), 60)}"`, middle(a) && `"${clipLine(middle(a), 60)}"`];
  const part = (words: string[]) => clipLine(`${head > 0 ? '… ' : ''}${middle(words)}${tail > 0 ? ' …' : ''}`, 70);
  return [part(b), part(a)];
}

function afterKeyword(text: string): string {
  return text.replace(/^\S+\s*/, '');
}
