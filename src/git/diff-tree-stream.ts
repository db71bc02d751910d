/**
 * What each of many commits changed against one chosen parent, from ONE
 * `git diff-tree --stdin` process: "<commit> <parent>" lines go in, raw diff records come
 * out, commit by commit in input order. Tree entries are included (`-t`), so a directory
 * that appears or disappears is reported as its own record. Read-only plumbing.
 */
import { GitError } from '../errors.js';
import { firstLine, spawnGit } from './git-exec.js';

export interface RawChange {
  /** Octal git modes as printed: '000000' (absent), '040000' (tree), '100644', '100755', '120000', '160000'. */
  oldMode: string;
  newMode: string;
  newOid: string;
  /** A, D, M, T (type change), … (no renames: --no-renames). */
  status: string;
  path: string;
}

export interface CommitDiff {
  commit: string;
  changes: RawChange[];
}

const HEADER = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const TREE_MODIFIED = Buffer.from(':040000 040000 ');

/**
 * Diffs every `[commit, parent]` pair, yielding one CommitDiff per pair in the same order.
 * Memory stays bounded: git's output is consumed as it is produced. A directory whose content
 * changed (tree → tree, 'M') is left out: its changed entries are reported on their own.
 */
export async function* diffTreeStream(repoDir: string, pairs: readonly (readonly [string, string])[]): AsyncGenerator<CommitDiff> {
  if (pairs.length === 0) return;
  const args = ['diff-tree', '--stdin', '-r', '-t', '--raw', '-z', '--no-renames', '--always', '--ignore-submodules=none', '--no-ext-diff'];
  const child = spawnGit(repoDir, args);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number>((resolve) => {
    child.on('close', (code) => resolve(code ?? -1));
    child.on('error', () => resolve(-1));
  });
  child.stdin.on('error', () => {
    /* git went away; the exit code and stderr say why */
  });
  // Feed in slices so a huge range never sits in memory twice; stdout is read meanwhile.
  void (async () => {
    const slice = 4096;
    for (let i = 0; i < pairs.length; i += slice) {
      const text = pairs
        .slice(i, i + slice)
        .map(([commit, parent]) => `${commit} ${parent}\n`)
        .join('');
      if (!child.stdin.write(text)) await new Promise((resolve) => child.stdin.once('drain', resolve));
      if (child.stdin.destroyed) return;
    }
    child.stdin.end();
  })();

  let next = 0; // index of the pair whose header is expected next
  let current: CommitDiff | undefined;
  let pendingMeta: string | undefined; // a ":<modes> <oids> <status>" token waiting for its path
  let skipPath = false; // the path of a record left out
  let rest: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      const data = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
      let start = 0;
      for (let nul = data.indexOf(0, start); nul >= 0; nul = data.indexOf(0, start)) {
        const from = start;
        start = nul + 1;
        if (skipPath) {
          skipPath = false;
          continue;
        }
        if (pendingMeta !== undefined) {
          current?.changes.push(parseRecord(pendingMeta, data.toString('utf8', from, nul)));
          pendingMeta = undefined;
          continue;
        }
        if (data[from] === 0x3a /* ':' */) {
          if (data.compare(TREE_MODIFIED, 0, TREE_MODIFIED.length, from, from + TREE_MODIFIED.length) === 0) skipPath = true;
          else pendingMeta = data.toString('latin1', from, nul);
          continue;
        }
        const token = data.toString('latin1', from, nul);
        if (HEADER.test(token)) {
          if (current) yield current;
          const expected = pairs[next]?.[0];
          if (token !== expected) throw new GitError(`git diff-tree answered for ${token}, expected ${expected ?? 'nothing'}`);
          next++;
          current = { commit: token, changes: [] };
        } else {
          throw new GitError(`unexpected output from git diff-tree: ${JSON.stringify(token.slice(0, 200))}`);
        }
      }
      rest = start < data.length ? Buffer.from(data.subarray(start)) : Buffer.alloc(0);
    }
    if (current) yield current;
    const code = await exited;
    if (code !== 0) throw new GitError(`git diff-tree failed (exit ${code}): ${firstLine(stderr) || 'no message'}`);
    if (next !== pairs.length) {
      throw new GitError(`git diff-tree answered for ${next} of ${pairs.length} commits: ${firstLine(stderr) || 'no message'}`);
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

function parseRecord(meta: string, path: string): RawChange {
  // ":100644 100644 <old oid> <new oid> M"
  const fields = meta.slice(1).split(' ');
  if (fields.length < 5) throw new GitError(`unexpected record from git diff-tree: ${JSON.stringify(meta)}`);
  return { oldMode: fields[0] ?? '', newMode: fields[1] ?? '', newOid: fields[3] ?? '', status: fields[4] ?? '', path };
}
