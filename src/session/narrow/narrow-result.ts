/** What `narrow` answers (its JSON), and what the explanation says about the difference it found. */
import type { DdVerdict } from '../../bisect/dd.js';
import type { Explanation } from '../../explain/explain-change.js';
import type { Finding } from '../../explain/finding.js';
import type { LikelyCause } from '../../explain/cause/likely-cause.js';
import type { Change, ChangeKind } from '../../explain/narrow/change-set.js';
import type { CommitInfo } from '../../git/commit-info.js';
import type { EngineBuilder } from '../evaluate/choose-builders.js';
import type { Outcome } from '../outcome.js';

export interface NarrowChange {
  id: number;
  path: string;
  kind: ChangeKind;
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
  /** Whether the image was built for it (false: an identical context's outcome was reused). */
  built: boolean;
  durationMs: number;
}

export interface NarrowResult {
  /** narrowed: a 1-minimal difference; inconclusive: the builds ran out, or nothing could be narrowed; not-reproduced: the parent fails or the commit passes. */
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
  /** The explanation's findings and likely causes about the difference (Dockerfile lines it touches). */
  explanation?: { findings: Finding[]; likelyCauses: LikelyCause[] };
  tests: NarrowTest[];
  verification: { parent: Outcome; commit: Outcome };
  notes: string[];
  builders: EngineBuilder[];
  builds: number;
  durationMs: number;
}

/** The findings (and likely causes) on the Dockerfile lines that the difference's instructions remove, change or add. */
export function explanationOf(explanation: Explanation, changes: readonly Change[]): NonNullable<NarrowResult['explanation']> {
  const before = new Set<number>();
  const after = new Set<number>();
  for (const part of changes.flatMap((c) => c.parts)) {
    if (part.kind !== 'instruction') continue;
    for (const span of part.before ?? []) for (let l = span.start; l < span.end; l++) before.add(l + 1);
    for (const span of part.after ?? []) for (let l = span.start; l < span.end; l++) after.add(l + 1);
  }
  const about = (f: Finding) =>
    (f.lineBefore !== undefined && before.has(f.lineBefore)) || (f.lineAfter !== undefined && after.has(f.lineAfter));
  return {
    findings: explanation.findings.filter(about),
    likelyCauses: explanation.likelyCauses.filter((c) => about(c.finding)),
  };
}
