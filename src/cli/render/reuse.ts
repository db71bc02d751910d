/** How an outcome that was not evaluated now was obtained, in words for a verdict line. */
import type { Outcome } from '../../session/outcome.js';
import { shortTimestamp } from '../../text/timestamp.js';

/** `cached 2026-12-05 20:31; --no-cache to re-check`, …; undefined for an outcome evaluated in this run. */
export function reuseNote(outcome: Pick<Outcome, 'reused' | 'cachedAt'>): string | undefined {
  switch (outcome.reused) {
    case 'cache':
      return `cached ${outcome.cachedAt ? shortTimestamp(outcome.cachedAt) : 'earlier'}; --no-cache to re-check`;
    case 'state':
      return 'from the saved state of this search';
    case 'same-context':
      return 'same build context as an earlier commit';
    default:
      return undefined;
  }
}
