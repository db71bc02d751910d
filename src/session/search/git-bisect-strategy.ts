/**
 * Git's own bisection: one commit at a time, the one git bisect would take, or one whose Dockerfile
 * was already built (its layers are cached) when it splits the range nearly as well.
 */
import { BisectSearch, type Verdict } from '../../bisect/index.js';
import { UsageError } from '../../errors.js';
import { shortSha } from '../../text/short-sha.js';
import type { SearchPlan } from './search-plan.js';
import type { SearchStrategy, StrategyOptions, StrategyStep } from './strategy.js';

/**
 * How much worse than git's choice a split may be for a commit that shares layers with an image
 * already built: its smaller side at least 90% of git's (a 45/55 split costs under 1% more steps on average).
 */
export const LAYER_TOLERANCE = 0.1;

export class GitBisectStrategy implements SearchStrategy {
  protected readonly search: BisectSearch;

  constructor(
    private readonly plan: SearchPlan,
    protected readonly options: StrategyOptions,
  ) {
    this.search = new BisectSearch(plan.contracted.graph, {
      bad: plan.range.bad,
      goods: [plan.range.good],
      firstParent: options.firstParent,
    });
  }

  /** Verdicts a person knows (--mark, replay) count as if this run had found them. */
  applyMarks(): void {
    const { contracted, range } = this.plan;
    for (const mark of this.plan.marks) {
      const sha = contracted.representative.get(mark.sha) ?? mark.sha;
      if (!contracted.graph.commits.some((c) => c.sha === sha) && mark.verdict !== 'good') {
        throw new UsageError(
          `--mark ${mark.ref}=${mark.verdict}: ${shortSha(mark.sha)} is not in the range ${shortSha(range.good)}..${shortSha(range.bad)}`,
        );
      }
      try {
        this.search.record(sha, mark.verdict);
      } catch (error) {
        throw new UsageError(`--mark ${mark.ref}=${mark.verdict} contradicts what is known: ${(error as Error).message}`);
      }
    }
  }

  /** The search as it stands before any commit is evaluated (for the verification's progress). */
  get initial(): { done: boolean; remaining: number; stepsLeft: number } {
    const status = this.search.status();
    return status.done
      ? { done: true, remaining: 1, stepsLeft: 1 }
      : { done: false, remaining: status.remaining, stepsLeft: status.stepsLeft };
  }

  next(): StrategyStep {
    const status = this.search.status();
    if (status.done && status.kind === 'found') return { kind: 'found', culprit: status.culprit };
    if (status.done) return { kind: 'inconclusive', candidates: this.expand(status.candidates), warnings: [] };
    return { kind: 'next', commits: this.choose(status.next), progress: { remaining: status.remaining, stepsLeft: status.stepsLeft } };
  }

  /**
   * The commits of the next round: git's choice, or one that splits nearly as well and whose layers
   * are cached. `search` is this search, or a branch of it (`ahead`) that is `pending` evaluations further on.
   */
  protected choose(gitsChoice: string, search: BisectSearch = this.search, _pending = 0): string[] {
    return [search.nextPreferring(this.options.builtAlready, LAYER_TOLERANCE) ?? gitsChoice];
  }

  /** The commits the round after `sha`'s would evaluate, whichever its verdict (to build them while `sha` is probed). */
  ahead(sha: string): string[] {
    const upcoming = new Set<string>();
    for (const verdict of ['bad', 'good'] as const) {
      const branch = this.search.clone();
      try {
        branch.record(sha, verdict);
      } catch {
        continue;
      }
      const status = branch.status();
      if (!status.done) for (const next of this.choose(status.next, branch, 1)) upcoming.add(next);
    }
    return [...upcoming];
  }

  record(sha: string, verdict: Verdict): void {
    try {
      this.search.record(sha, verdict);
    } catch {
      // A verdict of the same round that contradicts another (a flaky deployment) is kept in the steps, not used.
    }
  }

  /** A candidate stands for itself and every commit that shares its image. */
  private expand(candidates: string[]): Array<{ sha: string; verdict: Verdict | 'untested' }> {
    const members = new Set(candidates);
    const { graph, contracted } = this.plan;
    const verdicts = this.search.verdicts;
    const representative = (sha: string): string => contracted.representative.get(sha) ?? sha;
    return graph.commits
      .map((c) => c.sha)
      .filter((sha) => members.has(representative(sha)))
      .map((sha) => ({ sha, verdict: verdicts.get(sha) ?? verdicts.get(representative(sha)) ?? 'untested' }));
  }
}
