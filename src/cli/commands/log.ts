import { UsageError } from '../../errors.js';
import { logOfLatest, logOfRange } from '../../session/state-log.js';
import type { CommandAction } from '../command.js';

export const log: CommandAction<{ good: string | undefined; bad: string | undefined }> = async ({ good, bad }, settings, io) => {
  if (good !== undefined && bad === undefined) throw new UsageError(`log needs both ends of the search, or none: log ${good} <bad>`);
  io.write(good !== undefined && bad !== undefined ? await logOfRange(settings, good, bad) : await logOfLatest(settings));
  io.ctx.exitCode = 0;
};
