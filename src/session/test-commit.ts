import type { Verdict } from '../bisect/index.js';
import { getCommitInfo, type CommitInfo } from '../git/commit-info.js';
import { resolveCommit } from '../git/refs.js';
import type { Settings } from '../options/settings.js';
import { checkBuildInputs } from './check-build-inputs.js';
import { classifyOutcome, decideRegression, type SearchRegression } from './classify-outcome.js';
import { prepareDeployments } from './deploy/prepare.js';
import type { EngineBuilder } from './evaluate/choose-builders.js';
import type { SessionEvents } from './events.js';
import type { Outcome } from './outcome.js';
import type { CallControl } from './search/run-bisect.js';
import { withSession } from './with-session.js';

export interface TestCommitResult {
  /** The verdict in words: healthy (good), unhealthy (bad), untestable (skip: cannot show the regression looked for). */
  status: 'healthy' | 'unhealthy' | 'untestable';
  /** Value of the deploybisect.session label on what this run created (`clean --session`). */
  sessionId: string;
  commit: CommitInfo;
  outcome: Outcome;
  /** What counts as bad (`--regression`; `auto` is `runtime` here: there is no bad commit to follow). */
  regression: SearchRegression;
  /** The outcome as git bisect would take it: good, bad, or skip (a build failure when the regression is at runtime). */
  verdict: Verdict;
  /** How the engine built the image: BuildKit or the classic builder. */
  builders: EngineBuilder[];
  builds: number;
  durationMs: number;
}

/** `deploybisect test <commit>`: build and probe one commit. */
export async function testCommit(settings: Settings, commit: string, call: CallControl = {}): Promise<TestCommitResult> {
  const started = Date.now();
  const events: SessionEvents = call.events ?? {};
  const sha = await resolveCommit(settings.repo, commit);
  const info = await getCommitInfo(settings.repo, sha);
  const { deployments } = await prepareDeployments(settings, { bad: sha });
  if (deployments.plan.kind === 'none') await checkBuildInputs(settings, [{ role: 'the commit', sha }]);
  const start = { good: sha, bad: sha, commits: 1, commit: { sha, subject: info.subject } };
  return withSession(settings, events, { start, deployments }, async ({ sessionId, evaluator, builders }) => {
    events.evaluate?.({ sha, subject: info.subject, role: 'verify', remaining: 1, stepsLeft: 1 });
    const outcome = await evaluator.evaluate(sha, call.signal);
    const regression = decideRegression(settings.regression, undefined);
    const verdict = classifyOutcome(outcome, regression);
    events.verdict?.({ sha, verdict, outcome, role: 'verify' });
    return {
      status: ({ good: 'healthy', bad: 'unhealthy', skip: 'untestable' } as const)[verdict],
      sessionId,
      commit: info,
      outcome,
      regression,
      verdict,
      builders,
      builds: evaluator.builds,
      durationMs: Date.now() - started,
    };
  });
}
