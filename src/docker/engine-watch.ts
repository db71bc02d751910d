/**
 * Notices an engine that restarts or goes away while a session uses it. The session keeps the
 * engine's event stream open: an engine that stops (to restart, upgrade, or because it crashed)
 * closes it. A container the engine stopped on its way down exits like one that crashed, and a
 * build it dropped ends like one that failed: outcomes that overlap such a loss are no verdict.
 *
 * Podman's compatible event stream answers only when an event comes: it is not watched there.
 */
import { EngineLostError } from './engine-calls.js';
import type { Engine } from './engine.js';

/** The run stops: the engine restarted (or went away) while `during` (e.g. `3d517677a2 was probed`). */
export function engineRestarted(endpoint: string, during: string): EngineLostError {
  return new EngineLostError(
    `the Docker engine at ${endpoint} restarted or went away while ${during}: what it did then says nothing about the commit; the state is kept; once the engine answers, re-run the same command to resume`,
  );
}

export class EngineWatch {
  /** When the stream ended (ms since the epoch); undefined while it is open, or not watched. */
  private lostAt: number | undefined;
  private stream: (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
  private stopped = false;

  constructor(private readonly engine: Engine) {}

  /** Opens the event stream (resolves once it is open, or after `ms` if the engine does not answer). */
  async start(ms = 5000): Promise<void> {
    if (this.engine.podman) return;
    const open = this.engine.docker
      .getEvents({ filters: { type: ['container'] } })
      .then((stream) => {
        const events = stream as NodeJS.ReadableStream & { destroy?: () => void };
        if (this.stopped) return events.destroy?.();
        this.stream = events;
        events.on('data', () => undefined);
        const lost = (): void => {
          if (!this.stopped) this.lostAt ??= Date.now();
        };
        events.on('end', lost);
        events.on('close', lost);
        events.on('error', lost);
      })
      .catch(() => {
        if (!this.stopped) this.lostAt ??= Date.now();
      });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([open, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
  }

  /** Whether the engine restarted or went away since the watch began. */
  get lost(): boolean {
    return this.lostAt !== undefined;
  }

  /**
   * Whether the engine is going away, waiting up to `ms` for its stream to end: an engine that is
   * stopping fails builds and stops containers before it closes its API, so a failure is looked at
   * twice before it is believed.
   */
  async lostWithin(ms: number): Promise<boolean> {
    if (this.lost || !this.stream) return this.lost;
    const stream = this.stream;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        stream.off('end', done).off('close', done).off('error', done);
        resolve();
      }
      stream.once('end', done).once('close', done).once('error', done);
    });
    return this.lost;
  }

  stop(): void {
    this.stopped = true;
    this.stream?.destroy?.();
  }
}
