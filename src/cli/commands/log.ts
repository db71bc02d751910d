import { logOfRange } from '../../session/state-log.js';
import type { CommandSpec } from '../command.js';

export const logCommand: CommandSpec = {
  name: 'log',
  description: 'print the verdicts of a search so far (from its saved state), in the form replay reads',
  arguments: [
    { name: '<good>', description: 'the good commit of the search' },
    { name: '<bad>', description: 'the bad commit of the search' },
  ],
  async action([good, bad], settings, io) {
    io.write(await logOfRange(settings, good!, bad!));
    io.ctx.exitCode = 0;
  },
};
