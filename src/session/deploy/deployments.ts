/**
 * Each commit's deployment, worked out once per run: without a manifest, the options; with one, the
 * manifest at that commit (the same platform, found again there), read as its platform would read it. A
 * commit whose manifest does not parse is refused, as the platform would refuse it; one without the
 * manifest is deployed as without one, and says so. `narrow` also deploys a commit with some of its
 * manifest files' texts replaced (withFiles): remembered by those texts, with the same generated values.
 */
import { createHash, randomBytes } from 'node:crypto';

import { detectManifests } from '../../contract/at-commit/detect-manifests.js';
import { readContractAt, type FileTexts } from '../../contract/at-commit/read-at-commit.js';
import { readStackAt, type StackWhere } from '../../contract/at-commit/read-stack-at.js';
import { PLATFORM_NAMES } from '../../contract/describe.js';
import type { Detected } from '../../contract/detect/choose.js';
import { failureLine } from '../../contract/source/problem.js';
import type { ReadResult } from '../../contract/source/read-result.js';
import { UsageError } from '../../errors.js';
import type { Settings } from '../../options/settings.js';
import { stackAsked, type DeploymentPlan } from './choose-deployment.js';
import { contractDeployment, type DeploySettings } from './contract-deployment.js';
import { plainDeployment, type Deployment } from './deployment.js';
import { stackDeployment } from './stack-deployment.js';

/** compose's own file names at the root, the override files included: one appearing changes the stack. */
const COMPOSE_NAMES = ['compose', 'docker-compose'].flatMap((base) =>
  ['', '.override'].flatMap((kind) => ['yaml', 'yml'].map((ext) => `${base}${kind}.${ext}`)),
);

export type DeploymentsSettings = DeploySettings & Pick<Settings, 'repo' | 'service' | 'manifest' | 'profile' | 'buildService'>;

export class Deployments {
  private readonly memo = new Map<string, Promise<Deployment>>();
  /** The values of the platform's generated variables: made once per run, masked wherever they could show. */
  private readonly generated = new Map<string, string>();

  constructor(
    private readonly settings: DeploymentsSettings,
    readonly plan: DeploymentPlan,
  ) {}

  /** The values to mask in output: those generated so far. */
  secrets(): string[] {
    return [...this.generated.values()];
  }

  at(sha: string): Promise<Deployment> {
    let deployment = this.memo.get(sha);
    if (!deployment) {
      deployment = this.resolve(sha);
      this.memo.set(sha, deployment);
      deployment.catch(() => this.memo.delete(sha));
    }
    return deployment;
  }

  /**
   * The deployment of `sha` with these files' texts in place of its own (null: the file is absent), read
   * as at `sha` otherwise; the same texts give the same deployment. No texts: `at(sha)`.
   */
  withFiles(sha: string, texts: FileTexts): Promise<Deployment> {
    if (texts.size === 0 || this.plan.kind === 'none') return this.at(sha);
    const hash = createHash('sha256');
    for (const [path, text] of [...texts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      hash.update(`${path}\0${text === null ? '-' : `+${text}`}\0`);
    }
    const key = `${sha} ${hash.digest('hex')}`;
    let deployment = this.memo.get(key);
    if (!deployment) {
      deployment = this.resolve(sha, texts);
      this.memo.set(key, deployment);
      deployment.catch(() => this.memo.delete(key));
    }
    return deployment;
  }

  /**
   * The contract files of the run's manifest as found at `sha` (the manifest, and for Kubernetes the
   * manifests it reads); none without a manifest, or when `sha` has none.
   */
  async contractFiles(sha: string): Promise<string[]> {
    if (this.plan.kind === 'none') return [];
    const detected = await this.manifestAt(sha, this.plan.detected);
    return detected ? [...new Set([detected.path, ...detected.files])] : [];
  }

  private async resolve(sha: string, texts: FileTexts = new Map()): Promise<Deployment> {
    const plan = this.plan;
    if (plan.kind === 'none') return plainDeployment(this.settings);
    if (plan.stack) return this.stackAt(sha, plan.stack);
    // Texts given may remove the manifest found at `sha` or add the run's, and add files besides those found there.
    const found = await this.manifestAt(sha, plan.detected);
    const present = (d: Detected | undefined) => d !== undefined && (texts.has(d.path) ? texts.get(d.path) !== null : d === found);
    const detected = [found, plan.detected].find(present);
    if (!detected) {
      return { ...plainDeployment(this.settings), notes: [`no ${plan.detected.path} at this commit: deployed as without a manifest`] };
    }
    const files = [...new Set([...detected.files, ...[...texts.keys()].filter((p) => p !== detected.path)])];
    const result = await this.contractAt(sha, { ...detected, files }, plan.service, texts);
    if (result.ok) return contractDeployment(result.contract, this.settings, (key) => this.valueFor(key));
    const why = failureLine(result.failure);
    return {
      ...plainDeployment(this.settings),
      key: `refused ${why}`,
      refused: { signature: `${PLATFORM_NAMES[detected.platform]} would not deploy it: ${why}`, evidence: [why] },
    };
  }

  /**
   * The compose stack at `sha`: refused as compose would refuse it; without its compose file (older than
   * it), deployed as without a manifest.
   */
  private async stackAt(sha: string, where: StackWhere): Promise<Deployment> {
    const read = await readStackAt(this.settings.repo, sha, where, stackAsked(this.settings)).catch((error: unknown) => {
      if (error instanceof UsageError) return undefined;
      throw error;
    });
    if (!read) return { ...plainDeployment(this.settings), notes: [`no ${where.manifest} at this commit: deployed as without a manifest`] };
    if (read.ok) {
      const deployment = stackDeployment(read.stack, this.settings, (key) => this.valueFor(key));
      // An override file that appears later changes the stack too.
      const names = where.files.length > 0 ? [] : COMPOSE_NAMES;
      return { ...deployment, stack: { ...deployment.stack!, watch: [...new Set([...deployment.stack!.watch, ...names])] } };
    }
    const why = failureLine(read.failure);
    return {
      ...plainDeployment(this.settings),
      key: `refused ${why}`,
      refused: { signature: `${PLATFORM_NAMES.compose} would not deploy it: ${why}`, evidence: [why] },
    };
  }

  /**
   * The contract at `sha` of the service deployed at the bad commit: a commit whose manifest has more
   * services than the bad commit's deploys the same one. One the manifest does not have there (a service
   * renamed since) is chosen as without --service, unless --service named it.
   */
  private async contractAt(sha: string, detected: Detected, service: string | undefined, texts: FileTexts): Promise<ReadResult> {
    const { result } = await readContractAt(this.settings.repo, sha, detected, service, texts);
    if (result.ok || result.failure.kind !== 'no-service' || this.settings.service !== undefined) return result;
    return (await readContractAt(this.settings.repo, sha, detected, undefined, texts)).result;
  }

  /** The run's manifest as found at `sha` (its files may differ there, e.g. the Kubernetes manifests skaffold lists). */
  private async manifestAt(sha: string, chosen: Detected): Promise<Detected | undefined> {
    const found = await detectManifests(this.settings.repo, sha, {
      ...(this.settings.manifest !== undefined ? { manifest: this.settings.manifest } : {}),
      platform: chosen.platform,
    });
    return found.find((d) => d.platform === chosen.platform && d.path === chosen.path) ?? found.find((d) => d.platform === chosen.platform);
  }

  private valueFor(key: string): string {
    let value = this.generated.get(key);
    if (value === undefined) {
      // As Render's generateValue: a random 256-bit value, base64.
      value = randomBytes(32).toString('base64');
      this.generated.set(key, value);
    }
    return value;
  }
}
