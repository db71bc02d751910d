/**
 * The prior the informed search starts from (`--prior risk`, the default): each candidate commit
 * weighed by what it changes in the build context (prior-score.ts), sharpened by the bad end's
 * own output (what it names, and the packages it names: the commits that change those are read
 * from their manifests and lock files); `--prior uniform` weighs every candidate alike (git's bisection). The weights sum
 * to 1 over the candidates.
 */
import { namedModules } from '../../explain/cause/named-packages.js';
import { readNamedChanges } from '../../explain/deps/named-changes.js';
import { diffDockerfiles } from '../../explain/dockerfile-diff.js';
import type { Finding } from '../../explain/finding.js';
import { blobTexts, changedPaths } from '../../git/commit-changes.js';
import { dockerfileBlobs } from '../../git/dockerfile-blobs.js';
import { locateDockerfilePath } from '../../git/dockerfile-location.js';
import { normalizeRepoPath } from '../../git/repo-path.js';
import type { Settings } from '../../options/settings.js';
import { isWithin } from '../../text/path-within.js';
import type { Outcome } from '../outcome.js';
import { evidenceTokens, scoreCommit, type PriorScore } from './prior-score.js';
import type { SearchPlan } from './search-plan.js';

export type PriorKind = 'risk' | 'uniform';

export interface Prior {
  kind: PriorKind;
  /** sha → probability that it is the culprit (candidates of the search only). */
  mass: ReadonlyMap<string, number>;
  /** The commits that carry the most prior, with why (risk only). */
  top: Array<{ sha: string; probability: number; reasons: string[] }>;
}

export async function buildPrior(
  plan: SearchPlan,
  s: Pick<Settings, 'prior' | 'context' | 'file' | 'target'>,
  badOutcome: Outcome | undefined,
): Promise<Prior> {
  const candidates = plan.contracted.graph.commits;
  if (s.prior === 'uniform' || candidates.length === 0) {
    return { kind: 'uniform', mass: new Map(candidates.map((c) => [c.sha, 1 / Math.max(1, candidates.length)])), top: [] };
  }
  const scores = await scoreCandidates(plan, s, badOutcome ? evidenceOf(badOutcome) : []);
  const total = [...scores.values()].reduce((sum, x) => sum + x.weight, 0) || 1;
  const mass = new Map([...scores].map(([sha, x]) => [sha, x.weight / total]));
  const top = [...scores]
    .sort((a, b) => b[1].weight - a[1].weight)
    .slice(0, 5)
    .map(([sha, x]) => ({ sha, probability: x.weight / total, reasons: x.reasons }));
  return { kind: 'risk', mass, top };
}

/** What the bad end said: its failure, its probes and the last lines of its output. */
function evidenceOf(outcome: Outcome): string[] {
  return [outcome.signature ?? '', ...outcome.probes.map((p) => p.reason ?? ''), ...(outcome.logTail ?? [])];
}

async function scoreCandidates(
  plan: SearchPlan,
  s: Pick<Settings, 'context' | 'file' | 'target'>,
  evidence: readonly string[],
): Promise<Map<string, PriorScore>> {
  const candidates = plan.contracted.graph.commits;
  const firstParents = candidates.filter((c) => c.parents.length > 0).map((c) => [c.sha, c.parents[0]!] as const);
  const paths = await changedPaths(plan.repoDir, firstParents);
  const context = normalizeRepoPath(s.context === '' ? '.' : s.context, 'context directory');
  const inContext = (p: string) => isWithin(context, p);
  const location = await locateDockerfilePath(plan.repoDir, s.context, s.file).catch(() => undefined);
  const dockerfile = location?.kind === 'repo' ? location.repoPath : undefined;
  const findings = dockerfile ? await dockerfileFindings(plan, firstParents, paths, dockerfile, s.target) : new Map<string, Finding[]>();
  const tokens = evidenceTokens(evidence);
  const modules = namedModules(evidence);
  const changedIn = (sha: string) => (paths.get(sha) ?? []).filter((p) => inContext(p) || p === dockerfile);
  const packages =
    modules.length === 0
      ? new Map<string, never[]>()
      : await readNamedChanges(
          plan.repoDir,
          firstParents.map(([sha, parent]) => ({ sha, parent, paths: changedIn(sha) })),
          modules,
        );
  const scores = new Map<string, PriorScore>();
  for (const c of candidates) {
    const changes = {
      paths: changedIn(c.sha),
      ...(dockerfile ? { dockerfile } : {}),
      findings: findings.get(c.sha) ?? [],
      packages: packages.get(c.sha) ?? [],
    };
    scores.set(c.sha, scoreCommit(changes, tokens, modules));
  }
  return scores;
}

/** For each commit that changes the Dockerfile: what changed in it, against its first parent's. */
async function dockerfileFindings(
  plan: SearchPlan,
  firstParents: ReadonlyArray<readonly [string, string]>,
  paths: ReadonlyMap<string, string[]>,
  dockerfile: string,
  target: string | undefined,
): Promise<Map<string, Finding[]>> {
  const touching = firstParents.filter(([sha]) => (paths.get(sha) ?? []).includes(dockerfile));
  const blobs = await dockerfileBlobs(plan.repoDir, [...new Set(touching.flat())], '.', dockerfile).catch(() => new Map<string, string>());
  const texts = await blobTexts(
    plan.repoDir,
    [...new Set(blobs.values())].filter((b) => /^[0-9a-f]{40,64}$/.test(b)),
  );
  const out = new Map<string, Finding[]>();
  const text = (sha: string) => texts.get(blobs.get(sha) ?? '') ?? '';
  const options = target ? { targetBefore: target, targetAfter: target } : {};
  for (const [sha, parent] of touching) out.set(sha, diffDockerfiles(text(parent), text(sha), options));
  return out;
}
