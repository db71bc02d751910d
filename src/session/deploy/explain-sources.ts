import type { ExplainSpec } from '../../explain/explain-change.js';
import type { Deployment } from './deployment.js';

type Side = Pick<Deployment, 'source' | 'compose' | 'refused'>;

/**
 * What two commits were deployed by, for the explanation of what changed between them: the platform
 * contracts where there were, and the compose stacks where they were stacks. Stacks are left out when
 * compose refused either side (its reason is the verdict; there is no stack to compare); a side
 * without its compose file (older than it) compares as the file added or removed.
 */
export function deployedBy(before: Side | undefined, after: Side): Pick<ExplainSpec, 'contracts' | 'stacks'> {
  const contracts = { ...(before?.source ? { before: before.source } : {}), ...(after.source ? { after: after.source } : {}) };
  if ((!before?.compose && !after.compose) || before?.refused || after.refused) return { contracts };
  return {
    contracts,
    stacks: { ...(before?.compose ? { before: before.compose } : {}), ...(after.compose ? { after: after.compose } : {}) },
  };
}
