import { UsageError } from '../../errors.js';
import { logOfLatest, logOfRange } from '../../session/state-log.js';
import type { CommandSpec } from '../command.js';

export const logCommand: CommandSpec = {
  name: 'log',
  description:
    'print the verdicts of a search so far (from its saved state), in the form replay reads; without a range, the search of this repository saved last. Options of run are accepted and ignored, so a search command can be turned into its log by adding `log`',
  arguments: [
    { name: '[good]', description: 'the good commit of the search (default: the latest search of this repository)' },
    { name: '[bad]', description: 'the bad commit of the search' },
  ],
  ignoresOptionsOf: 'run',
  async action([good, bad], settings, io) {
    if (good !== undefined && bad === undefined) throw new UsageError(`log needs both ends of the search, or none: log ${good} <bad>`);
    io.write(good !== undefined && bad !== undefined ? await logOfRange(settings, good, bad) : await logOfLatest(settings));
    io.ctx.exitCode = 0;
  },
};
