/**
 * A stage of the old Dockerfile matched with its counterpart in the new one, and how the
 * findings about it say where they are.
 */
import type { DockerStage } from './model.js';

export interface StagePair {
  /** The stage as findings name it: its name, else its index; '(global)' for the preamble. */
  label: string;
  before: DockerStage;
  after: DockerStage;
}

/** "(stage 0, line 2)", "(stage build, lines 2 → 4)"; `detail` goes first: "(mkdir -p, stage 0, line 3)". */
export function where(label: string, lineBefore: number | undefined, lineAfter: number | undefined, detail?: string): string {
  const parts: string[] = [];
  if (detail !== undefined) parts.push(detail);
  parts.push(label === '(global)' ? 'before the first FROM' : `stage ${label}`);
  if (lineBefore !== undefined && lineAfter !== undefined && lineBefore !== lineAfter) parts.push(`lines ${lineBefore} → ${lineAfter}`);
  else if (lineAfter !== undefined || lineBefore !== undefined) parts.push(`line ${(lineAfter ?? lineBefore)!}`);
  return `(${parts.join(', ')})`;
}
