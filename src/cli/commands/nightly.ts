import { ExitCode } from '../../errors.js';
import type { Settings } from '../../options/settings.js';
import { nightlyOutputs, runNightly, type NightlyResult } from '../../session/nightly.js';
import { shortSha } from '../../text/short-sha.js';
import { withProgress } from '../action.js';
import type { CliIo, CommandAction } from '../command.js';
import { STATUS_EXIT } from '../exit-status.js';
import { appendStepSummary, writeStepOutputs } from '../github-actions.js';
import { reuseNote } from '../render/reuse.js';
import { renderSearch } from './search.js';

export const nightly: CommandAction<{ ref: string }> = async ({ ref }, settings, io) => {
  const result = await withProgress(io, settings, { resumable: false }, (call) =>
    runNightly(settings, ref, {
      ...call,
      onBroken: (checked, good) => {
        call.events.notice?.(
          `${shortSha(checked.commit.sha)} is broken (${checked.outcome.signature}); bisecting from the last known good ${shortSha(good)}`,
        );
        // The search that follows resumes when run again.
        io.ctx.run.resumable = settings.state !== false;
      },
    }),
  );
  renderNightly(result, settings, io);
};

/** The result on stdout (or stderr), the GitHub step summary and outputs, and the exit code: never 0 while the commit is broken. */
function renderNightly(result: NightlyResult, settings: Settings, io: CliIo): void {
  const { sha, subject } = result.checked.commit;
  const signature = result.checked.outcome.signature;
  let report = '';
  if (result.status === 'healthy') {
    const reused = reuseNote(result.checked.outcome);
    const summary = `${shortSha(sha)} ${subject}: healthy (${signature}${reused ? `; ${reused}` : ''}); last known good is now ${shortSha(sha)} (${result.recordedIn})`;
    if (settings.json)
      io.json({
        status: 'healthy',
        commit: result.checked.commit,
        outcome: result.checked.outcome,
        lastGood: sha,
        recordedIn: result.recordedIn,
      });
    else io.write(settings.quiet ? 'healthy' : summary);
    appendStepSummary(
      `## deploybisect nightly: healthy\n\n\`${shortSha(sha)}\` ${subject} deploys (${signature}); it is the last known good now.\n`,
    );
    io.ctx.exitCode = 0;
  } else if (result.status === 'good-is-unhealthy') {
    if (settings.json) io.json({ status: 'last-good-is-broken', commit: result.checked.commit, outcome: result.checked.outcome });
    io.ctx.stderr.write(
      `deploybisect: ${shortSha(sha)}, the last known good, is broken now (${signature}) with no commit since: what changed is outside the repository (a base image, a dependency, the engine) or the deployment is flaky\n`,
    );
    io.ctx.exitCode = ExitCode.goodIsUnhealthy;
  } else {
    report = renderSearch(result.result, settings, io);
    appendStepSummary(report);
    // Its own code when the culprit is named, else the search's.
    io.ctx.exitCode = result.result.status === 'found' ? ExitCode.nightlyBroken : STATUS_EXIT[result.result.status];
  }
  writeStepOutputs({ ...nightlyOutputs(result), report });
}
