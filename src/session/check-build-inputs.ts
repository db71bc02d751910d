/**
 * Before any engine work: the ends of what is asked (a search's good and bad commits, the commit
 * `test` builds, `narrow`'s commit and its parent) have the Dockerfile and the build context the
 * options name. A missing one is the configuration's fault, never a verdict about a commit: one
 * line, exit 2.
 */
import { UsageError } from '../errors.js';
import { buildInputsAt } from '../git/build-inputs.js';
import type { Settings } from '../options/settings.js';
import { shortSha } from '../text/short-sha.js';

export interface End {
  /** How the end is named in the message: `the good commit`, `the commit`, … */
  role: string;
  sha: string;
}

export async function checkBuildInputs(s: Pick<Settings, 'repo' | 'context' | 'file'>, ends: readonly End[]): Promise<void> {
  const found = await buildInputsAt(
    s.repo,
    ends.map((e) => e.sha),
    s.context,
    s.file,
  );
  const lacking = (what: 'context' | 'dockerfile') => ends.filter((e) => !found.get(e.sha)?.[what]);
  const named = (list: readonly End[]) =>
    list.length === ends.length && ends.length > 1
      ? `either end (${list.map((e) => `${e.role.replace(/^the /, '')} ${shortSha(e.sha)}`).join(', ')})`
      : list.map((e) => `${e.role} ${shortSha(e.sha)}`).join(' or ');
  const noContext = lacking('context');
  if (noContext.length > 0) {
    throw new UsageError(`no build context directory '${s.context}' in ${named(noContext)}: --context is relative to the repository root`);
  }
  const noDockerfile = lacking('dockerfile');
  if (noDockerfile.length > 0) {
    throw new UsageError(
      `no Dockerfile at '${s.file}' in ${named(noDockerfile)}: -f/--file is relative to the build context ('${s.context}'); \`deploybisect explain\` shows what each end has`,
    );
  }
}
