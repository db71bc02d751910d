import { isDecisive } from '../../text/decisive-lines.js';
import type { Finding } from '../finding.js';
import { findClues, type Clue } from './evidence-clues.js';
import { FAILURE_PATTERNS, type Certainty, type FailurePattern, type LinkContext } from './patterns.js';

/** A finding that the failing commit's own output points at. */
export interface LikelyCause {
  /** One line: the evidence and the change that explains it. */
  summary: string;
  /** The line of output (or probe evidence) that the link rests on. */
  evidence: string;
  finding: Finding;
  /** The catalogue's pattern that made the link (`patterns.ts`), and how sure it is. */
  pattern?: string;
  certainty?: Certainty;
}

const RANK: Record<Certainty, number> = { strong: 0, likely: 1, possible: 2 };

/**
 * Links the failing commit's evidence to the findings that explain it, through the catalogue of
 * failure patterns: only links a pattern supports, the surest first (then the latest evidence
 * first: the last error a process printed is usually the one that ended it). Nothing else is claimed.
 */
export function findLikelyCauses(
  findings: readonly Finding[],
  evidenceLines: readonly string[],
  patterns: readonly FailurePattern[] = FAILURE_PATTERNS,
  context: LinkContext = {},
): LikelyCause[] {
  const candidates: LikelyCause[] = [];
  for (const clue of findClues(evidenceLines).reverse()) {
    for (const pattern of patterns) {
      if (pattern.evidence !== clue.kind) continue;
      for (const finding of findings) {
        if (!pattern.links.includes(finding.kind)) continue;
        const because = pattern.explain(clue as never, finding, context);
        if (!because) continue;
        candidates.push({
          summary: pattern.changeFirst ? `${because}; the output says "${clue.line}".` : `The output says "${clue.line}", and ${because}.`,
          evidence: clue.line,
          finding,
          pattern: pattern.id,
          certainty: pattern.certainty,
        });
      }
    }
  }
  // One cause per finding: its surest link (the sort is stable, so the latest evidence among equals).
  candidates.sort((a, b) => RANK[a.certainty!] - RANK[b.certainty!]);
  return candidates.filter((cause, index) => candidates.findIndex((c) => c.finding === cause.finding) === index);
}

/** Clues of a kind the catalogue knows, none of which a finding explains: what to say instead of guessing. */
export function unexplainedEvidence(
  findings: readonly Finding[],
  evidenceLines: readonly string[],
  context: LinkContext = {},
): Clue | undefined {
  if (findLikelyCauses(findings, evidenceLines, FAILURE_PATTERNS, context).length > 0) return undefined;
  const clues = findClues(evidenceLines);
  // The last headline among them (`Error: …`, not the error object's `code:` line), else the last clue.
  return clues.findLast((clue) => isDecisive(clue.line)) ?? clues.at(-1);
}
