/**
 * Build context plans, made once per commit: a search asks for a commit's plan to build it (or to
 * build it ahead), to find the outcome of an identical context, and to explain it; each of those
 * takes the plan made the first time. A commit without the Dockerfile or the context directory has
 * no plan: that is a result (it cannot be built), not an error.
 */
import {
  MissingContextError,
  MissingDockerfileError,
  planBuildContext,
  type BuildContext,
  type BuildContextPlan,
  type BuildContextSpec,
} from './build-context.js';
import { contextTar } from './context-tar.js';

/** A commit's plan, or what it lacks. */
export type PlanResult = { planned: BuildContextPlan } | { missing: MissingDockerfileError | MissingContextError };

/** The plan of one commit, or what it lacks; other failures (git, a bad path) are thrown. */
export async function planOrMissing(spec: BuildContextSpec): Promise<PlanResult> {
  try {
    return { planned: await planBuildContext(spec) };
  } catch (error) {
    if (error instanceof MissingDockerfileError || error instanceof MissingContextError) return { missing: error };
    throw error;
  }
}

type ContextSpec = Omit<BuildContextSpec, 'commit'>;

export class ContextPlanner {
  private readonly plans = new Map<string, Promise<PlanResult>>();

  /** `specAt`: where a commit's context is, when it differs by commit (a platform's manifest says); else `spec`. */
  constructor(
    readonly spec: ContextSpec,
    private readonly specAt?: (commit: string) => Promise<ContextSpec>,
  ) {}

  /** The commit's plan (made on first use, then shared). */
  plan(commit: string): Promise<PlanResult> {
    let plan = this.plans.get(commit);
    if (!plan) {
      plan = (this.specAt ? this.specAt(commit) : Promise.resolve(this.spec)).then((spec) => planOrMissing({ ...spec, commit }));
      this.plans.set(commit, plan);
      // A failure is not kept: the next ask tries again.
      plan.catch(() => this.plans.delete(commit));
    }
    return plan;
  }

  /** The commit's plan with a fresh tar stream of its context (for one build), or what it lacks. */
  async context(commit: string): Promise<{ context: BuildContext } | { missing: MissingDockerfileError | MissingContextError }> {
    const result = await this.plan(commit);
    if ('missing' in result) return result;
    return { context: { ...result.planned, tar: contextTar(this.spec.repoDir, result.planned.entries) } };
  }
}
