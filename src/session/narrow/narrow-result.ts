/** What the explanation says about the difference `narrow` found. */
import type { Explanation } from '../../explain/explain-change.js';
import type { Finding } from '../../explain/finding.js';
import type { Change } from '../../explain/narrow/change-set.js';
import type { NarrowResult } from '../result.js';

export type { NarrowChange, NarrowResult, NarrowSide, NarrowTest } from '../result.js';

/**
 * The findings (and likely causes) on the Dockerfile lines that the difference's instructions remove,
 * change or add; and `manifest`, what the difference changes in the deployment contract (the passing
 * configuration's contract against the failing one's), with the likely causes that name one of them.
 */
export function explanationOf(
  explanation: Explanation,
  changes: readonly Change[],
  manifest: readonly Finding[] = [],
): NonNullable<NarrowResult['explanation']> {
  const before = new Set<number>();
  const after = new Set<number>();
  for (const part of changes.flatMap((c) => c.parts)) {
    if (part.kind !== 'instruction') continue;
    for (const span of part.before ?? []) for (let l = span.start; l < span.end; l++) before.add(l + 1);
    for (const span of part.after ?? []) for (let l = span.start; l < span.end; l++) after.add(l + 1);
  }
  const named = new Set(manifest.map((f) => f.summary));
  const about = (f: Finding) =>
    (f.stage === '(manifest)' && named.has(f.summary)) ||
    (f.lineBefore !== undefined && before.has(f.lineBefore)) ||
    (f.lineAfter !== undefined && after.has(f.lineAfter));
  return {
    findings: [...explanation.findings.filter((f) => f.stage !== '(manifest)' && about(f)), ...manifest],
    likelyCauses: explanation.likelyCauses.filter((c) => about(c.finding)),
  };
}
