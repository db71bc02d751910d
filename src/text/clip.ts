/** The text on one line (runs of white space folded), cut to `max` characters with `...` when longer. */
export function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}
