import { BIG_FILE_BYTES } from '../../git/diff-stat.js';
import { MAX_DIFF_FILES, MAX_DIFFS_TOTAL_BYTES } from './attach-diffs.js';
import type { ContextChanges } from './file-change.js';

/** Notes about what an explanation leaves out: files too large to read, diffs beyond the limits. */
export function omissionNotes(changes: ContextChanges): string[] {
  const notes: string[] = [];
  const large = changes.inContext.filter((change) => change.size !== undefined);
  for (const change of large.slice(0, 5)) {
    notes.push(
      `${change.path} is ${formatBytes(change.size ?? 0)}: too large to count its lines or show its diff (files over ${formatBytes(BIG_FILE_BYTES)} are not read)`,
    );
  }
  if (large.length > 5)
    notes.push(`${large.length - 5} more files sent to the builder are over ${formatBytes(BIG_FILE_BYTES)} (--json lists their sizes)`);
  const shown = changes.inContext.filter((change) => change.diff !== undefined).length;
  const skipped = changes.inContext.filter((change) => change.diffOmitted === 'too-many-files').length;
  if (skipped > 0) {
    notes.push(
      `diffs are shown for ${shown} of ${shown + skipped} small text files sent to the builder (at most ${MAX_DIFF_FILES} files, ${formatBytes(MAX_DIFFS_TOTAL_BYTES)})`,
    );
  }
  return notes;
}

/** 209715200 → '200.0 MiB', 65536 → '64.0 KiB'. */
function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
