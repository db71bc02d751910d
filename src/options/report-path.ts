import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { UsageError } from '../errors.js';

/** Checks before the run that the report can be written, so a long search is not lost to a typo. */
export function checkReportPath(path: string): void {
  const target = resolve(path);
  if (existsSync(target) && statSync(target).isDirectory()) throw new UsageError(`--report ${path} is a directory`);
  const dir = dirname(target);
  // A directory that does not exist is a typo more often than a wish: it is not made.
  if (!existsSync(dir)) throw new UsageError(`--report ${path}: the directory ${dir} does not exist (create it first)`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`--report ${path}: ${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`--report ${path}: cannot write in ${dir}`);
  }
}
