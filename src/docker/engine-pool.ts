import { EngineAdapter } from './engine-adapter.js';
import { EngineWatch } from './engine-watch.js';
import { withTimeout, type Engine } from './engine.js';
import { ResourceTracker, sumRemoved } from './resource-tracker.js';

/** One engine of a session, with what the session created on it and how busy it is. */
export interface Lane {
  engine: Engine;
  /** What the session asks of the engine (builds, images, containers), Docker and Podman alike. */
  adapter: EngineAdapter;
  /** Notices the engine restarting or going away while the session uses it. */
  watch: EngineWatch;
  /** How images are built on it (decided once per session), and the network RUN steps use when none is asked for. */
  builder: 'buildkit' | 'classic';
  buildNetwork?: string;
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

  constructor(
    engines: readonly Engine[],
    readonly sessionId: string,
    /** Told what the session holds on its engines whenever that changes. */
    onHeld: (held: Held) => void = () => undefined,
  ) {
    if (engines.length === 0) throw new Error('an engine pool needs an engine');
    const changed = () => onHeld(this.held());
    this.lanes = engines.map((engine) => ({
      engine,
      adapter: new EngineAdapter(engine),
      watch: new EngineWatch(engine),
      builder: 'classic' as const,
      tracker: new ResourceTracker(engine.docker, sessionId, changed),
      active: 0,
      builds: 0,
    }));
  }

  /** The containers and images the session holds now, on all its engines (and its stacks' networks and volumes). */
  held(): Held {
    const networks = this.lanes.reduce((n, l) => n + l.tracker.networkCount, 0);
    const volumes = this.lanes.reduce((n, l) => n + l.tracker.volumeCount, 0);
    return {
      containers: this.lanes.reduce((n, l) => n + l.tracker.containerCount, 0),
      images: this.lanes.reduce((n, l) => n + l.tracker.imageCount, 0),
      ...(networks > 0 ? { networks } : {}),
      ...(volumes > 0 ? { volumes } : {}),
    };
  }

  /** All endpoints, for messages. */
  get endpoint(): string {
    return this.lanes.map((l) => l.engine.endpoint).join(', ');
  }

  /** Starts watching every engine for restarts (see EngineWatch); stopped by cleanup. */
  async watch(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.watch.start()));
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

  /**
   * Removes what the session created on every engine (images unless kept). Never throws. An engine
   * that does not answer a ping within `pingMs` is not waited for (each call would wait out the
   * engine timeout): it is named in `unreachable`, and the next run of the same search reaps it.
   */
  async cleanup({ keepImages, pingMs = 5000 }: { keepImages: boolean; pingMs?: number }): Promise<CleanupReport> {
    for (const l of this.lanes) l.watch.stop();
    const unreachable: string[] = [];
    const removed = await Promise.all(
      this.lanes.map(async (l) => {
        const answers = await withTimeout(l.engine.docker.ping(), pingMs, 'no answer').then(
          () => true,
          () => false,
        );
        if (answers) return l.tracker.cleanup({ keepImages, lateImages: l.adapter.interruptedBuilds });
        unreachable.push(l.engine.endpoint);
        return { containers: 0, images: 0 };
      }),
    );
    return { ...sumRemoved(removed), ...(unreachable.length > 0 ? { unreachable } : {}) };
  }
}

export interface Held {
  containers: number;
  images: number;
  /** A stack's, when the session holds some. */
  networks?: number;
  volumes?: number;
}

export interface CleanupReport {
  containers: number;
  images: number;
  /** A stack's, when the cleanup removed some. */
  networks?: number;
  volumes?: number;
  /** Engines that did not answer: what the session made there is still there. */
  unreachable?: string[];
}
