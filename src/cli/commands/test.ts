import { testCommit, type TestCommitResult } from '../../session/test-commit.js';
import type { CommandSpec } from '../command.js';
import { abortForBisect, TEST_EXIT } from '../exit-status.js';
import { progressReporter } from '../render/progress.js';
import { renderTestResult } from '../render/summary.js';
import { watched } from '../run-watch.js';

/** What `test --help` says after the options: the exit codes, as `git bisect run` reads them. */
const EXIT_CODES_HELP = `
Exit codes, as \`git bisect run\` reads them
(\`git bisect run deploybisect test HEAD -C . [options]\` in a checkout being bisected):
  0    healthy (with --regression build: the commit builds, whatever it does at runtime)
  1    unhealthy: the regression looked for is there
  125  cannot be tested for the regression looked for: by default (--regression auto or
       runtime) a commit that does not build; git bisect skips it
  2    usage error: a bad option or an unknown commit (git bisect would read it as bad:
       try the options once with \`deploybisect test HEAD\` before \`git bisect run\`)
  128  no verdict: the engine was lost or unreachable, git or deploybisect failed; git
       bisect run stops (it stops on any code above 127)
  130  interrupted (SIGINT); 143 terminated (SIGTERM)`;

/** The verdict in a few words when it is not what healthy/unhealthy alone would say. */
function verdictNote(result: TestCommitResult): string | undefined {
  const plain = result.outcome.ok ? 'good' : 'bad';
  if (result.verdict === plain) return undefined;
  if (result.verdict === 'skip')
    return `skip (--regression ${result.regression}): a commit that does not build cannot show a runtime regression`;
  return `${result.verdict} (--regression ${result.regression}): the commit builds`;
}

/** `--quiet`: healthy, or what failed, prefixed with the verdict when the regression looked for makes it differ. */
function quietLine(result: TestCommitResult, differs: boolean): string {
  if (result.outcome.ok) return 'healthy';
  const word = differs ? `${result.verdict} (--regression ${result.regression})` : 'unhealthy';
  return `${word}: ${result.outcome.signature}`;
}

export const testCommand: CommandSpec = {
  name: 'test',
  description: 'build and probe one commit; exit 0 when healthy, 1 when not, 125 when it cannot be tested (for git bisect run)',
  help: EXIT_CODES_HELP,
  arguments: [{ name: '<commit>', description: 'the commit to test' }],
  async action([commit], settings, io) {
    const progress = progressReporter(settings);
    try {
      const events = watched(io.ctx.run, progress, { resumable: false });
      const result = await testCommit(settings, commit!, { signal: io.ctx.signal, events });
      progress.stop();
      const note = verdictNote(result);
      if (settings.json) io.json(result);
      else if (settings.quiet) io.write(quietLine(result, note !== undefined));
      else io.write(renderTestResult(result, io.paint) + (note ? `\nVerdict: ${note}.` : ''));
      io.ctx.exitCode = TEST_EXIT[result.verdict];
    } catch (error) {
      throw abortForBisect(error);
    } finally {
      progress.stop();
    }
  },
};
