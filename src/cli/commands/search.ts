/** `run` and `replay` (and the broken case of `nightly`): the search, its report and its output. */
import { secretValues } from '../../options/derived.js';
import type { Mark } from '../../options/rows-search.js';
import type { Settings } from '../../options/settings.js';
import { searchThenNarrow } from '../../session/narrow/search-then-narrow.js';
import { redactor } from '../../session/redact.js';
import type { BisectResult } from '../../session/result.js';
import { printResult, withProgress } from '../action.js';
import type { CliIo } from '../command.js';
import { STATUS_EXIT } from '../exit-status.js';
import { renderNarrowResult } from '../render/narrow.js';
import { renderReport } from '../render/report.js';
import { renderQuiet, renderSummary } from '../render/summary.js';
import { reproduceCommand } from '../reproduce.js';
import { writeReportAndSay } from '../write-report.js';

export async function searchAndRender(
  settings: Settings,
  range: { good: string; bad: string; marks?: Mark[] },
  io: CliIo,
): Promise<{ result: BisectResult; markdown: string }> {
  const result = await withProgress(io, settings, { resumable: settings.state !== false }, (call) =>
    searchThenNarrow(settings, range, call),
  );
  const markdown = renderSearch(result, settings, io);
  io.ctx.exitCode = STATUS_EXIT[result.status];
  return { result, markdown };
}

/** The report (written when asked for) and the result on stdout; returns the report's Markdown. */
export function renderSearch(result: BisectResult, settings: Settings, io: CliIo): string {
  const redact = redactor(secretValues(settings));
  const reproduce = result.culprit ? redact(reproduceCommand(settings.given, result.culprit.sha)) : undefined;
  const markdown = renderReport(result, reproduce ? { reproduce } : {});
  if (settings.report) writeReportAndSay(settings.report, markdown, io, settings.quiet);
  printResult(io, settings, result, { quiet: renderQuiet, text: (r) => renderSummary(r, io.paint) });
  if (result.narrow && !settings.json && !settings.quiet) io.write(renderNarrowResult(result.narrow, io.paint));
  return markdown;
}
