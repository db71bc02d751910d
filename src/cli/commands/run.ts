import type { CommandAction } from '../command.js';
import { appendStepSummary, writeStepOutputs } from '../github-actions.js';
import { searchAndRender } from './search.js';

export const run: CommandAction<{ good: string; bad: string }> = async ({ good, bad }, settings, io) => {
  const { result, markdown } = await searchAndRender(settings, { good, bad }, io);
  // In GitHub Actions (the action at the repository's root, or a step of its own), as nightly does.
  appendStepSummary(markdown);
  writeStepOutputs({ status: result.status, culprit: result.culprit?.sha ?? '', report: markdown });
};
