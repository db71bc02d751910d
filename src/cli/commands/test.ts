import { testCommit } from '../../session/test-commit.js';
import type { CommandSpec } from '../command.js';
import { progressReporter } from '../render/progress.js';
import { watched } from '../run-watch.js';
import { renderTestResult } from '../render/summary.js';

export const testCommand: CommandSpec = {
  name: 'test',
  description: 'build and probe one commit; exit 0 when healthy, 1 when not',
  arguments: [{ name: '<commit>', description: 'the commit to test' }],
  async action([commit], settings, io) {
    const progress = progressReporter(settings);
    try {
      const events = watched(io.ctx.run, progress, { resumable: false });
      const result = await testCommit(settings, commit!, { signal: io.ctx.signal, events });
      progress.stop();
      if (settings.json) io.write(JSON.stringify(result, null, 2));
      else if (settings.quiet) io.write(result.outcome.ok ? 'healthy' : `unhealthy: ${result.outcome.signature}`);
      else io.write(renderTestResult(result, io.paint));
      io.ctx.exitCode = result.outcome.ok ? 0 : 1;
    } finally {
      progress.stop();
    }
  },
};
