import { formatDuration } from '../../duration.js';
import type { BisectResult } from '../../session/result.js';
import { count } from '../../text/plural.js';

/**
 * What a search cost: "5 builds, 4 probes, 3 bisection steps, 1m30s", for the whole search. A
 * resumed run adds what it spent itself beside it, with the runs it replayed from its saved state.
 */
export function costText(result: BisectResult): string {
  const searched = result.steps.filter((s) => s.role === 'search').length;
  const whole = `${count(result.builds, 'build')}, ${count(result.probes, 'probe')}, ${count(searched, 'bisection step')}, ${formatDuration(result.durationMs)}`;
  const resume = result.resume;
  if (!resume) return whole;
  return `${whole} (this run resumed the search and replayed ${count(resume.replayedRuns, 'run')} from its saved state; it spent ${count(resume.builds, 'build')}, ${count(resume.probes, 'probe')}, ${formatDuration(resume.durationMs)})`;
}
