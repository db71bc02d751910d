/**
 * `doctor`: the platform manifests in the repository's HEAD, what each says (its contract in one line,
 * or why it cannot be read; a compose file of several services, its stack), and which one a run would
 * deploy by.
 */
import { detectManifests } from '../../contract/at-commit/detect-manifests.js';
import { readContractAt } from '../../contract/at-commit/read-at-commit.js';
import { activeServices, readStackAt } from '../../contract/at-commit/read-stack-at.js';
import type { Platform } from '../../contract/contract.js';
import { describeContract } from '../../contract/describe.js';
import { chooseManifest, type Detected } from '../../contract/detect/choose.js';
import { failureLine } from '../../contract/source/problem.js';
import type { NetworkMode } from '../../docker/run-container.js';
import type { Settings } from '../../options/settings.js';
import { stackLine } from '../deploy/stack-deployment.js';

export interface ManifestCheck {
  path: string;
  platform: Platform;
  /** The contract in one line, or why it cannot be read. */
  says: string;
  /** The one a run would deploy by (with the same --platform, --manifest). */
  used: boolean;
}

type CheckSettings = Pick<Settings, 'repo' | 'platform'> & {
  manifest?: string | undefined;
  service?: string | undefined;
  network?: Settings['network'];
  profile?: readonly string[];
};

export async function checkManifests(s: CheckSettings): Promise<ManifestCheck[]> {
  const options = { ...(s.manifest !== undefined ? { manifest: s.manifest } : {}) };
  const found = await detectManifests(s.repo, 'HEAD', options).catch(() => []);
  const choice = found.length > 0 ? safely(() => chooseManifest(found, { platform: s.platform, ...options })) : undefined;
  const used = choice?.kind === 'use' ? choice.used : undefined;
  return Promise.all(
    found.map(async (d) => {
      const says = await saysOf(s, d).catch((error: Error) => error.message);
      return { path: d.path, platform: d.platform, says, used: d === used };
    }),
  );
}

function safely<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch {
    return undefined;
  }
}

/** What a manifest says: its contract in one line, or a compose file's whole stack when it has several services. */
async function saysOf(s: CheckSettings, d: Detected): Promise<string> {
  if (d.platform === 'compose') {
    const where = { manifest: d.path, files: s.manifest !== undefined ? [d.path] : [] };
    if ((await activeServices(s.repo, 'HEAD', where, s.profile ?? [])).length > 1) {
      const read = await readStackAt(s.repo, 'HEAD', where, { ...(s.service !== undefined ? { service: s.service } : {}) });
      return read.ok ? stackLine(read.stack, (s.network ?? 'bridge') as NetworkMode) : failureLine(read.failure);
    }
  }
  const { result } = await readContractAt(s.repo, 'HEAD', d, s.service);
  return result.ok ? describeContract(result.contract) : failureLine(result.failure);
}
