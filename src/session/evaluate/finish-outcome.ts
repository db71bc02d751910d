/**
 * The end of every evaluation path (a single image, a stack): the outcome stamped with its commit, its
 * fingerprint, the contract it was deployed by, the engine (when there are several) and its duration,
 * then remembered under what its base images resolve to now (a base the engine did not hold before the
 * build may have been pulled by it).
 */
import type { Lane } from '../../docker/engine-pool.js';
import type { Clock } from '../../probes/clock.js';
import type { Deployment } from '../deploy/deployment.js';
import type { Outcome } from '../outcome.js';
import { resolvesAbsent } from './base-images.js';
import type { OutcomeMemo } from './outcome-memo.js';

export type PartialOutcome = Omit<Outcome, 'sha' | 'durationMs' | 'built'> & { built?: boolean };

export interface Finishing {
  sha: string;
  fingerprint: string;
  deployment: Deployment;
  /** What the bases resolved to before the build; `resolveAgain` when some were absent. */
  bases: string;
  started: number;
  lane: Lane;
  lanes: number;
  clock: Clock;
  memo: OutcomeMemo;
  resolveAgain: () => Promise<string>;
}

export async function finishOutcome(partial: PartialOutcome, f: Finishing): Promise<Outcome> {
  const outcome: Outcome = {
    sha: f.sha,
    built: false,
    ...partial,
    fingerprint: f.fingerprint,
    ...(f.deployment.contract ? { contract: f.deployment.contract } : {}),
    ...(f.lanes > 1 ? { engine: f.lane.engine.endpoint } : {}),
    durationMs: f.clock.now() - f.started,
  };
  const bases = resolvesAbsent(f.bases) ? await f.resolveAgain() : f.bases;
  return f.memo.remember(outcome, bases);
}
