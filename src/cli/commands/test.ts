import { testCommit, type TestCommitResult } from '../../session/test-commit.js';
import { printResult, withProgress } from '../action.js';
import type { CommandAction } from '../command.js';
import { abortForBisect, TEST_EXIT } from '../exit-status.js';
import { renderTestResult } from '../render/summary.js';

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

export const test: CommandAction<{ commit: string }> = async ({ commit }, settings, io) => {
  try {
    const result = await withProgress(io, settings, { resumable: false }, (call) => testCommit(settings, commit, call));
    const note = verdictNote(result);
    printResult(io, settings, result, {
      quiet: (r) => quietLine(r, note !== undefined),
      text: (r) => renderTestResult(r, io.paint) + (note ? `\nVerdict: ${note}.` : ''),
    });
    io.ctx.exitCode = TEST_EXIT[result.verdict];
  } catch (error) {
    throw abortForBisect(error);
  }
};
