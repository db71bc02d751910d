/**
 * How `narrow` deploys its configurations. They build where the commit's deployment builds (its
 * parent's, when the platform refuses the commit's manifest); when the parent's deployment builds from
 * another context or Dockerfile, the two cannot be mixed and nothing is narrowed. Without a change to
 * the deployment's contract files, every configuration is deployed as the commit is; with one, as the
 * parent is, its contract files carrying the configuration's keys (all of a file's keys: the commit's text).
 */
import { manifestTextsOf, type ChangeSet } from '../../explain/narrow/change-set.js';
import { joinRepoPath, normalizeRepoPath } from '../../git/repo-path.js';
import { shortSha } from '../../text/short-sha.js';
import type { Deployment } from '../deploy/deployment.js';
import type { Deployments } from '../deploy/deployments.js';
import { manifestChanges, type ManifestChanges } from './manifest-changes.js';

export interface NarrowEnds {
  /** Where every configuration builds from. */
  context: Deployment['context'];
  /** Whether the run's plans of both ends were made for `context` (the planner can be shared). */
  planned: boolean;
  /** The contract files' changes (with a manifest, when the commit changes any). */
  manifests?: ManifestChanges;
  /** Why nothing can be narrowed: the two ends build from different places, or deploy a compose stack. */
  apart?: string;
}

export async function narrowEnds(deployments: Deployments, repoDir: string, ends: { parent: string; commit: string }): Promise<NarrowEnds> {
  const [atParent, atCommit] = await Promise.all([deployments.at(ends.parent), deployments.at(ends.commit)]);
  const context = atCommit.refused ? atParent.context : atCommit.context;
  if (atParent.stack || atCommit.stack) {
    // A configuration would have to be a whole stack, each service built from the changed tree: not done yet.
    const apart = `the commit is deployed as a compose stack (${(atCommit.stack ?? atParent.stack)!.manifest}), and narrow does not split a stack's change yet (docs/stacks.md); \`deploybisect explain ${shortSha(ends.parent)} ${shortSha(ends.commit)}\` says what changed`;
    return { context, planned: true, apart };
  }
  if (!atCommit.refused && placeOf(atParent.context) !== placeOf(atCommit.context)) {
    const apart = `the parent's deployment builds ${placeOf(atParent.context)} and the commit's ${placeOf(atCommit.context)}: narrow does not mix two build contexts`;
    return { context, planned: true, apart };
  }
  const paths = [...new Set([...(await deployments.contractFiles(ends.parent)), ...(await deployments.contractFiles(ends.commit))])];
  const manifests = await manifestChanges({ repoDir, ...ends, paths });
  return { context, planned: !atCommit.refused, ...(manifests.parts.length > 0 ? { manifests } : {}) };
}

/** `./deploy/Dockerfile (context .)`. */
function placeOf(context: Deployment['context']): string {
  const dir = normalizeRepoPath(context.contextDir, 'context directory');
  const dockerfile = context.dockerfile.startsWith('/') ? context.dockerfile : `./${joinRepoPath(dir, context.dockerfile)}`;
  return `${dockerfile} (context ${dir === '' ? '.' : dir})`;
}

/** Each configuration's deployment, by the ids of the changes applied. */
export function configurationDeployments(
  deployments: Deployments,
  set: ChangeSet,
  ends: { parent: string; commit: string },
): (ids: readonly number[]) => Promise<Deployment> {
  if (!set.manifests || set.manifests.size === 0) return () => deployments.at(ends.commit);
  return (ids) => deployments.withFiles(ends.parent, manifestTextsOf(set, ids));
}
