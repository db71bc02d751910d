/** `run --narrow` (or `narrow: true` in the config file): the search, then its culprit narrowed. */
import type { Settings } from '../../options/settings.js';
import type { BisectResult } from '../result.js';
import { runBisect, type BisectRequest, type CallControl } from '../search/run-bisect.js';
import { runNarrow } from './run-narrow.js';

/**
 * The search; with `settings.narrow` and a culprit found, the culprit narrowed against its first
 * parent in a session of its own (after the search's cleanup; the verdict cache gives it the
 * culprit's and the parent's outcomes without building them again).
 */
export async function searchThenNarrow(settings: Settings, request: BisectRequest, call: CallControl = {}): Promise<BisectResult> {
  const result = await runBisect(settings, request, call);
  if (!settings.narrow || result.status !== 'found' || !result.culprit) return result;
  return { ...result, narrow: await runNarrow({ ...settings, parent: undefined }, result.culprit.sha, call) };
}
