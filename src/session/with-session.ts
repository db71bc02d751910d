/**
 * The lifecycle every run shares (a search, `test`, `narrow`, and stacks to come): open the engines
 * and the evaluator, say the run's first line, do the work, and remove what the session made on every
 * path (success, failure, Ctrl-C), saying so.
 */
import type { CleanupReport } from '../docker/engine-pool.js';
import type { Settings } from '../options/settings.js';
import type { Deployments } from './deploy/deployments.js';
import type { SessionEvents, StartEvent } from './events.js';
import { openSession, type OpenSession, type SessionSettings } from './open-session.js';

/** What a run's first line says it does, besides the session, the engines and the network (which the session knows). */
export type RunStart = Omit<StartEvent, 'sessionId' | 'endpoint' | 'network'>;

export interface RunSession extends OpenSession {
  /** Evaluations at once: --jobs, else one per engine. */
  jobs: number;
  /** What the first lines said of the deployment (for the result), when a manifest was looked for. */
  deployment?: NonNullable<StartEvent['deployment']>;
}

/** What the first lines say of the deployment: the bad commit's contract, and the plan's notes and the contract's. */
async function deploymentLines(deployments: Deployments, bad: string): Promise<NonNullable<StartEvent['deployment']>> {
  const atBad = await deployments.at(bad);
  return { ...(atBad.contract ? { line: atBad.contract.line } : {}), notes: [...deployments.plan.lines, ...atBad.notes] };
}

export async function withSession<T>(
  settings: SessionSettings & Pick<Settings, 'jobs' | 'keepImages'>,
  events: SessionEvents,
  run: {
    start: RunStart;
    /** Whether outcomes may come from the verdict cache (not when every run must be seen). */
    useCache?: boolean;
    /** Told what the cleanup removed, before the cleanup event. */
    cleaned?(removed: CleanupReport, sessionId: string): void;
    /** How commits are deployed (a platform's manifest, or the options); without: the options alone. */
    deployments?: Deployments;
  },
  work: (session: RunSession) => Promise<T>,
): Promise<T> {
  const opened = await openSession(settings, events, {
    useCache: run.useCache ?? true,
    ...(run.deployments ? { deployments: run.deployments } : {}),
  });
  const deployment = run.deployments ? await deploymentLines(run.deployments, run.start.bad) : undefined;
  const jobs = Math.max(1, settings.jobs ?? opened.pool.lanes.length);
  const said = deployment && (deployment.line !== undefined || deployment.notes.length > 0);
  const session: RunSession = { ...opened, jobs, ...(said ? { deployment } : {}) };
  events.start?.({
    sessionId: session.sessionId,
    endpoint: session.pool.endpoint,
    network: session.network,
    ...run.start,
    ...(deployment ? { deployment } : {}),
  });
  try {
    return await work(session);
  } finally {
    // Cleaned up whether or not anyone listens.
    const removed = await session.pool.cleanup({ keepImages: settings.keepImages });
    run.cleaned?.(removed, session.sessionId);
    events.cleanup?.(removed, session.sessionId);
  }
}
