import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

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
