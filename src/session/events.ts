import type { Verdict } from '../bisect/index.js';
import type { CleanupReport, Held } from '../docker/engine-pool.js';
import type { Outcome } from './outcome.js';
import type { Step } from './result.js';

/** A run's first line: what it does, on which engines, with which network. */
export interface StartEvent {
  sessionId: string;
  endpoint: string;
  good: string;
  bad: string;
  commits: number;
  changing?: number;
  planningMs?: number;
  /** What the run does, when it is not a search (`narrow`). */
  title?: string;
  /** The one commit a run tests (`test`, nightly's check), instead of a range. */
  commit?: { sha: string; subject: string };
  /** The container network: its mode, and one line on where it came from and what it means for the probes (network-choice.ts). */
  network?: { mode: string; why: string };
  /**
   * How commits are deployed, when a platform's manifest was looked for: the contract of the bad commit
   * (`deploying as Render would: …`) and what else is worth knowing (other manifests found, variables to pass).
   */
  deployment?: { line?: string; notes: string[] };
}

/** One evaluation begins. role `narrow`: a configuration of `narrow` (sha is its label; remaining: the changes; stepsLeft: the builds left). */
export interface EvaluateEvent {
  sha: string;
  subject: string;
  role: Step['role'] | 'narrow';
  remaining: number;
  stepsLeft: number;
}

/** One evaluation's verdict. */
export interface VerdictEvent {
  sha: string;
  verdict: Verdict;
  outcome: Outcome;
  role: Step['role'] | 'narrow';
}

/** Progress of a run, for the renderers (spinner, plain lines) and library users. All optional. */
export interface SessionEvents {
  start?(e: StartEvent): void;
  /** What the session holds on its engines now (containers, images), whenever that changes: what an abrupt exit would leave. */
  held?(held: Held, sessionId: string): void;
  evaluate?(e: EvaluateEvent): void;
  phase?(sha: string, phase: 'build' | 'start' | 'probe' | 'explain'): void;
  /** Each line of build output, live, as printed (colour and other escape codes kept; secrets masked): cleanText shows it as a terminal would. */
  buildOutput?(sha: string, line: string): void;
  /** A step of the Dockerfile started building (`[2/6] RUN npm ci`). */
  buildStep?(sha: string, step: string): void;
  /** Each line the container prints, live, as printed like buildOutput (only requested by verbose renderers: it costs a log stream). */
  containerLine?(sha: string, line: string): void;
  verdict?(e: VerdictEvent): void;
  cleanup?(removed: CleanupReport, sessionId: string): void;
  /** Something the user should know that is not an error: resuming from a saved state, a state that cannot be saved. */
  notice?(message: string): void;
}
