/**
 * What a commit is (subject, author, date) and what it changed inside the build context.
 * Read-only plumbing with explicit formats, so user configuration (log.showSignature,
 * diff.renames, core.quotePath, i18n.logOutputEncoding) cannot change the output. The metadata
 * comes through simple-git (git-porcelain.ts); the changed files through the spawn layer, as
 * exact bytes (a path need not be UTF-8).
 */
import { UsageError } from '../errors.js';
import { checkRevision } from './diff-stat.js';
import { gitOutput } from './git-exec.js';
import { porcelainOutput } from './git-porcelain.js';
import { decodeGitText, displayPath, encodeGitPath, needsEscaping } from './path-bytes.js';
import { normalizeRepoPath } from './repo-path.js';

export interface CommitInfo {
  sha: string;
  shortSha: string;
  subject: string;
  author: string;
  authorEmail: string;
  /** Author date, strict ISO 8601 with the author's UTC offset. */
  date: string;
}

/** A: added, M: modified, D: deleted, R: renamed, C: copied, T: type changed (file ↔ symlink ↔ submodule). */
export type ChangeStatus = 'A' | 'M' | 'D' | 'R' | 'C' | 'T' | 'U' | 'X';

export interface ChangedFile {
  /**
   * Path relative to the repository root (the new path for a rename), printable: a name that is
   * not UTF-8 or holds control characters is escaped (`caf\xe9.txt`) and its bytes are in pathBase64.
   */
  path: string;
  status: ChangeStatus;
  /** The path before a rename or copy. */
  oldPath?: string;
  /** The exact bytes of the path, base64, when `path` had to be escaped. */
  pathBase64?: string;
  /** The exact bytes of oldPath, base64, when it had to be escaped. */
  oldPathBase64?: string;
}

const FIELDS = ['%H', '%h', '%an', '%ae', '%aI', '%s'];

/** Info for one commit. */
export async function getCommitInfo(repoDir: string, sha: string): Promise<CommitInfo> {
  const [info] = await getCommitInfos(repoDir, [sha]);
  if (!info) throw new UsageError(`unknown commit '${sha}' in ${repoDir}`);
  return info;
}

/** Info for many commits in one `git log --no-walk --stdin`, in the order asked. */
export async function getCommitInfos(repoDir: string, shas: readonly string[]): Promise<CommitInfo[]> {
  if (shas.length === 0) return [];
  for (const sha of shas) checkRevision(sha);
  const args = [
    'log',
    '--no-walk=unsorted',
    '--no-show-signature',
    '--no-color',
    '--encoding=UTF-8',
    `--format=tformat:${FIELDS.join('%x00')}%x00`,
    '--stdin',
  ];
  const out = await porcelainOutput(repoDir, 'log', (git) => git.raw(args), { input: shas.map((s) => `${s}\n`).join('') });
  const fields = out.split('\0');
  const bySha = new Map<string, CommitInfo>();
  for (let i = 0; i + FIELDS.length <= fields.length; i += FIELDS.length) {
    const [sha, shortSha, author, authorEmail, date, subject] = fields.slice(i, i + FIELDS.length).map((f) => f ?? '');
    // every record after the first starts with the newline that ends the previous one
    const full = (sha ?? '').replace(/^\n/, '');
    if (!full) continue;
    bySha.set(full, {
      sha: full,
      shortSha: shortSha ?? '',
      subject: subject ?? '',
      author: author ?? '',
      authorEmail: authorEmail ?? '',
      date: date ?? '',
    });
  }
  const infos = [...bySha.values()];
  return shas.map((asked) => {
    const info = bySha.get(asked) ?? infos.find((candidate) => candidate.sha.startsWith(asked));
    if (!info) throw new UsageError(`unknown commit '${asked}' in ${repoDir}`);
    return info;
  });
}

/**
 * Files a commit changed relative to `parentSha` (its first parent; undefined for a root
 * commit), limited to `contextDir` (relative to the repository root, '.' for all).
 * Renames are detected (-M) among paths inside the context.
 */
export async function changedFiles(repoDir: string, parentSha: string | undefined, sha: string, contextDir = '.'): Promise<ChangedFile[]> {
  checkRevision(sha);
  if (parentSha !== undefined) checkRevision(parentSha);
  const dir = normalizeRepoPath(contextDir, 'context directory');
  const args = ['diff-tree', '-r', '-z', '-M', '--no-commit-id', '--no-textconv'];
  args.push(...(parentSha === undefined ? ['--root', sha] : [parentSha, sha]));
  args.push('--');
  if (dir !== '') args.push(`:(top,literal)${dir}`);
  return parseRawDiff(decodeGitText(await gitOutput(repoDir, args))).map(printableChange);
}

/** The change with printable paths, and their exact bytes when they had to be escaped. */
function printableChange(change: ChangedFile): ChangedFile {
  const out: ChangedFile = { ...change, path: displayPath(change.path) };
  if (needsEscaping(change.path)) out.pathBase64 = encodeGitPath(change.path).toString('base64');
  if (change.oldPath !== undefined) {
    out.oldPath = displayPath(change.oldPath);
    if (needsEscaping(change.oldPath)) out.oldPathBase64 = encodeGitPath(change.oldPath).toString('base64');
  }
  return out;
}

/** Parses `git diff-tree -r -z` raw output: ":<modes> <oids> <status>\0<path>\0[<path>\0]". */
export function parseRawDiff(out: string): ChangedFile[] {
  const parts = out.split('\0');
  const changes: ChangedFile[] = [];
  let i = 0;
  while (i < parts.length) {
    const meta = parts[i++] ?? '';
    if (!meta.startsWith(':')) continue;
    const letter = (meta.split(' ')[4] ?? '').charAt(0) as ChangeStatus;
    if (letter === 'R' || letter === 'C') {
      const oldPath = parts[i++] ?? '';
      const path = parts[i++] ?? '';
      changes.push({ path, status: letter, oldPath });
    } else {
      changes.push({ path: parts[i++] ?? '', status: letter });
    }
  }
  return changes;
}
