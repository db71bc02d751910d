/**
 * What many object names (`<rev>:<path>`, oids) name, without reading any content: one
 * `git cat-file --batch-check`. Read-only plumbing.
 */
import { porcelainOutput } from './git-porcelain.js';

export interface ObjectId {
  oid: string;
  type: string;
  size: number;
}

/** name → its object, for the names that exist (a name holding a newline cannot be asked and is left out). */
export async function objectIds(repoDir: string, names: readonly string[]): Promise<Map<string, ObjectId>> {
  const out = new Map<string, ObjectId>();
  const asked = [...new Set(names)].filter((name) => !/[\n\r\0]/.test(name));
  if (asked.length === 0) return out;
  const stdout = await porcelainOutput(
    repoDir,
    'cat-file',
    (git) => git.raw(['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)']),
    {
      input: asked.map((name) => `${name}\n`).join(''),
    },
  );
  // One answer line per name, in order: "<oid> <type> <size>", or "<name> missing" / "<name> ambiguous".
  stdout.split('\n').forEach((line, i) => {
    const found = /^([0-9a-f]{40}|[0-9a-f]{64}) (\S+) (\d+)$/.exec(line);
    const name = asked[i];
    if (found && name !== undefined) out.set(name, { oid: found[1]!, type: found[2]!, size: Number(found[3]) });
  });
  return out;
}
