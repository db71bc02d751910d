/**
 * Which lines of a failing process's output to show within a line budget: the decisive lines (the
 * error headline, wherever it was printed) and the tail, with the gaps between them counted. An
 * uncaught Node error prints its headline between a source excerpt and a stack; a Python
 * traceback ends with it; Go prints `panic:` first. A plain tail cuts these off.
 */
import { count } from './plural.js';

/** Lines that say what happened, in the wording of common runtimes, shells and the engine. */
const HEADLINES: RegExp[] = [
  /^\s*(?:[\w$.]+\.)?[A-Z]\w*(?:Error|Exception|Exit)(?: \[\w+\])?: \S/, // Error: …, TypeError: …, Error [ERR_X]: …, KeyError: 'X', java.lang.OutOfMemoryError: …
  /^\s*(?:Uncaught )?Error: \S/,
  /^Traceback \(most recent call last\):/,
  /^panic: /,
  /\bFATAL\b|^fatal: /,
  /^Exception in thread /,
  /^Caused by: /,
  /\bexec\b.*\bfailed\b|\bexec format error\b|\bexec: "[^"]+": /i,
  /^exec \S+: no such file or directory/,
  /\bout of memory\b|\bOOMKilled\b|\bOOM[- ]kill/i,
  /\bkilled by signal\b|\bsignal: (?:killed|SIG\w+)|\bSegmentation fault\b|\bAborted \(core dumped\)|\bterminated by signal\b|\[signal SIG/i,
  /\[emerg\]|\[crit\]|\[alert\]/,
  /^(?:\/bin\/)?(?:ba|da)?sh: .*(?:not found|Permission denied|No such file or directory|can't (?:open|create|cd))/,
];

/** True when the line reads like the headline of a failure. */
export function isDecisive(line: string): boolean {
  return HEADLINES.some((pattern) => pattern.test(line));
}

/** Lines left out before `before` (an index into the chosen lines; `before === lines.length` means at the end). */
export interface LineGap {
  before: number;
  count: number;
}

export interface ChosenLines {
  lines: string[];
  /** Where lines were left out and how many (empty when everything is shown). */
  gaps: LineGap[];
  /** All the lines there were. */
  total: number;
}

/**
 * At most `budget` lines: every line when they fit; otherwise the decisive lines that the tail does
 * not hold (each text once, the earliest first, at most half the budget) and the tail.
 */
export function chooseLines(all: readonly string[], budget: number): ChosenLines {
  if (all.length <= budget) return { lines: [...all], gaps: [], total: all.length };
  const headlineBudget = Math.floor(budget / 2);
  const picked: number[] = [];
  const seen = new Set<string>();
  let tailStart = all.length - budget;
  for (let i = 0; i < all.length && picked.length < headlineBudget; i++) {
    const line = all[i]!;
    if (i >= tailStart) break;
    const text = line.trim();
    if (seen.has(text) || !isDecisive(line)) continue;
    seen.add(text);
    picked.push(i);
    // Each line kept above the tail takes one from it.
    tailStart = all.length - (budget - picked.length);
  }
  const tailLines = all.slice(tailStart).map((line) => line.trim());
  // A headline the tail repeats anyway is no reason to shorten the tail.
  const kept = picked.filter((i) => i < tailStart && !tailLines.includes(all[i]!.trim()));
  tailStart = all.length - (budget - kept.length);
  const indices = [...kept, ...Array.from({ length: all.length - tailStart }, (_, k) => tailStart + k)];
  const gaps: LineGap[] = [];
  let previous = -1;
  indices.forEach((index, position) => {
    if (index > previous + 1) gaps.push({ before: position, count: index - previous - 1 });
    previous = index;
  });
  return { lines: indices.map((i) => all[i]!), gaps, total: all.length };
}

/** How the lines read as a title: "last 20 lines", "last 20 of 57 lines, 37 left out", "20 of 57 lines, 37 left out". */
export function describeChosen(shown: number, gaps: readonly LineGap[] | undefined): string {
  const leftOut = (gaps ?? []).reduce((sum, gap) => sum + gap.count, 0);
  if (leftOut === 0) return shown === 1 ? 'last line' : `last ${shown} lines`;
  const onlyEarlier = gaps!.length === 1 && gaps![0]!.before === 0;
  return `${onlyEarlier ? 'last ' : ''}${shown} of ${count(shown + leftOut, 'line')}, ${leftOut} left out`;
}

/** The lines with a marker where lines were left out, for people. */
export function withGapMarkers(lines: readonly string[], gaps: readonly LineGap[] | undefined): string[] {
  const out: string[] = [];
  const at = new Map((gaps ?? []).map((gap) => [gap.before, gap.count]));
  lines.forEach((line, index) => {
    const count = at.get(index);
    if (count !== undefined) out.push(`… ${count} line${count === 1 ? '' : 's'} left out …`);
    out.push(line);
  });
  return out;
}
