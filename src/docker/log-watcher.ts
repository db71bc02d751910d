import type Docker from 'dockerode';

import { cleanText, maskedAsPrinted } from '../text/clean-text.js';
import { followLogs } from './run-container.js';

const MAX_LINES = 10_000;

/**
 * One live stream of a container's output (stdout and stderr, demultiplexed), shared by everything
 * that reads it: the log probe, --fail-on-log, --verbose. Keeps the lines seen so far. Lines are
 * read, kept and matched as a terminal shows them (cleanText); onPrinted hears them as printed.
 */
export class LogWatcher {
  private readonly seen: string[] = [];
  private readonly listeners = new Set<(line: string) => void>();
  private readonly printedListeners = new Set<(line: string) => void>();
  private unfollow: (() => void) | undefined;
  private markEnded!: () => void;
  /** Resolves when the stream has ended (the container stopped and every line was delivered) or stop() was called. */
  readonly ended: Promise<void> = new Promise((resolve) => (this.markEnded = resolve));

  private constructor(private readonly transform: (line: string) => string) {}

  /**
   * Starts following and returns at once; the engine replays the output from the container's start,
   * so no line is missed. The stream is not awaited: Podman sends no response to a follow request
   * until the container prints its first line, and a silent container must not hold up the probes.
   * A stream the engine refuses leaves the watcher without lines (log probes then fail, and say so).
   */
  static follow(container: Docker.Container, transform: (line: string) => string = (l) => l): LogWatcher {
    const watcher = new LogWatcher(transform);
    const abort = new AbortController();
    watcher.unfollow = () => abort.abort();
    followLogs(
      container,
      (printed) => watcher.push(printed),
      () => watcher.markEnded(),
      abort.signal,
    ).then(
      (unfollow) => {
        if (abort.signal.aborted) unfollow();
        else watcher.unfollow = unfollow;
      },
      () => undefined,
    );
    return watcher;
  }

  /** A watcher fed by hand with push() and end() (tests). */
  static manual(): LogWatcher {
    return new LogWatcher((l) => l);
  }

  end(): void {
    this.markEnded();
  }

  /** A line as the program printed it (escape codes and all). */
  push(printed: string): void {
    const line = this.transform(cleanText(printed));
    this.seen.push(line);
    if (this.seen.length > MAX_LINES) this.seen.splice(0, this.seen.length - MAX_LINES);
    for (const listener of this.listeners) listener(line);
    if (this.printedListeners.size === 0) return;
    const asPrinted = maskedAsPrinted(printed, this.transform);
    for (const listener of this.printedListeners) listener(asPrinted);
  }

  /** Lines so far. */
  lines(): readonly string[] {
    return this.seen;
  }

  /** Calls `listener` for every later line; returns the unsubscribe function. */
  onLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` for every later line as printed (through the transform; escape codes kept, for a live view); returns the unsubscribe function. */
  onPrinted(listener: (line: string) => void): () => void {
    this.printedListeners.add(listener);
    return () => this.printedListeners.delete(listener);
  }

  /** The first line (seen already or later) that matches; resolves never if none does. */
  firstMatch(pattern: RegExp): { found: Promise<string>; cancel(): void } {
    const earlier = this.seen.find((line) => pattern.test(line));
    if (earlier !== undefined) return { found: Promise.resolve(earlier), cancel: () => undefined };
    let cancel = (): void => undefined;
    const found = new Promise<string>((resolve) => {
      const off = this.onLine((line) => {
        if (pattern.test(line)) {
          off();
          resolve(line);
        }
      });
      cancel = () => {
        off();
      };
    });
    return { found, cancel };
  }

  stop(): void {
    this.unfollow?.();
    this.listeners.clear();
    this.printedListeners.clear();
    this.markEnded();
  }
}
