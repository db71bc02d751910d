import { dependencyLines } from '../../explain/deps/describe-changes.js';
import { explainRange } from '../../session/explain-range.js';
import type { CommandSpec } from '../command.js';
import { renderExplainResult } from '../render/summary.js';

export const explainCommand: CommandSpec = {
  name: 'explain',
  description:
    'what changed in the deployment between two commits: Dockerfile findings, dependency changes and changed files (no Docker needed)',
  arguments: [
    { name: '<good>', description: 'the commit that worked' },
    { name: '<bad>', description: 'the commit that broke' },
  ],
  async action([good, bad], settings, io) {
    const result = await explainRange(settings, good!, bad!);
    if (settings.json) io.json({ status: 'explained', ...result });
    else if (settings.quiet) {
      const lines = [...result.explanation.findings.map((f) => f.summary), ...dependencyLines(result.explanation.dependencies ?? [])];
      io.write(lines.join('\n') || 'no Dockerfile or dependency changes');
    } else io.write(renderExplainResult(result, io.paint));
    io.ctx.exitCode = 0;
  },
};
