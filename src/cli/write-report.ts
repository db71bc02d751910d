import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { CliIo } from './command.js';

/** Writes the report atomically (temporary file, then rename). Returns an error message instead of throwing. */
export function writeReport(path: string, markdown: string): string | undefined {
  const target = resolve(path);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, markdown);
    renameSync(temporary, target);
    return undefined;
  } catch (error) {
    return `cannot write the report to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}

/** `--report`: written, and said on stderr (`wrote report r.md`; nothing with --quiet), or why not (the result still follows). */
export function writeReportAndSay(path: string, markdown: string, io: CliIo, quiet: boolean): void {
  const failed = writeReport(path, markdown);
  if (failed) io.ctx.stderr.write(`deploybisect: ${failed} (the result follows on stdout)\n`);
  else if (!quiet) io.ctx.stderr.write(`deploybisect: wrote report ${path}\n`);
}
