import { accessSync, constants, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** Checks before the run that the report can be written, so a long search is not lost to a typo. */

/** Writes the report atomically (temporary file, then rename). Returns an error message instead of throwing. */
export function writeReport(path: string, markdown: string): string | undefined {
  const target = resolve(path);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(temporary, markdown);
    renameSync(temporary, target);
    return undefined;
  } catch (error) {
    return `cannot write the report to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}
