import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import type { Outcome } from './outcome.js';

/**
 * Bumped when the meaning of a cached outcome changes, so old entries are not reused. 2: keyed by the
 * base images too. 3: output kept and matched as a terminal shows it (no escape codes; log patterns see the clean line).
 */
const CACHE_VERSION = 3;

/** The default cache directory: $XDG_CACHE_HOME/deploybisect, else ~/.cache/deploybisect. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'deploybisect');
}

/** A remembered outcome, and when it was saved (ISO 8601). */
export interface CachedOutcome {
  outcome: Outcome;
  savedAt: string;
}

/**
 * Outcomes remembered across runs, keyed by the build context's fingerprint, the images its FROM
 * lines resolve to on the engines (base-images.ts: a re-tagged base is a new evaluation), and
 * everything else that decides an outcome (build args, target, platform, container settings, probes,
 * timeouts).
 * A second run over the same range, or a nightly run over an overlapping one, rebuilds nothing
 * already judged. Entries are small JSON files written atomically; a damaged one is ignored.
 */
export class VerdictCache {
  private writeFailed = false;

  constructor(
    readonly dir: string,
    /** Everything besides the context that decides an outcome, as stable JSON. */
    private readonly configuration: string,
    /** Told once when an entry cannot be written (a full disk, a read-only cache directory). */
    private readonly onWriteError?: (message: string) => void,
  ) {}

  /** `bases`: what the FROM images resolve to (resolveBaseImages). */
  key(fingerprint: string, bases: string): string {
    return createHash('sha256').update(`v${CACHE_VERSION}\n${this.configuration}\n${fingerprint}\n${bases}`).digest('hex');
  }

  private path(fingerprint: string, bases: string): string {
    const key = this.key(fingerprint, bases);
    return join(this.dir, 'verdicts', key.slice(0, 2), `${key}.json`);
  }

  get(fingerprint: string, bases: string): CachedOutcome | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.path(fingerprint, bases), 'utf8')) as {
        fingerprint?: string;
        bases?: string;
        savedAt?: string;
        outcome?: Outcome;
      };
      const outcome = entry.outcome;
      // Anything but a whole entry for this context (a damaged or foreign file) is no entry.
      const whole = outcome && typeof outcome.ok === 'boolean' && typeof outcome.signature === 'string' && Array.isArray(outcome.logTail);
      const mine = entry.fingerprint === fingerprint && entry.bases === bases && typeof entry.savedAt === 'string';
      return mine && whole ? { outcome, savedAt: entry.savedAt! } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Never throws: a cache that cannot be written only costs a rebuild next time (said once). */
  set(fingerprint: string, bases: string, outcome: Outcome): void {
    const path = this.path(fingerprint, bases);
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(temporary, JSON.stringify({ fingerprint, bases, savedAt: new Date().toISOString(), outcome }));
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      if (!this.writeFailed) {
        this.writeFailed = true;
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        this.onWriteError?.(
          `cannot write to the verdict cache in ${this.dir} (${reason}): the search goes on, but its verdicts will not be remembered`,
        );
      }
    }
  }
}
