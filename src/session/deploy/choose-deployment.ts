/**
 * How a run deploys its commits, decided once at its start: by the manifest found in the bad commit's
 * tree (or the one asked for), or without one. When the good commit cannot be deployed as that manifest
 * says (the Dockerfile it names is not there) while it did deploy, the manifest is evidently not what
 * the platform used: the run says so and follows the repository as without a manifest, unless the
 * platform was named (then the manifest is forced). A compose file with several services is a stack:
 * every service is started, as `docker compose up --wait` would.
 */
import { detectManifests } from '../../contract/at-commit/detect-manifests.js';
import { readContractAt } from '../../contract/at-commit/read-at-commit.js';
import { activeServices, readStackAt, type StackAsked, type StackWhere } from '../../contract/at-commit/read-stack-at.js';
import type { Platform } from '../../contract/contract.js';
import { PLATFORM_NAMES } from '../../contract/describe.js';
import { alsoFoundText, chooseManifest, type Detected } from '../../contract/detect/choose.js';
import { failureLine, serviceChoiceError } from '../../contract/source/problem.js';
import { buildInputsAt } from '../../git/build-inputs.js';
import type { Settings } from '../../options/settings.js';
import { shortSha } from '../../text/short-sha.js';

export type DeploymentPlan =
  | { kind: 'none'; lines: string[] }
  | {
      kind: 'manifest';
      detected: Detected;
      lines: string[];
      forced: boolean;
      /** A compose file with several services (or --build-service): deployed as a stack, from these files. */
      stack?: StackWhere;
      /** The service deployed at the bad commit (`--service`, or the one its manifest's only candidate): deployed at every commit. */
      service?: string;
    };

type ChooseSettings = Pick<
  Settings,
  'repo' | 'platform' | 'manifest' | 'service' | 'given' | 'composeFile' | 'profile' | 'buildService' | 'context' | 'file'
>;

/** Whether `sha` has the Dockerfile the options name (deployed without a manifest, that is what is built). */
async function hasDockerfile(s: ChooseSettings, sha: string): Promise<boolean> {
  const found = await buildInputsAt(s.repo, [sha], s.context, s.file);
  return found.get(sha)?.dockerfile === true;
}

/** The plan for a run over `ends` (its bad commit, or the one commit tested; and the good commit, when there is one). */
export async function chooseDeployment(s: ChooseSettings, ends: { bad: string; good?: string }): Promise<DeploymentPlan> {
  if (s.composeFile.length > 0) return stackPlan(s, ends.bad, namedFiles(s.composeFile), []);
  if (s.platform === 'none') return { kind: 'none', lines: [] };
  const requested = s.platform === 'auto' ? {} : { platform: s.platform as Platform };
  const found = await detectManifests(s.repo, ends.bad, { ...(s.manifest !== undefined ? { manifest: s.manifest } : {}), ...requested });
  const noDockerfile = found.some((d) => d.platform === 'compose' && d.buildsHere !== true) && !(await hasDockerfile(s, ends.bad));
  const choice = chooseManifest(found, {
    platform: s.platform,
    ...(s.manifest !== undefined ? { manifest: s.manifest } : {}),
    ...(noDockerfile ? { noDockerfile } : {}),
  });
  const also = alsoFoundText(choice);
  if (choice.kind === 'none') return { kind: 'none', lines: also ? [`no manifest deployed by (${choice.why}); ${also}`] : [] };
  const forced = s.platform !== 'auto' || s.manifest !== undefined;
  if (choice.used.platform === 'compose') {
    // Found at the root, compose's own names decide (override files included); named, that file alone.
    const where: StackWhere = { manifest: choice.used.path, files: s.manifest !== undefined ? [choice.used.path] : [] };
    const services = await activeServices(s.repo, ends.bad, where, s.profile);
    if (services.length > 1 || Object.keys(s.buildService).length > 0) return stackPlan(s, ends.bad, where, also ? [also] : [], forced);
  }
  // A manifest with several services and no --service is the user's to settle, before anything is built.
  const atBad = await readContractAt(s.repo, ends.bad, choice.used, s.service);
  if (!atBad.result.ok) {
    const usage = serviceChoiceError(atBad.result.failure);
    if (usage) throw usage;
  }
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

function namedFiles(files: readonly string[]): StackWhere {
  return { manifest: files[0]!, files };
}

/**
 * A compose stack: read at the bad commit first, so that a service to name (`--service`, `--build-service`)
 * is settled before anything is built.
 */
async function stackPlan(s: ChooseSettings, bad: string, where: StackWhere, also: string[], forced = true): Promise<DeploymentPlan> {
  const atBad = await readStackAt(s.repo, bad, where, stackAsked(s));
  const lines: string[] = [];
  if (!atBad.ok) {
    const usage = serviceChoiceError(atBad.failure);
    if (usage) throw usage;
    lines.push(`${failureLine(atBad.failure)} (the bad commit's stack: its deployment fails)`);
  }
  const detected: Detected = { platform: 'compose', path: where.manifest, files: where.files.slice(1) };
  return { kind: 'manifest', detected, forced, stack: where, lines: [...lines, ...also] };
}

/** What the options ask of a stack: the service probed, the profiles, the services built from the commit. */
export function stackAsked(s: Pick<Settings, 'service' | 'profile' | 'buildService'>): StackAsked {
  return {
    ...(s.service !== undefined ? { service: s.service } : {}),
    profiles: s.profile,
    buildServices: s.buildService,
  };
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
