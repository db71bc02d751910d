/**
 * Turning the user's good/bad refs into full commit ids, with one-line errors for every way
 * the input can be wrong. Refs are resolved with `git cat-file --batch-check` (names are
 * read from stdin, so a ref can never be taken for an option) and peeled with `^{commit}`,
 * so annotated tags work and trees/blobs are refused. Also the repository's own facts: is it
 * one, is it shallow, where its git directory and work tree are. All through simple-git
 * (git-porcelain.ts).
 */
import { UsageError } from '../errors.js';
import { shortSha } from '../text/short-sha.js';
import { firstLine, gitFailure } from './git-exec.js';
import { porcelainOutput, runPorcelain } from './git-porcelain.js';

export interface ResolvedRange {
  good: string;
  bad: string;
}

/** Resolves good and bad to full commit ids and checks that good is an ancestor of bad. */
export async function resolveRange(repoDir: string, good: string, bad: string): Promise<ResolvedRange> {
  checkRefSyntax(good, 'good');
  checkRefSyntax(bad, 'bad');
  await assertRepository(repoDir);
  const [goodSha, badSha] = await resolveCommits(repoDir, [good, bad]).catch(async (error: unknown) => {
    throw await withShallowHint(repoDir, error);
  });
  if (goodSha === undefined || badSha === undefined) throw new Error('unreachable: resolveCommits lost a ref');
  if (goodSha === badSha) {
    throw new UsageError(`good '${good}' and bad '${bad}' are the same commit (${shortSha(goodSha)})`);
  }
  if (!(await isAncestor(repoDir, goodSha, badSha))) {
    if (await isAncestor(repoDir, badSha, goodSha)) {
      throw new UsageError(
        `good '${good}' (${shortSha(goodSha)}) is a descendant of bad '${bad}' (${shortSha(badSha)}): are good and bad swapped?`,
      );
    }
    throw await withShallowHint(
      repoDir,
      new UsageError(`good '${good}' (${shortSha(goodSha)}) is not an ancestor of bad '${bad}' (${shortSha(badSha)})`),
    );
  }
  return { good: goodSha, bad: badSha };
}

/**
 * In a shallow clone, a commit outside the fetched history looks unknown (or unrelated): say so,
 * and how to fetch the rest. Other errors pass through.
 */
async function withShallowHint(repoDir: string, error: unknown): Promise<unknown> {
  if (!(error instanceof UsageError)) return error;
  const shallow = await runPorcelain(repoDir, (git) => git.revparse(['--is-shallow-repository']));
  if (shallow.code !== 0 || shallow.stdout.trim() !== 'true') return error;
  return new UsageError(
    `${error.message}; the repository is a shallow clone, so the range may reach beyond its history: run git fetch --unshallow (or fetch with more --depth)`,
  );
}

/** Resolves one ref (branch, tag, sha, `HEAD~3`, …) to a full commit id. */
export async function resolveCommit(repoDir: string, ref: string): Promise<string> {
  checkRefSyntax(ref, 'commit');
  await assertRepository(repoDir);
  const [sha] = await resolveCommits(repoDir, [ref]);
  if (sha === undefined) throw new Error('unreachable: resolveCommits lost a ref');
  return sha;
}

/** Throws a UsageError unless repoDir is inside a git repository (bare or not). */
export async function assertRepository(repoDir: string): Promise<void> {
  const result = await runPorcelain(repoDir, (git) => git.revparse(['--git-dir']));
  if (result.code !== 0) {
    const reason = firstLine(result.stderr);
    const detail = reason && !/not a git repository/i.test(reason) ? ` (${reason})` : '';
    throw new UsageError(`not a git repository: ${repoDir}${detail}`);
  }
}

/** Is `ancestor` reachable from `descendant` (or equal to it)? Both must be commit ids. */
export async function isAncestor(repoDir: string, ancestor: string, descendant: string): Promise<boolean> {
  const args = ['merge-base', '--is-ancestor', ancestor, descendant];
  const result = await runPorcelain(repoDir, (git) => git.raw(args));
  if (result.code === 0) return true;
  if (result.code === 1) return false;
  throw gitFailure(args, result);
}

/** The absolute path of the repository's git directory (`rev-parse --absolute-git-dir`). */
export async function absoluteGitDir(repoDir: string): Promise<string> {
  return (await porcelainOutput(repoDir, 'rev-parse', (git) => git.revparse(['--absolute-git-dir']))).trim();
}

/** The top of the work tree (`rev-parse --show-toplevel`); a GitError in a bare repository. */
export async function workTreeTop(repoDir: string): Promise<string> {
  return (await porcelainOutput(repoDir, 'rev-parse', (git) => git.revparse(['--show-toplevel']))).trim();
}

/** The commit `ref` peels to (`rev-parse --verify --quiet <ref>^{commit}`), undefined when it names none. */
export async function peelToCommit(repoDir: string, ref: string): Promise<string | undefined> {
  checkRefSyntax(ref, 'commit');
  const result = await runPorcelain(repoDir, (git) => git.revparse(['--verify', '--quiet', `${ref}^{commit}`]));
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/** Points `ref` at `sha` (`update-ref -m <message>`): the one write deploybisect makes to the user's repository, in its own namespace. */
export async function updateRef(repoDir: string, ref: string, sha: string, message: string): Promise<void> {
  checkRefSyntax(ref, 'ref');
  checkRefSyntax(sha, 'commit');
  await porcelainOutput(repoDir, 'update-ref', (git) => git.raw(['update-ref', '-m', message, ref, sha]));
}

function checkRefSyntax(ref: string, role: string): void {
  if (ref.trim() === '') throw new UsageError(`the ${role} ref is empty`);
  if (ref.startsWith('-')) throw new UsageError(`invalid ${role} ref '${ref}': a ref cannot start with '-'`);
  if (/[\0\r\n]/.test(ref)) throw new UsageError(`invalid ${role} ref ${JSON.stringify(ref)}: contains a control character`);
}

/**
 * One `cat-file --batch-check` for all refs: each ref is asked twice, as itself (does it
 * name anything?) and peeled to a commit (is it a commit?), so the error can say which.
 */
async function resolveCommits(repoDir: string, refs: string[]): Promise<string[]> {
  const queries = refs.flatMap((ref) => [ref, `${ref}^{commit}`]);
  const args = ['cat-file', '--batch-check=%(objectname) %(objecttype)'];
  const result = await runPorcelain(repoDir, (git) => git.raw(args), { input: queries.map((q) => `${q}\n`).join('') });
  if (result.code !== 0) throw gitFailure(args, result);
  const lines = result.stdout.split('\n');
  return refs.map((ref, i) => {
    const plain = parseCheck(lines[2 * i] ?? '', queries[2 * i] ?? ref);
    const peeled = parseCheck(lines[2 * i + 1] ?? '', queries[2 * i + 1] ?? ref);
    if (plain.kind === 'ambiguous') {
      throw new UsageError(`ambiguous revision '${ref}' (several objects in ${repoDir} match; use more hex digits)`);
    }
    if (plain.kind === 'missing') throw new UsageError(`unknown revision '${ref}' (not a commit in ${repoDir})`);
    if (peeled.kind !== 'found' || peeled.type !== 'commit') {
      const what = plain.type === 'tag' ? 'a tag that does not point to a commit' : `a ${plain.type}`;
      throw new UsageError(`revision '${ref}' names ${what}, not a commit`);
    }
    return peeled.oid;
  });
}

type Check = { kind: 'found'; oid: string; type: string } | { kind: 'missing' | 'ambiguous'; oid: ''; type: '' };

function parseCheck(line: string, query: string): Check {
  // Unknown names come back as "<query> missing" / "<query> ambiguous".
  if (line === `${query} missing` || line === '') return { kind: 'missing', oid: '', type: '' };
  if (line === `${query} ambiguous`) return { kind: 'ambiguous', oid: '', type: '' };
  const match = /^([0-9a-f]{40}|[0-9a-f]{64}) (\w+)$/.exec(line);
  if (!match) return { kind: 'missing', oid: '', type: '' };
  return { kind: 'found', oid: match[1] ?? '', type: match[2] ?? '' };
}
