import type { CommandSpec } from '../command.js';
import { searchAndRender } from './search.js';

export const runCommand: CommandSpec = {
  name: 'run',
  isDefault: true,
  description: 'bisect <good>..<bad> and name the first commit whose deployment fails (the default command)',
  arguments: [
    { name: '<good>', description: 'a commit whose deployment works' },
    { name: '<bad>', description: 'a later commit whose deployment fails' },
  ],
  async action([good, bad], settings, io) {
    await searchAndRender(settings, { good: good!, bad: bad! }, io);
  },
};
