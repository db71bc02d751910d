import { join } from 'node:path';

import { runDemo } from '../../demo/run-demo.js';
import type { CommandSpec } from '../command.js';
import { STATUS_EXIT } from '../exit-status.js';
import { progressReporter } from '../render/progress.js';
import { renderReport } from '../render/report.js';
import { renderQuiet, renderSummary } from '../render/summary.js';
import { watched } from '../run-watch.js';
import { writeReport } from '../write-report.js';

export const demoCommand: CommandSpec = {
  name: 'demo',
  description:
    "see it work: write the README's story (a deployment broken by swapping supervisord for a start script) to a temporary repository and bisect it on the engine",
  async action(_args, settings, io) {
    const progress = progressReporter(settings);
    try {
      const { story, result } = await runDemo(settings, {
        signal: io.ctx.signal,
        events: watched(io.ctx.run, progress, { resumable: false }),
        onEngine: (line) => progress.notice?.(line),
        onStory: (written, base) =>
          progress.notice?.(
            `the story's repository is ${written.dir} (${written.shas.length} commits, built from ${base}; nothing is pulled)`,
          ),
      });
      progress.stop();
      const reportPath = join(story.dir, 'deploybisect-report.md');
      writeReport(reportPath, renderReport(result, {}));
      if (settings.json) io.json(result);
      else {
        io.write(settings.quiet ? renderQuiet(result) : renderSummary(result, io.paint));
        if (!settings.quiet) {
          io.write(
            `\nThe Markdown report: ${reportPath}\nThe repository stays in ${story.dir} for a look (git log, deploybisect explain ${story.culprit.slice(0, 10)}~ ${story.culprit.slice(0, 10)}); remove it when done.`,
          );
        }
      }
      io.ctx.exitCode = STATUS_EXIT[result.status];
    } finally {
      progress.stop();
    }
  },
};
