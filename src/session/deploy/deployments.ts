/**
 * Each commit's deployment, worked out once per run: without a manifest, the options; with one, the
 * manifest at that commit (the same platform, found again there), read as its platform would read it. A
 * commit whose manifest does not parse is refused, as the platform would refuse it; one without the
 * manifest is deployed as without one, and says so.
 */
import { randomBytes } from 'node:crypto';

import { detectManifests } from '../../contract/at-commit/detect-manifests.js';
import { readContractAt } from '../../contract/at-commit/read-at-commit.js';
import { readStackAt, type StackWhere } from '../../contract/at-commit/read-stack-at.js';
import type { Detected } from '../../contract/detect/choose.js';
import { failureLine } from '../../contract/source/problem.js';
import type { Settings } from '../../options/settings.js';
import { UsageError } from '../../errors.js';
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

  private async resolve(sha: string): Promise<Deployment> {
    const plan = this.plan;
    if (plan.kind === 'none') return plainDeployment(this.settings);
    if (plan.stack) return this.stackAt(sha, plan.stack);
    const detected = await this.manifestAt(sha, plan.detected);
    if (!detected) {
      return { ...plainDeployment(this.settings), notes: [`no ${plan.detected.path} at this commit: deployed as without a manifest`] };
    }
    const { result } = await readContractAt(this.settings.repo, sha, detected, this.settings.service);
    if (result.ok) return contractDeployment(result.contract, this.settings, (key) => this.valueFor(key));
    const why = failureLine(result.failure);
    return {
      ...plainDeployment(this.settings),
      key: `refused ${why}`,
      refused: { signature: `${detected.platform} would not deploy it: ${why}`, evidence: [why] },
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
      refused: { signature: `compose would not deploy it: ${why}`, evidence: [why] },
    };
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
