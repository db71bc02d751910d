import type { DdVerdict } from '../bisect/dd.js';
import type { Verdict } from '../bisect/index.js';
import type { LikelyCause } from '../explain/cause/likely-cause.js';
import type { Explanation } from '../explain/explain-change.js';
import type { Finding } from '../explain/finding.js';
import type { ChangeKind } from '../explain/narrow/change-set.js';
import type { ChangedFile, CommitInfo } from '../git/commit-info.js';
import type { Outcome, Regression } from './outcome.js';

export type RunStatus = 'found' | 'bad-is-healthy' | 'good-is-unhealthy' | 'inconclusive';

export interface Step {
  sha: string;
  subject: string;
  /** `verify` for the checks of good and bad before the search, `search` for bisection steps. */
  role: 'verify' | 'search';
  verdict: Verdict;
  /** The outcome that stands for the verdict (with several runs: the first run that agrees with it). */
  outcome: Outcome;
  /** With several runs per evaluation (`--runs`): how many, and how many failed. */
  runs?: { total: number; failed: number };
  durationMs: number;
}

/** How sure a result is, and what it rests on. */
export interface Confidence {
  /** plain: git's search, one run per verdict; runs: `--runs n`, majority; flaky: the flake-aware search. */
  mode: 'plain' | 'runs' | 'flaky';
  runsPerEvaluation: number;
  /** flaky: the `--confidence` asked for. */
  target?: number;
  /** flaky: the probability of the culprit named (or of the likeliest commit when none was). */
  probability?: number;
  /** flaky: the probability that there is no culprit and the failures were noise. */
  noise?: number;
  /** flaky: the false-failure rate, estimated from the runs (or as given with --flake-rate). */
  flakeRate?: number;
  flakeRateGiven?: boolean;
  maxRuns?: number;
  /** Every commit run: runs and failures (and, flaky, its probability of being the first bad commit). */
  commits: Array<{ sha: string; runs: number; failures: number; probability?: number }>;
}

export interface CommitSummary extends CommitInfo {
  /** Files the commit changed inside the build context (vs its first parent). */
  files: ChangedFile[];
}

/** What one run found: the document `run --json` prints. */
export interface BisectResult {
  status: RunStatus;
  /** Value of the deploybisect.session label on what this run created (`clean --session`). */
  sessionId: string;
  good: string;
  bad: string;
  /** The regression searched for: `auto` resolved from the bad commit's outcome. */
  regression: Exclude<Regression, 'auto'>;
  culprit?: CommitSummary & {
    outcome: Outcome;
    /** What changed from the culprit's first parent, and what its failure points at. */
    explanation?: Explanation;
    /** The parent's outcome, for contrast (when it, or a commit with the same build context, was evaluated). */
    parent?: { sha: string; outcome: Outcome };
  };
  /** When inconclusive: the commits the first bad commit could be, as git bisect lists them. */
  candidates?: (CommitInfo & { verdict: Verdict | 'untested' })[];
  /** For bad-is-healthy / good-is-unhealthy: the outcome that contradicted the user. */
  verification?: { good?: Outcome; bad?: Outcome };
  steps: Step[];
  /** Every commit of the range good..bad (good excluded), oldest first: what the search chose from. */
  range: string[];
  /** How the range was narrowed before searching: commits that cannot change the image are not candidates. */
  planning: {
    commits: number;
    /** Commits that change what docker receives (D). */
    changingContext: number;
    /** Commits the search chose from (those, plus merges and the bad commit). */
    searched: number;
    durationMs: number;
  };
  /** How sure the result is: the runs each verdict rests on; probabilities in flake-aware mode. */
  confidence: Confidence;
  /** Verdicts that were inconsistent across runs, an unreliable culprit, why a flake-aware search stopped. */
  warnings: string[];
  /** How each engine built the images: BuildKit or the classic builder (and the network RUN steps used, when chosen). */
  builders: EngineBuilder[];
  /**
   * How the commits were deployed, when a platform's manifest was looked for: the bad commit's contract in one
   * line, and what else was said of it (other manifests found, variables to pass, a manifest that was not used).
   */
  deployment?: { line?: string; notes: string[] };
  /** The prior the search started from (`--prior`), and the commits that carried the most of it, with why. */
  prior?: { kind: 'risk' | 'uniform'; top: Array<{ sha: string; subject: string; probability: number; reasons: string[] }> };
  /** Images built for the whole search (a resumed run counts those of the runs it replayed). */
  builds: number;
  /**
   * Images built ahead while another candidate was probed (this run's): how many, and how many of
   * them no evaluation needed (cancelled or removed). Those used are counted in `builds` too.
   */
  builtAhead?: { built: number; unused: number };
  /** Containers started and probed for the whole search. */
  probes: number;
  /** Time spent on the whole search (a resumed run adds the evaluations it replayed). */
  durationMs: number;
  /** Set when this run resumed a saved state: the runs it replayed, and what this run itself spent. */
  resume?: ResumeCost;
  /** With --narrow: the culprit narrowed to the change that breaks it. */
  narrow?: NarrowResult;
}

export interface ResumeCost {
  /** Runs replayed from the saved state instead of being built and probed again. */
  replayedRuns: number;
  builds: number;
  probes: number;
  durationMs: number;
}

/** How one engine builds (said once at the start, recorded in the JSON). */
export interface EngineBuilder {
  endpoint: string;
  builder: 'buildkit' | 'classic';
  /** The network RUN steps build on when --build-network does not say. */
  buildNetwork?: string;
}

/** What `narrow` answers (its JSON). */
export interface NarrowChange {
  id: number;
  path: string;
  /** instruction, hunk, file; key: a key of the deployment's manifest (or the manifest file as a whole, without `key`). */
  kind: ChangeKind;
  /** A manifest key's path in its file: `[0].services[name=api].healthCheckPath` (YAML: the document first), `http_service.internal_port`. */
  key?: string;
  summary: string;
  /** Unified diff of this change alone against the parent's tree. */
  patch: string;
}

/** A configuration: the parent with these changes applied. */
export interface NarrowSide {
  changes: number[];
  /** Unified diff against the parent's tree (`git apply` at the repository root); '' for the parent itself. */
  patch: string;
  outcome: Outcome;
}

export interface NarrowTest {
  /** The ids applied. */
  changes: number[];
  verdict: DdVerdict;
  /** The outcome's signature, and why it is unresolved when it is. */
  reason: string;
  /** Whether an image was built for it (false: an identical configuration's outcome, or the image of one that differs only in its deployment, was reused). */
  built: boolean;
  durationMs: number;
}

export interface NarrowResult {
  /** narrowed: a 1-minimal difference; inconclusive: the builds ran out, nothing could be narrowed, or the two deployments build from different places; not-reproduced: the parent fails or the commit passes. */
  status: 'narrowed' | 'inconclusive' | 'not-reproduced';
  /** Why not reproduced, or why inconclusive. */
  reason?: string;
  sessionId: string;
  commit: CommitInfo;
  parent: CommitInfo;
  /** The commit's failure, which every failing configuration must show. */
  signature: string;
  changes: NarrowChange[];
  passing?: NarrowSide;
  failing?: NarrowSide;
  difference: number[];
  /** The explanation's findings and likely causes about the difference (Dockerfile lines it touches, and what it changes in the deployment's contract). */
  explanation?: { findings: Finding[]; likelyCauses: LikelyCause[] };
  tests: NarrowTest[];
  /** The commit, and the parent (not evaluated when the commit is healthy and the ends were checked one after the other). */
  verification: { parent?: Outcome; commit: Outcome };
  notes: string[];
  builders: EngineBuilder[];
  builds: number;
  durationMs: number;
}
