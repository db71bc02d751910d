import { join } from 'node:path';

import { runDemo } from '../../demo/run-demo.js';
import { shortSha } from '../../text/short-sha.js';
import { printResult, withProgress } from '../action.js';
import type { CommandAction } from '../command.js';
import { STATUS_EXIT } from '../exit-status.js';
import { renderReport } from '../render/report.js';
import { renderQuiet, renderSummary } from '../render/summary.js';
import { writeReport } from '../write-report.js';

export const demo: CommandAction<Record<string, never>> = async (_args, settings, io) => {
  const { story, result } = await withProgress(io, settings, { resumable: false }, (call) =>
    runDemo(settings, {
      ...call,
      onEngine: (line) => call.events.notice?.(line),
      onStory: (written, base) =>
        call.events.notice?.(
          `the story's repository is ${written.dir} (${written.shas.length} commits, built from ${base}; nothing is pulled)`,
        ),
    }),
  );
  const reportPath = join(story.dir, 'deploybisect-report.md');
  writeReport(reportPath, renderReport(result, {}));
  const where = `\nThe Markdown report: ${reportPath}\nThe repository stays in ${story.dir} for a look (git log, deploybisect explain ${shortSha(story.culprit)}~ ${shortSha(story.culprit)}); remove it when done.`;
  printResult(io, settings, result, { quiet: renderQuiet, text: (r) => `${renderSummary(r, io.paint)}\n${where}` });
  io.ctx.exitCode = STATUS_EXIT[result.status];
};
