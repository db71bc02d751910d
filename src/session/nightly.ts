/**
 * `deploybisect nightly [ref]`: check the commit; healthy, it becomes the last known good; broken,
 * bisect from the last known good (or --good). The policy of a scheduled job lives here; the CLI
 * renders the result and maps its status to an exit code (never 0 while the commit is broken).
 */
import { UsageError } from '../errors.js';
import { resolveCommit } from '../git/refs.js';
import type { Settings } from '../options/settings.js';
import { shortSha } from '../text/short-sha.js';
import type { SessionEvents } from './events.js';
import { LAST_GOOD_REF, readLastGood, writeLastGood } from './last-good.js';
import type { BisectResult } from './result.js';
import { runBisect, type CallControl } from './search/run-bisect.js';
import { testCommit, type TestCommitResult } from './test-commit.js';

export type NightlyResult =
  /** The commit deploys: it is the last known good now (recorded in `recordedIn`). */
  | { status: 'healthy'; checked: TestCommitResult; recordedIn: string }
  /** The last known good itself is broken now, with no commit since: nothing to bisect. */
  | { status: 'good-is-unhealthy'; checked: TestCommitResult }
  /** The commit is broken: the search from the last known good. */
  | { status: 'bisected'; checked: TestCommitResult; good: string; result: BisectResult };

export interface NightlyCall extends CallControl {
  /**
   * Before the search starts: the checked commit is broken, and the search goes from `good`. May
   * return the events the search reports on (else those of the check).
   */
  onBroken?(checked: TestCommitResult, good: string): SessionEvents | void;
}

export async function runNightly(settings: Settings, ref: string, call: NightlyCall = {}): Promise<NightlyResult> {
  // A bad --good or last-good file is said before anything is built.
  const recorded = settings.good === undefined ? await readLastGood(settings.repo, settings.lastGoodFile) : undefined;
  const checked = await testCommit(settings, ref, call);
  const sha = checked.commit.sha;
  if (checked.outcome.ok) return { status: 'healthy', checked, recordedIn: await writeLastGood(settings.repo, sha, settings.lastGoodFile) };
  const good = settings.good !== undefined ? await resolveCommit(settings.repo, settings.good) : recorded;
  // Nothing to bisect: the commit that was healthy is broken now (a base image, a registry, a flake).
  if (good === sha) return { status: 'good-is-unhealthy', checked };
  if (good === undefined) {
    throw new UsageError(
      `${shortSha(sha)} is broken (${checked.outcome.signature}) and there is no last known good to bisect from: pass --good <commit that deployed>, or keep --last-good-file <file> between runs (a healthy nightly run writes ${settings.lastGoodFile ?? LAST_GOOD_REF})`,
    );
  }
  const events = call.onBroken?.(checked, good) ?? call.events;
  return {
    status: 'bisected',
    checked,
    good,
    result: await runBisect(settings, { good, bad: sha }, { ...call, ...(events ? { events } : {}) }),
  };
}

/** What a CI job's outputs say: the status and the culprit (empty when none). */
export function nightlyOutputs(result: NightlyResult): { status: string; culprit: string } {
  if (result.status === 'bisected') return { status: result.result.status, culprit: result.result.culprit?.sha ?? '' };
  return { status: result.status, culprit: '' };
}
