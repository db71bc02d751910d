import { accessSync, constants, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** Checks before the run that the report can be written, so a long search is not lost to a typo. */
export function checkReportPath(path: string): void {
  const target = resolve(path);
  if (existsSync(target) && statSync(target).isDirectory()) throw new UsageError(`--report ${path} is a directory`);
  let dir = dirname(target);
  while (!existsSync(dir)) dir = dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`--report ${path}: cannot write in ${dir}`);
  }
}

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
