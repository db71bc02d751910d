import { runNarrow } from '../../session/narrow/run-narrow.js';
import { shortSha } from '../../text/short-sha.js';
import { printResult, withProgress } from '../action.js';
import type { CommandAction } from '../command.js';
import { narrowExit } from '../exit-status.js';
import { narrowReportSection, renderNarrowResult } from '../render/narrow.js';
import { writeReportAndSay } from '../write-report.js';

export const narrow: CommandAction<{ commit: string }> = async ({ commit }, settings, io) => {
  const result = await withProgress(io, settings, { resumable: false }, (call) => runNarrow(settings, commit, call));
  if (settings.report) {
    const title = `# deploybisect narrow: ${shortSha(result.commit.sha)} ${result.commit.subject}`;
    writeReportAndSay(settings.report, `${title}\n\n${narrowReportSection(result)}\n`, io, settings.quiet);
  }
  printResult(io, settings, result, {
    quiet: (r) => `${r.status}: ${r.difference.map((id) => `#${id}`).join(' ')}`,
    text: (r) => renderNarrowResult(r, io.paint),
  });
  io.ctx.exitCode = narrowExit(result);
};
