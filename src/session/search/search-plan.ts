/**
 * Resolve and plan: the range's commits, what each changes in the build context, the graph the
 * search chooses from (commits that leave the context as their parent had it share its image, so
 * they are no candidates), and each commit's Dockerfile blob (for ordering by the layer cache).
 */
import { contractGraph } from '../../bisect/contract-graph.js';
import type { CommitGraph } from '../../bisect/index.js';
import { getCommitInfos, type CommitInfo } from '../../git/commit-info.js';
import { planContextChanges } from '../../git/context-plan.js';
import { dockerfileBlobs } from '../../git/dockerfile-blobs.js';
import { loadCommitGraph } from '../../git/history.js';
import { commitsTouching } from '../../git/paths-touched.js';
import { resolveCommit, resolveRange, type ResolvedRange } from '../../git/refs.js';
import type { Mark } from '../../options/rows-search.js';
import type { Settings } from '../../options/settings.js';

export interface SearchPlan {
  repoDir: string;
  range: ResolvedRange;
  /** Every commit of good..bad (good excluded). */
  graph: CommitGraph;
  /** The commits the search chooses from, and the candidate that stands for each commit left out. */
  contracted: { graph: CommitGraph; representative: ReadonlyMap<string, string> };
  /** Commits that change what docker receives. */
  changing: number;
  planningMs: number;
  subjects: ReadonlyMap<string, CommitInfo>;
  /** The Dockerfile blob of each commit. */
  blobs: ReadonlyMap<string, string>;
  marks: Array<Mark & { sha: string }>;
}

/**
 * `deployment`: where the bad commit's build context is when a platform's manifest says (else the
 * options'), and the paths whose change changes the deployment though not the context (the manifest and
 * the files it reads): a commit that changes them is a candidate too.
 */
export async function planSearch(
  s: Pick<Settings, 'repo' | 'context' | 'file' | 'firstParent'>,
  request: { good: string; bad: string; marks: readonly Mark[] },
  deployment: { context?: { contextDir: string; dockerfile: string }; watch: readonly string[] } = {
    context: { contextDir: s.context, dockerfile: s.file },
    watch: [],
  },
): Promise<SearchPlan> {
  const repoDir = s.repo;
  const range = await resolveRange(repoDir, request.good, request.bad);
  const graph = await loadCommitGraph(repoDir, range.bad, [range.good], { firstParent: s.firstParent });
  const marks = await Promise.all(request.marks.map(async (m) => ({ ...m, sha: await resolveCommit(repoDir, m.ref) })));
  const infos = await getCommitInfos(repoDir, [range.good, ...graph.commits.map((c) => c.sha)]);
  const where = { repoDir, ...(deployment.context ?? { contextDir: s.context, dockerfile: s.file }) };
  // A stack has no one context: the paths it reads (its contexts among them) decide.
  const plan = deployment.context
    ? await planContextChanges({ ...where, commits: graph.commits })
    : { changesContext: new Map<string, boolean>(graph.commits.map((c) => [c.sha, false])), changing: 0, durationMs: 0 };
  const touching = await commitsTouching(repoDir, range, deployment.watch);
  const changes = (sha: string) => touching.has(sha) || (plan.changesContext.get(sha) ?? true);
  const contracted = contractGraph(graph, changes, new Set([range.bad]));
  const blobs = await dockerfileBlobs(
    repoDir,
    [range.good, ...contracted.graph.commits.map((c) => c.sha)],
    where.contextDir,
    where.dockerfile,
  ).catch(() => new Map<string, string>());
  return {
    repoDir,
    range,
    graph,
    contracted,
    changing: deployment.watch.length === 0 ? plan.changing : graph.commits.filter((c) => changes(c.sha)).length,
    planningMs: Math.round(plan.durationMs),
    subjects: new Map(infos.map((i) => [i.sha, i])),
    blobs,
    marks,
  };
}
