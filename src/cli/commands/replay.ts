import { readFileSync } from 'node:fs';

import { UsageError } from '../../errors.js';
import { parseLog } from '../../session/state-log.js';
import type { CommandAction } from '../command.js';
import { searchAndRender } from './search.js';

export const replay: CommandAction<{ file: string }> = async ({ file }, settings, io) => {
  if (settings.flaky) throw new UsageError('replay cannot be used with --flaky: a flake-aware search weighs runs, not verdicts');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the log ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const log = parseLog(text, file);
  await searchAndRender(settings, { good: log.good, bad: log.bad, marks: log.marks }, io);
};
