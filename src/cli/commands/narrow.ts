import { runNarrow } from '../../session/narrow/run-narrow.js';
import type { CommandSpec } from '../command.js';
import { narrowExit } from '../exit-status.js';
import { narrowReportSection, renderNarrowResult } from '../render/narrow.js';
import { progressReporter } from '../render/progress.js';
import { watched } from '../run-watch.js';
import { writeReportAndSay } from '../write-report.js';

export const narrowCommand: CommandSpec = {
  name: 'narrow',
  description:
    'narrow a failing commit to the change that breaks it, proven by two builds: its parent with some of its changes applied (healthy) and with one more (failing); exit 0 narrowed, 5 inconclusive, 3 the commit is healthy, 4 its parent fails',
  arguments: [{ name: '<commit>', description: 'the commit that broke the deployment (e.g. the culprit of a search)' }],
  async action([commit], settings, io) {
    const progress = progressReporter(settings);
    try {
      const events = watched(io.ctx.run, progress, { resumable: false });
      const result = await runNarrow(settings, commit!, { signal: io.ctx.signal, events });
      progress.stop();
      if (settings.report) {
        const title = `# deploybisect narrow: ${result.commit.sha.slice(0, 10)} ${result.commit.subject}`;
        writeReportAndSay(settings.report, `${title}\n\n${narrowReportSection(result)}\n`, io, settings.quiet);
      }
      if (settings.json) io.json(result);
      else if (settings.quiet) io.write(`${result.status}: ${result.difference.map((id) => `#${id}`).join(' ')}`);
      else io.write(renderNarrowResult(result, io.paint));
      io.ctx.exitCode = narrowExit(result);
    } finally {
      progress.stop();
    }
  },
};
