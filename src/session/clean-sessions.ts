/** `deploybisect clean`: list what runs left on the engines, by session, and remove the sessions chosen. */
import { connectEngines } from '../docker/engine.js';
import { addCounts, listLabelled, noCounts, removeLabelled, type KindCounts } from '../docker/labelled-objects.js';
import type { Settings } from '../options/settings.js';
import { planClean, type CleanPlan } from './clean-plan.js';

export type CleanSettings = Pick<Settings, 'dockerHost' | 'engineTimeout' | 'session'> & Partial<Pick<Settings, 'olderThan'>>;

export interface CleanListing {
  plan: CleanPlan;
  /** The engines looked at, as messages name them. */
  endpoints: string[];
  /**
   * Removes what `plan.remove` lists: those objects, not what their sessions created since the
   * listing. Returns what is gone, by kind; an object that cannot be removed is left, not fatal.
   */
  remove(): Promise<KindCounts>;
}

/** Lists every labelled object (or one session's) on each engine and plans what `clean` removes. */
export async function listForClean(settings: CleanSettings, nowMs = Date.now()): Promise<CleanListing> {
  const engines = await connectEngines(settings.dockerHost, undefined, settings.engineTimeout);
  const found = await Promise.all(
    engines.map(async (engine) => ({ engine, endpoint: engine.endpoint, objects: await listLabelled(engine.docker, settings.session) })),
  );
  const olderThan = settings.olderThan;
  const plan = planClean(found, { nowMs, ...(olderThan !== undefined ? { olderThanMs: olderThan } : {}) });
  const chosen = new Set(plan.remove.map((group) => group.sessionId));
  return {
    plan,
    endpoints: engines.map((engine) => engine.endpoint),
    async remove() {
      const removed = await Promise.all(
        found.map(({ engine, objects }) =>
          removeLabelled(
            engine.docker,
            objects.filter((o) => chosen.has(o.sessionId)),
          ),
        ),
      );
      return removed.reduce(addCounts, noCounts());
    },
  };
}

/**
 * The library's `clean`: removes what every run left (or one session, with `session`; only sessions
 * at least `olderThan` ms old, when given), on each engine, without asking.
 */
export async function cleanAll(settings: CleanSettings): Promise<KindCounts> {
  return (await listForClean(settings)).remove();
}
