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
import { resolveCommit, resolveRange, type ResolvedRange } from '../../git/refs.js';
import { contextSpec } from '../../options/derived.js';
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

export async function planSearch(
  s: Pick<Settings, 'repo' | 'context' | 'file' | 'firstParent'>,
  request: { good: string; bad: string; marks: readonly Mark[] },
): Promise<SearchPlan> {
  const repoDir = s.repo;
  const range = await resolveRange(repoDir, request.good, request.bad);
  const graph = await loadCommitGraph(repoDir, range.bad, [range.good], { firstParent: s.firstParent });
  const marks = await Promise.all(request.marks.map(async (m) => ({ ...m, sha: await resolveCommit(repoDir, m.ref) })));
  const infos = await getCommitInfos(repoDir, [range.good, ...graph.commits.map((c) => c.sha)]);
  const plan = await planContextChanges({ ...contextSpec(s), commits: graph.commits });
  const contracted = contractGraph(graph, (sha) => plan.changesContext.get(sha) ?? true, new Set([range.bad]));
  const blobs = await dockerfileBlobs(repoDir, [range.good, ...contracted.graph.commits.map((c) => c.sha)], s.context, s.file).catch(
    () => new Map<string, string>(),
  );
  return {
    repoDir,
    range,
    graph,
    contracted,
    changing: plan.changing,
    planningMs: Math.round(plan.durationMs),
    subjects: new Map(infos.map((i) => [i.sha, i])),
    blobs,
    marks,
  };
}
