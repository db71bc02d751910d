import { dependencyLines } from '../../explain/deps/describe-changes.js';
import { explainRange } from '../../session/explain-range.js';
import { printResult } from '../action.js';
import type { CommandAction } from '../command.js';
import { renderExplainResult } from '../render/summary.js';

export const explain: CommandAction<{ good: string; bad: string }> = async ({ good, bad }, settings, io) => {
  const result = { status: 'explained', ...(await explainRange(settings, good, bad)) };
  printResult(io, settings, result, {
    quiet: (r) =>
      [...r.explanation.findings.map((f) => f.summary), ...dependencyLines(r.explanation.dependencies ?? [])].join('\n') ||
      'no Dockerfile or dependency changes',
    text: (r) => renderExplainResult(r, io.paint),
  });
  io.ctx.exitCode = 0;
};
