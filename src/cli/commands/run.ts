import { appendStepSummary, writeStepOutputs } from '../github-actions.js';
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
    const { result, markdown } = await searchAndRender(settings, { good: good!, bad: bad! }, io);
    // In GitHub Actions (the action at the repository's root, or a step of its own), as nightly does.
    appendStepSummary(markdown);
    writeStepOutputs({ status: result.status, culprit: result.culprit?.sha ?? '', report: markdown });
  },
};
