import { accessSync, constants, existsSync, statSync } from 'node:fs';
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
