/**
 * How a run deploys its commits, decided once at its start: by the manifest found in the bad commit's
 * tree (or the one asked for), or without one. When the good commit cannot be deployed as that manifest
 * says (the Dockerfile it names is not there) while it did deploy, the manifest is evidently not what
 * the platform used: the run says so and follows the repository as without a manifest, unless the
 * platform was named (then the manifest is forced).
 */
import { detectManifests } from '../../contract/at-commit/detect-manifests.js';
import { readContractAt } from '../../contract/at-commit/read-at-commit.js';
import type { DeploymentContract, Platform } from '../../contract/contract.js';
import { PLATFORM_NAMES } from '../../contract/describe.js';
import { alsoFoundText, chooseManifest, type Detected } from '../../contract/detect/choose.js';
import { failureLine, serviceChoiceError } from '../../contract/source/problem.js';
import type { Settings } from '../../options/settings.js';
import { shortSha } from '../../text/short-sha.js';

export type DeploymentPlan =
  | { kind: 'none'; lines: string[] }
  | {
      kind: 'manifest';
      detected: Detected;
      lines: string[];
      forced: boolean;
      /** The service deployed at the bad commit (`--service`, or the one its manifest's only candidate): deployed at every commit. */
      service?: string;
    };

type ChooseSettings = Pick<Settings, 'repo' | 'platform' | 'manifest' | 'service' | 'given'>;

/** The plan for a run over `ends` (its bad commit, or the one commit tested; and the good commit, when there is one). */
export async function chooseDeployment(s: ChooseSettings, ends: { bad: string; good?: string }): Promise<DeploymentPlan> {
  if (s.platform === 'none') return { kind: 'none', lines: [] };
  const requested = s.platform === 'auto' ? {} : { platform: s.platform as Platform };
  const found = await detectManifests(s.repo, ends.bad, { ...(s.manifest !== undefined ? { manifest: s.manifest } : {}), ...requested });
  const choice = chooseManifest(found, { platform: s.platform, ...(s.manifest !== undefined ? { manifest: s.manifest } : {}) });
  const also = alsoFoundText(choice);
  if (choice.kind === 'none') return { kind: 'none', lines: also ? [`no manifest deployed by (${choice.why}); ${also}`] : [] };
  // A manifest with several services and no --service is the user's to settle, before anything is built.
  const atBad = await readContractAt(s.repo, ends.bad, choice.used, s.service);
  if (!atBad.result.ok) {
    const usage = serviceChoiceError(atBad.result.failure);
    if (usage) throw usage;
  }
  const forced = s.platform !== 'auto' || s.manifest !== undefined;
  const stack = !forced && atBad.result.ok ? needsItsStack(atBad.result.contract) : undefined;
  if (stack) return { kind: 'none', lines: [stack, ...(also ? [also] : [])] };
  const service = s.service ?? (atBad.result.ok ? atBad.result.contract.service : undefined);
  if (ends.good !== undefined && !forced) {
    const stale = await staleAtGood(s.repo, ends.good, choice.used, service);
    if (stale) return { kind: 'none', lines: [stale, ...(also ? [also] : [])] };
  }
  const lines = atBad.result.ok ? [] : [`${failureLine(atBad.result.failure)} (the bad commit's manifest: its deployment fails)`];
  return {
    kind: 'manifest',
    detected: choice.used,
    forced,
    lines: [...lines, ...(also ? [also] : [])],
    ...(service !== undefined ? { service } : {}),
  };
}

/**
 * A compose service that depends on others cannot be deployed alone (stacks are not deployed yet): found
 * by detection, it is said and left; named (`--platform compose`), it is deployed alone.
 */
function needsItsStack(contract: DeploymentContract): string | undefined {
  if (contract.platform !== 'compose') return undefined;
  if (!contract.unsupported.some((u) => u.key === `services.${contract.service}.depends_on`)) return undefined;
  return `${contract.manifest.path}: ${contract.service} depends on other services, and a stack is not deployed yet; deploying as without a manifest (--platform compose deploys ${contract.service} alone)`;
}

/**
 * Why the manifest cannot be what deployed the good commit, if it cannot: it names a Dockerfile (or a
 * build context) that commit does not have, for the service deployed at the bad commit.
 */
async function staleAtGood(repo: string, good: string, used: Detected, service: string | undefined): Promise<string | undefined> {
  const atGood = await readContractAt(repo, good, used, service).catch(() => undefined);
  if (!atGood || !atGood.result.ok || atGood.missing.length === 0) return undefined;
  const name = PLATFORM_NAMES[used.platform];
  return `${used.path} names ${atGood.missing.map((p) => `./${p}`).join(' and ')}, which the good commit ${shortSha(good)} does not have, yet it deployed: ${name} did not build it by this manifest (a dashboard setting, most likely); deploying as without a manifest (--platform ${used.platform} deploys by it)`;
}
