import { connectEngines } from '../docker/engine.js';
import { cleanLabelled, sumRemoved } from '../docker/resource-tracker.js';
import { getCommitInfo, type CommitInfo } from '../git/commit-info.js';
import { resolveCommit } from '../git/refs.js';
import type { SessionEvents } from './events.js';
import type { EvaluatorOptions } from './evaluator.js';
import { openSession, type EngineOptions } from './open-session.js';
import type { Outcome } from './outcome.js';

export interface TestCommitOptions extends Omit<EvaluatorOptions, 'logLines' | 'cache' | 'reuseImages'>, EngineOptions {
  commit: string;
  keepImages: boolean;
  /** Verdict cache directory; `false` turns the cache off; default under $XDG_CACHE_HOME. */
  cacheDir?: string | false;
  signal?: AbortSignal;
}

export interface TestCommitResult {
  /** Value of the deploybisect.session label on what this run created (`clean --session`). */
  sessionId: string;
  commit: CommitInfo;
  outcome: Outcome;
  builds: number;
  durationMs: number;
}

/** `deploybisect test <commit>`: build and probe one commit. */
export async function testCommit(options: TestCommitOptions, events: SessionEvents = {}): Promise<TestCommitResult> {
  const started = Date.now();
  const sha = await resolveCommit(options.repoDir, options.commit);
  const commit = await getCommitInfo(options.repoDir, sha);
  const { sessionId, pool, evaluator } = await openSession(options, events);
  events.start?.({ sessionId, endpoint: pool.endpoint, good: sha, bad: sha, commits: 1 });
  try {
    events.evaluate?.({ sha, subject: commit.subject, role: 'verify', remaining: 1, stepsLeft: 1 });
    const outcome = await evaluator.evaluate(sha, options.signal);
    events.verdict?.({ sha, verdict: outcome.ok ? 'good' : 'bad', outcome, role: 'verify' });
    return { sessionId, commit, outcome, builds: evaluator.builds, durationMs: Date.now() - started };
  } finally {
    // Cleaned up whether or not anyone listens (an optional call would skip its argument).
    const removed = await pool.cleanup({ keepImages: options.keepImages });
    events.cleanup?.(removed, pool.sessionId);
  }
}

/** `deploybisect clean`: remove every labelled container and image left by any run. */
export async function cleanAll(options: EngineOptions & { sessionId?: string } = {}): Promise<{ containers: number; images: number }> {
  const engines = await connectEngines(options.dockerHosts, undefined, options.engineTimeoutMs);
  return sumRemoved(await Promise.all(engines.map((engine) => cleanLabelled(engine.docker, options.sessionId))));
}
