/** Line numbers of what a parser found, for the findings that say which line carries a package. */

/** A finder over one text: the 1-based line of the first occurrence of a needle at or after a line. */
export interface LineFinder {
  /** The line where `needle` first occurs (at or after `fromLine`), or undefined. */
  find(needle: string, fromLine?: number): number | undefined;
  /** The line where a line matching `pattern` first occurs (at or after `fromLine`). */
  match(pattern: RegExp, fromLine?: number): number | undefined;
}

export function lineFinder(text: string): LineFinder {
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const offsetOf = (line: number): number => starts[Math.max(0, line - 1)] ?? text.length;
  return {
    find(needle, fromLine = 1) {
      const at = text.indexOf(needle, offsetOf(fromLine));
      return at === -1 ? undefined : lineAt(at);
    },
    match(pattern, fromLine = 1) {
      const lines = text.slice(offsetOf(fromLine)).split('\n');
      const index = lines.findIndex((line) => pattern.test(line));
      return index === -1 ? undefined : fromLine + index;
    },
  };
}

/**
 * One pass over the lines: the first line matching `pattern` for each value of its first capture
 * group (`/^    "(node_modules\/[^"]+)": \{/` → path → line). For large lock files, where a search
 * per package would cost a pass each.
 */
export function keyedLines(text: string, pattern: RegExp): Map<string, number> {
  const lines = new Map<string, number>();
  // One scan of the whole text (`^` at each line start), counting the newlines between matches.
  const global = new RegExp(pattern.source, `${pattern.flags.replace(/[gm]/g, '')}gm`);
  let line = 1;
  let counted = 0;
  for (const m of text.matchAll(global)) {
    for (let at = text.indexOf('\n', counted); at !== -1 && at < m.index; at = text.indexOf('\n', at + 1)) line += 1;
    counted = m.index;
    if (m[1] !== undefined && !lines.has(m[1])) lines.set(m[1], line);
  }
  return lines;
}
