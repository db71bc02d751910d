import type { CommandSpec } from '../command.js';
import { appendStepSummary, writeStepOutputs } from '../github-actions.js';
import { searchAndRender } from './search.js';

export const runCommand: CommandSpec = {
  name: 'run',
  isDefault: true,
  description: 'bisect <good>..<bad> and name the first commit whose deployment fails (the default command)',
  help: `
Exit codes:
  0    the first bad commit was found
  2    usage error or bad input (found before any engine work)
  3    the bad commit is healthy: nothing to bisect
  4    the good commit is unhealthy: pick an older good commit
  5    inconclusive: only skipped commits are left (or, with --flaky, no commit reached --confidence)
  1    infrastructure: the engine unreachable or lost, a hung build; re-run the same command to resume
  130  interrupted (SIGINT); 143 terminated (SIGTERM): the verdicts so far are saved`,
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
