import { GLOBAL_STAGE } from '../dockerfile/stage-pair.js';

/**
 * How a finding says where it is: "(stage 0, line 2)", "(stage build, lines 2 → 4)",
 * "(before the first FROM, line 1)"; `detail` goes first: "(mkdir -p, stage 0, line 3)".
 */
export function where(label: string, lineBefore: number | undefined, lineAfter: number | undefined, detail?: string): string {
  const parts: string[] = [];
  if (detail !== undefined) parts.push(detail);
  parts.push(label === GLOBAL_STAGE ? 'before the first FROM' : `stage ${label}`);
  if (lineBefore !== undefined && lineAfter !== undefined && lineBefore !== lineAfter) parts.push(`lines ${lineBefore} → ${lineAfter}`);
  else if (lineAfter !== undefined || lineBefore !== undefined) parts.push(`line ${(lineAfter ?? lineBefore)!}`);
  return `(${parts.join(', ')})`;
}
