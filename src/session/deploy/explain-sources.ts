import type { ExplainSpec } from '../../explain/explain-change.js';
import type { Deployment } from './deployment.js';

type Side = Pick<Deployment, 'source' | 'compose' | 'refused' | 'stack'>;

/**
 * What two commits were deployed by, for the explanation of what changed between them: the platform
 * contracts where there were, and the compose stacks where they were stacks. Stacks are left out when
 * compose refused either side (its reason is the verdict; there is no stack to compare); a side
 * without its compose file (older than it) compares as the file added or removed.
 */
export function deployedBy(before: Side | undefined, after: Side): Pick<ExplainSpec, 'contracts' | 'stacks' | 'imageless'> {
  const contracts = { ...(before?.source ? { before: before.source } : {}), ...(after.source ? { after: after.source } : {}) };
  // A stack of published images only: nothing is built, so no Dockerfile is missed.
  const imageless = [before, after].every((side) => side?.stack?.services.every((svc) => svc.image.kind !== 'build') === true);
  if ((!before?.compose && !after.compose) || before?.refused || after.refused) return { contracts, ...(imageless ? { imageless } : {}) };
  return {
    ...(imageless ? { imageless } : {}),
    contracts,
    stacks: { ...(before?.compose ? { before: before.compose } : {}), ...(after.compose ? { after: after.compose } : {}) },
  };
}
