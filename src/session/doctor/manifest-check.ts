/**
 * `doctor`: the platform manifests in the repository's HEAD, what each says (its contract in one line,
 * or why it cannot be read), and which one a run would deploy by.
 */
import { detectManifests } from '../../contract/at-commit/detect-manifests.js';
import { readContractAt } from '../../contract/at-commit/read-at-commit.js';
import type { Platform } from '../../contract/contract.js';
import { describeContract } from '../../contract/describe.js';
import { chooseManifest } from '../../contract/detect/choose.js';
import { failureLine } from '../../contract/source/problem.js';
import type { Settings } from '../../options/settings.js';

export interface ManifestCheck {
  path: string;
  platform: Platform;
  /** The contract in one line, or why it cannot be read. */
  says: string;
  /** The one a run would deploy by (with the same --platform, --manifest). */
  used: boolean;
}

export async function checkManifests(
  s: Pick<Settings, 'repo' | 'platform'> & { manifest?: string | undefined; service?: string | undefined },
): Promise<ManifestCheck[]> {
  const options = { ...(s.manifest !== undefined ? { manifest: s.manifest } : {}) };
  const found = await detectManifests(s.repo, 'HEAD', options).catch(() => []);
  const choice = found.length > 0 ? safely(() => chooseManifest(found, { platform: s.platform, ...options })) : undefined;
  const used = choice?.kind === 'use' ? choice.used : undefined;
  return Promise.all(
    found.map(async (d) => {
      const says = await readContractAt(s.repo, 'HEAD', d, s.service).then(
        ({ result }) => (result.ok ? describeContract(result.contract) : failureLine(result.failure)),
        (error: Error) => error.message,
      );
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
