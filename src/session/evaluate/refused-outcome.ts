/** A deployment the platform would refuse (its manifest does not parse): failed, without a build, its reason as evidence. Pure. */
import type { Deployment } from '../deploy/deployment.js';
import type { Outcome } from '../outcome.js';

export function refusedOutcome(sha: string, refused: NonNullable<Deployment['refused']>, durationMs: number): Outcome {
  return { sha, ok: false, phase: 'deploy', signature: refused.signature, probes: [], logTail: refused.evidence, built: false, durationMs };
}
