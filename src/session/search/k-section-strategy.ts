/**
 * `--jobs k`: rounds of k commits whose git-bisect weights cut the remaining range into k+1
 * near-equal parts, evaluated at once (when fewer commits remain, git's one choice).
 */
import type { SearchPlan } from './search-plan.js';
import { GitBisectStrategy } from './git-bisect-strategy.js';

export class KSectionStrategy extends GitBisectStrategy {
  constructor(
    plan: SearchPlan,
    private readonly jobs: number,
    options: { firstParent: boolean; builtAlready: (sha: string) => boolean },
  ) {
    super(plan, options);
  }

  protected override choose(gitsChoice: string): string[] {
    const sections = this.search.sections(this.jobs);
    return sections.length > 0 ? sections : super.choose(gitsChoice);
  }
}
