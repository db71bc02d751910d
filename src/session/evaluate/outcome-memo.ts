/**
 * Outcomes by build context: commits whose contexts are identical share one outcome (the image
 * would be the same), within a run, across runs (the verdict cache), and while one is in flight.
 */
import type { Outcome } from '../outcome.js';
import type { VerdictCache } from '../verdict-cache.js';

/** Build failures that say more about the network or a registry than about the commit. */
const TRANSIENT_BUILD_FAILURE =
  /pull access denied|toomanyrequests|rate limit|TLS handshake|i\/o timeout|Temporary failure in name resolution|connection (refused|reset)|no such host|network is unreachable|timed? ?out/i;

/**
 * Outcomes worth remembering across runs: not a container that the engine failed to start, and not
 * a build that failed for a reason outside the commit (a registry, the network).
 */
export function cacheable(outcome: Outcome): boolean {
  if (outcome.phase === 'start' && !outcome.ok) return false;
  if (outcome.phase === 'build' && !outcome.ok && TRANSIENT_BUILD_FAILURE.test([outcome.signature, ...outcome.logTail].join('\n')))
    return false;
  return true;
}

export class OutcomeMemo {
  private readonly byFingerprint = new Map<string, Outcome>();
  private readonly inFlight = new Map<string, Promise<Outcome>>();

  constructor(private readonly cache?: VerdictCache) {}

  /** This run's outcome for the context, if it has one. */
  get(fingerprint: string): Outcome | undefined {
    return this.byFingerprint.get(fingerprint);
  }

  /** Whether remembered outcomes are looked up across runs (then the base images must be resolved for the key). */
  get caches(): boolean {
    return this.cache !== undefined;
  }

  /**
   * An outcome already known for the context: this run's, else the verdict cache's for the same base
   * images (`bases`, resolveBaseImages; then kept for this run).
   */
  known(fingerprint: string, bases: string): { outcome: Outcome; reused: 'same-context' | 'cache' } | undefined {
    const mine = this.byFingerprint.get(fingerprint);
    if (mine) return { outcome: mine, reused: 'same-context' };
    const cached = this.cache?.get(fingerprint, bases);
    if (!cached) return undefined;
    const outcome: Outcome = { ...cached.outcome, built: false, reused: 'cache', cachedAt: cached.savedAt };
    this.byFingerprint.set(fingerprint, outcome);
    return { outcome, reused: 'cache' };
  }

  /** Whether an outcome for the context is known or on its way (nothing is recorded: the evaluation still says how it was reused). */
  has(fingerprint: string, bases: string): boolean {
    return this.byFingerprint.has(fingerprint) || this.inFlight.has(fingerprint) || this.cache?.get(fingerprint, bases) !== undefined;
  }

  /** The evaluation of the context already on its way (with --jobs, another commit may share it). */
  pending(fingerprint: string): Promise<Outcome> | undefined {
    return this.inFlight.get(fingerprint);
  }

  /** Runs `evaluate` as the one evaluation of the context until it settles. */
  async track(fingerprint: string, evaluate: Promise<Outcome>): Promise<Outcome> {
    this.inFlight.set(fingerprint, evaluate);
    try {
      return await evaluate;
    } finally {
      this.inFlight.delete(fingerprint);
    }
  }

  /**
   * Keeps the outcome for its context, and in the verdict cache (under the base images the build
   * used, `bases`) when it says something lasting about the commit.
   */
  remember(outcome: Outcome, bases: string): Outcome {
    if (outcome.fingerprint) {
      this.byFingerprint.set(outcome.fingerprint, outcome);
      if (cacheable(outcome)) this.cache?.set(outcome.fingerprint, bases, outcome);
    }
    return outcome;
  }
}
