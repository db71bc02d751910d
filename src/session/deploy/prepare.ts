/**
 * A run's deployments, decided before anything is built: the plan (chooseDeployment), and what the
 * search plan needs of it: where the bad commit's context is, and the paths whose change changes the
 * deployment though not the context (the manifest and the files it reads, at both ends; the good commit's
 * context when the manifest moved it).
 */
import { joinRepoPath, normalizeRepoPath } from '../../git/repo-path.js';
import { chooseDeployment } from './choose-deployment.js';
import type { Deployment } from './deployment.js';
import { Deployments, type DeploymentsSettings } from './deployments.js';

export interface PreparedDeployments {
  deployments: Deployments;
  /** For planSearch: the bad commit's context (none for a stack: its paths are watched), and the paths watched besides it. */
  search: { context?: Deployment['context']; watch: string[] };
}

export async function prepareDeployments(
  settings: DeploymentsSettings & Parameters<typeof chooseDeployment>[0],
  ends: { bad: string; good?: string },
): Promise<PreparedDeployments> {
  const deployments = new Deployments(settings, await chooseDeployment(settings, ends));
  const atBad = await deployments.at(ends.bad);
  const plan = deployments.plan;
  if (plan.kind === 'none') return { deployments, search: { context: atBad.context, watch: [] } };
  if (plan.stack) {
    // A stack changes with any of its files, contexts or mounted paths, at either end.
    const atGood = ends.good !== undefined ? await deployments.at(ends.good) : undefined;
    const watch = [plan.detected.path, ...(atBad.stack?.watch ?? []), ...(atGood?.stack?.watch ?? [])];
    return { deployments, search: { watch: [...new Set(watch)] } };
  }
  const watch = new Set([plan.detected.path, ...plan.detected.files]);
  if (ends.good !== undefined) {
    const atGood = await deployments.at(ends.good);
    if (atGood.context.contextDir !== atBad.context.contextDir)
      watch.add(normalizeRepoPath(atGood.context.contextDir, 'context directory') || '.');
    const dockerfile = joinRepoPath(normalizeRepoPath(atGood.context.contextDir, 'context directory'), atGood.context.dockerfile);
    watch.add(dockerfile);
    // The files the good commit's contract was read from: the manifests may have moved since (k8s/ → deploy/).
    for (const file of atGood.source ? [atGood.source.manifest, ...atGood.source.alsoRead] : []) watch.add(file.path);
  }
  return { deployments, search: { context: atBad.context, watch: [...watch] } };
}
