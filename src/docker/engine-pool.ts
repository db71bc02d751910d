import type { Engine } from './engine.js';
import { ResourceTracker, sumRemoved } from './resource-tracker.js';

/** One engine of a session, with what the session created on it and how busy it is. */
export interface Lane {
  engine: Engine;
  tracker: ResourceTracker;
  /** Evaluations running on it now. */
  active: number;
  /** Images built on it so far. */
  builds: number;
}

/**
 * The engines one session spreads its work over (`--docker-host`, repeatable). Each evaluation
 * builds and runs on one engine, the least busy one (the first on a tie), so with k engines and
 * --jobs k every engine has one commit at a time.
 */
export class EnginePool {
  readonly lanes: Lane[];

  constructor(engines: readonly Engine[], readonly sessionId: string) {
    if (engines.length === 0) throw new Error('an engine pool needs an engine');
    this.lanes = engines.map((engine) => ({ engine, tracker: new ResourceTracker(engine.docker, sessionId), active: 0, builds: 0 }));
  }

  /** All endpoints, for messages. */
  get endpoint(): string {
    return this.lanes.map((l) => l.engine.endpoint).join(', ');
  }

  /** Runs `work` on the least busy engine, or on `lane` when given (where an image already is). */
  async use<T>(work: (lane: Lane) => Promise<T>, on?: Lane): Promise<T> {
    const lane = on ?? this.lanes.reduce((best, l) => (l.active < best.active ? l : best));
    lane.active++;
    try {
      return await work(lane);
    } finally {
      lane.active--;
    }
  }

  /** Removes what the session created on every engine (images unless kept). Never throws. */
  async cleanup({ keepImages }: { keepImages: boolean }): Promise<{ containers: number; images: number }> {
    return sumRemoved(await Promise.all(this.lanes.map((l) => l.tracker.cleanup({ keepImages }))));
  }
}
