import type { Verdict } from '../bisect/index.js';
import { shortSha } from '../text/short-sha.js';
import { classifyOutcome, type SearchRegression } from './classify-outcome.js';
import type { Outcome } from './outcome.js';

export interface RunTally {
  /** Runs that said something about the regression (untestable ones left out). */
  runs: number;
  /** Of those, the runs that failed the way the search is about. */
  failures: number;
}

/**
 * The verdict of several runs of one commit: the majority (a tie is bad: it failed at least half the
 * time). Untestable runs (e.g. a build failure while looking for a runtime one) are no evidence;
 * only when every run is untestable is the commit skipped. The outcome that stands for the verdict
 * is the first run that agrees with it.
 */
export function combineRuns(
  outcomes: readonly Outcome[],
  regression: SearchRegression,
): { verdict: Verdict; outcome: Outcome; verdicts: Verdict[] } {
  if (outcomes.length === 0) throw new Error('no runs to combine');
  const verdicts = outcomes.map((o) => classifyOutcome(o, regression));
  const bad = verdicts.filter((v) => v === 'bad').length;
  const good = verdicts.filter((v) => v === 'good').length;
  const verdict: Verdict = bad + good === 0 ? 'skip' : bad >= good ? 'bad' : 'good';
  const outcome = outcomes[verdicts.indexOf(verdict)] as Outcome;
  return { verdict, outcome, verdicts };
}

/** One warning per commit whose runs disagreed, e.g. "good commit abc123 (subject) failed 1 of 5 runs". */
export function consistencyWarnings(tallies: ReadonlyMap<string, RunTally>, subjectOf: (sha: string) => string): string[] {
  const warnings: string[] = [];
  for (const [sha, { runs, failures }] of tallies) {
    if (failures === 0 || failures === runs) continue;
    const subject = subjectOf(sha);
    warnings.push(`inconsistent: ${shortSha(sha)}${subject ? ` (${subject})` : ''} failed ${failures} of ${runs} runs`);
  }
  return warnings;
}
