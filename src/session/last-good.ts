/**
 * The last known good commit of `deploybisect nightly`: kept where CI can keep it between runs,
 * either a file (`--last-good-file`, e.g. in a cached directory) or the git ref
 * `refs/deploybisect/last-good` (deploybisect's own namespace; a job may push it). Only `nightly`
 * writes it, and only after the commit it names was healthy.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { UsageError } from '../errors.js';
import { peelToCommit, updateRef } from '../git/refs.js';

export const LAST_GOOD_REF = 'refs/deploybisect/last-good';

/** The last known good commit, as recorded: a file's first word, or the ref's target; undefined when none is. */
export async function readLastGood(repoDir: string, file?: string): Promise<string | undefined> {
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new UsageError(`cannot read --last-good-file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const sha = text.trim().split(/\s+/)[0] ?? '';
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha))
      throw new UsageError(`--last-good-file ${file} does not hold a commit id (expected 40 hex digits on its first line)`);
    return sha;
  }
  return peelToCommit(repoDir, LAST_GOOD_REF);
}

/** Records `sha` as the last known good; returns where it went, for the message. */
export async function writeLastGood(repoDir: string, sha: string, file?: string): Promise<string> {
  if (file !== undefined) {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${sha}\n`);
    renameSync(temporary, file);
    return file;
  }
  await updateRef(repoDir, LAST_GOOD_REF, sha, 'deploybisect nightly: healthy');
  return LAST_GOOD_REF;
}
