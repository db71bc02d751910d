/**
 * Text as one line of at most `max` characters: runs of whitespace (line breaks included) become
 * one space, the ends are trimmed, and a longer line is cut so that it ends with `ellipsis`.
 */
export function clipLine(text: string, max = 100, ellipsis = '…'): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - ellipsis.length)}${ellipsis}`;
}
