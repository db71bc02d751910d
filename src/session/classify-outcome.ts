import type { Verdict } from '../bisect/index.js';
import type { Outcome, Regression } from './outcome.js';

/** The regression a search looks for, once `auto` has been decided from the bad commit's outcome. */
export type SearchRegression = Exclude<Regression, 'auto'>;

/**
 * `auto` follows the bad commit: a bad commit that fails to build means the search is for the
 * first build failure; one that builds but fails at runtime means build failures are untestable.
 */
export function decideRegression(requested: Regression, badOutcome: Outcome | undefined): SearchRegression {
  if (requested !== 'auto') return requested;
  if (badOutcome && !badOutcome.ok && badOutcome.phase === 'build') return 'build';
  return 'runtime';
}

/** The verdict an outcome gives about the regression being searched for. */
export function classifyOutcome(outcome: Outcome, regression: SearchRegression): Verdict {
  if (outcome.ok) return 'good';
  switch (regression) {
    case 'any':
      return 'bad';
    case 'build':
      // Looking for the first commit that does not build: one that builds is good, whatever it does at runtime.
      return outcome.phase === 'build' ? 'bad' : 'good';
    case 'runtime':
      // A commit that cannot be built cannot tell us whether it runs: untestable.
      return outcome.phase === 'build' ? 'skip' : 'bad';
  }
}
