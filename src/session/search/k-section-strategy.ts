/**
 * `--jobs k`: rounds of k commits whose git-bisect weights cut the remaining range into k+1
 * near-equal parts (with a prior, parts of near-equal prior mass), evaluated at once (when fewer
 * commits remain, git's one choice).
 */
import type { BisectSearch } from '../../bisect/index.js';
import { GitBisectStrategy } from './git-bisect-strategy.js';
import type { SearchPlan } from './search-plan.js';
import type { StrategyOptions } from './strategy.js';

export class KSectionStrategy extends GitBisectStrategy {
  /** With a prior over the culprit (`options.mass`), the k commits are its quantiles. */
  constructor(plan: SearchPlan, options: StrategyOptions) {
    super(plan, options);
  }

  protected override choose(gitsChoice: string, search: BisectSearch = this.search, pending = 0): string[] {
    const sections = search.sections(this.options.jobs, this.options.mass);
    return sections.length > 0 ? sections : super.choose(gitsChoice, search, pending);
  }
}
