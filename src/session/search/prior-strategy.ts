/**
 * The informed search: git's bisection, but each next commit is the one that best halves the
 * prior's mass (prior.ts) rather than the count of commits left — within a budget of builds,
 * ⌈log₂ D⌉ + 2 for D candidates, so a wrong prior costs at most what that bound allows: a split
 * is taken only when, whichever its verdict, halving could still finish within what is left of
 * the budget; otherwise git's own choice.
 */
import { maxSideWithin, type BisectSearch } from '../../bisect/index.js';
import { GitBisectStrategy } from './git-bisect-strategy.js';
import type { SearchPlan } from './search-plan.js';
import type { StrategyOptions } from './strategy.js';

export interface Budget {
  /** Builds the whole search may take: ⌈log₂ D⌉ + 2. */
  total: number;
  /** Evaluations so far (the verification's included). */
  used(): number;
  /**
   * Evaluations still owed outside the search (the good end, when it is verified lazily), after a
   * "bad" verdict and after a "good" one (on a linear history a good verdict means the culprit's
   * parent will have been tested: nothing is owed then).
   */
  reserved(): { bad: number; good: number };
}

export class PriorStrategy extends GitBisectStrategy {
  private readonly mass: (sha: string) => number;
  private readonly budget: Budget;

  constructor(plan: SearchPlan, options: StrategyOptions & { mass: (sha: string) => number; budget: Budget }) {
    super(plan, options);
    this.mass = options.mass;
    this.budget = options.budget;
  }

  protected override choose(gitsChoice: string, search: BisectSearch = this.search, pending = 0): string[] {
    const left = this.budget.total - this.budget.used() - pending;
    const reserved = this.budget.reserved();
    const sides = { bad: maxSideWithin(left - reserved.bad), good: maxSideWithin(left - reserved.good) };
    const pick = search.nextByPrior(this.mass, sides);
    return [pick ?? gitsChoice];
  }
}

/** ⌈log₂ D⌉ + 2 builds for D candidates. */
export function buildBudget(candidates: number): number {
  return Math.ceil(Math.log2(Math.max(1, candidates))) + 2;
}
