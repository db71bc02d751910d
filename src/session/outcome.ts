import type { ProbeResult } from '../probes/probe.js';
import type { LineGap } from '../text/decisive-lines.js';
import type { ContractSummary } from './deploy/deployment.js';

/**
 * Where an evaluation stopped: the platform refused the deployment (its manifest does not parse),
 * the build, the platform's pre-deploy command, the container start, a compose stack's services
 * coming up (`docker compose up --wait`: a service exited, unhealthy, or not up in time), or the probes.
 */
export type Phase = 'deploy' | 'build' | 'pre-deploy' | 'start' | 'stack' | 'probe';

/** What happened when one commit was built, started and probed. */
export interface Outcome {
  sha: string;
  ok: boolean;
  /** On failure, the phase that failed; on success, `probe`. */
  phase: Phase;
  /** One short line naming what decided, stable across commits that fail the same way. */
  signature: string;
  /** On a failed build: the step that failed, as the builder names it (`[3/6] RUN npm ci`, `Step 3/6 : RUN npm ci`). */
  buildStep?: string;
  /** Each probe's result (empty when the build or start failed). */
  probes: ProbeResult[];
  /** The container's output (stdout and stderr): its decisive lines and its last lines; or the last lines of the build output on a build failure. */
  logTail: string[];
  /** Where `logTail` leaves lines of the output out (it holds the decisive lines and the tail within a budget), and how many. */
  logGaps?: LineGap[];
  /** Fingerprint of the build context (what docker received). */
  fingerprint?: string;
  imageId?: string;
  /** True when an image was built for this evaluation (false when an identical context's outcome was reused). */
  built: boolean;
  /** Where a reused outcome came from: a commit of this run with the same build context, the verdict cache, or the saved state of an interrupted run of the same range. */
  reused?: 'same-context' | 'cache' | 'state';
  /** For an outcome from the verdict cache: when it was saved (ISO 8601). */
  cachedAt?: string;
  /** The platform contract the commit was deployed by (its manifest at that commit), when one was. */
  contract?: ContractSummary;
  /** True when an image of the same build was probed instead of building one: a kept one (`--keep-images`), or one `narrow` built for another configuration. */
  imageReused?: boolean;
  /** True for a further run of a commit already evaluated (`--runs`, `--flaky`): same image, fresh container. */
  rerun?: boolean;
  /** The engine that built and ran it, when a run uses several (`--docker-host` repeated). */
  engine?: string;
  durationMs: number;
}

export type { Regression } from '../options/rows-search.js';
