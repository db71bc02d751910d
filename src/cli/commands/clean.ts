import { cleanAll } from '../../session/test-commit.js';
import type { CommandSpec } from '../command.js';

export const cleanCommand: CommandSpec = {
  name: 'clean',
  description: 'remove every container and image deploybisect labelled, from any run',
  async action(_args, settings, io) {
    const removed = await cleanAll(settings);
    if (settings.json) io.write(JSON.stringify(removed));
    else if (!settings.quiet) io.write(`removed ${removed.containers} container(s) and ${removed.images} image(s)`);
    io.ctx.exitCode = 0;
  },
};
