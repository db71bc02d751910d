/**
 * Unified diffs of chosen files between two commits, from `git diff-tree -p` (plumbing,
 * explicit prefixes and options, so diff.noprefix, diff.external, textconv or colour
 * settings cannot change the text). Read-only.
 *
 * git's output is read as it arrives and each patch is kept only up to `maxBytes`: a file
 * whose patch is larger (a 200 MB line, say) costs bounded memory, not the size of its patch.
 */
import { GitError } from '../errors.js';
import { BIG_FILE_BYTES, checkRevision, STABLE_DIFF_OPTIONS } from './diff-stat.js';
import { firstLine, streamGit } from './git-exec.js';
import { decodeGitPath, hasRawBytes } from './path-bytes.js';

export interface PatchTarget {
  /** Repository-relative path at `after` (the new path of a rename). */
  path: string;
  /** Repository-relative path at `before`, for a rename. */
  oldPath?: string;
}

export interface FilePatchesOptions {
  /** A patch longer than this (bytes, headers included) is not kept: it maps to null. Default: no limit. */
  maxBytes?: number;
  /** Binary files as `git apply` can apply them (`--binary`), instead of "Binary files differ". */
  binary?: boolean;
}

/** How many paths go on one command line. */
const PATHS_PER_CALL = 200;

/** A line of git's output starting with 'd' longer than this is content, not a header. */
const MAX_HEADER_LINE = 64 * 1024;

/**
 * The patch of each target (keyed by `path`), headers included; null for a patch over
 * `maxBytes`. A target whose patch cannot be told apart reliably (a path git would quote, or
 * one that appears twice, as for a type change) is left out of the map. A name that is not
 * UTF-8 is not quoted (core.quotePath=false): its patch is found.
 */
export async function filePatches(
  repoDir: string,
  before: string,
  after: string,
  targets: readonly PatchTarget[],
  options: FilePatchesOptions = {},
): Promise<Map<string, string | null>> {
  checkRevision(before);
  checkRevision(after);
  const patches = new Map<string, string | null>();
  const usable = targets.filter((t) => !needsQuoting(t.path) && (t.oldPath === undefined || !needsQuoting(t.oldPath)));
  for (let start = 0; start < usable.length; start += PATHS_PER_CALL) {
    const chunk = usable.slice(start, start + PATHS_PER_CALL);
    const byHeader = new Map(chunk.map((t) => [`diff --git a/${t.oldPath ?? t.path} b/${t.path}`, t.path]));
    const pathspecs = [...new Set(chunk.flatMap((t) => (t.oldPath === undefined ? [t.path] : [t.oldPath, t.path])))];
    const args = [
      '-c',
      'core.quotePath=false',
      '-c',
      `core.bigFileThreshold=${BIG_FILE_BYTES}`,
      'diff-tree',
      '-r',
      '-p',
      '-M',
      '-U3',
      ...(options.binary ? ['--binary'] : []),
      '--src-prefix=a/',
      '--dst-prefix=b/',
      ...STABLE_DIFF_OPTIONS,
      before,
      after,
      '--',
      ...pathspecs.map(pathspec),
    ];
    const seen = new Set<string>();
    const splitter = new PatchSplitter(options.maxBytes ?? Number.POSITIVE_INFINITY, (header, patch) => {
      const path = byHeader.get(header);
      if (path === undefined) return; // another file matched by a glob pathspec
      // A path seen twice (e.g. a type change is a deletion plus an addition) is ambiguous: drop it.
      if (seen.has(path)) patches.delete(path);
      else patches.set(path, patch);
      seen.add(path);
    });
    const result = await streamGit(repoDir, args, (data) => splitter.push(data), { bufferedOutput: true });
    if (result.code !== 0) throw new GitError(`git diff-tree failed (exit ${result.code}): ${firstLine(result.stderr) || 'no message'}`);
    splitter.end();
  }
  return patches;
}

/**
 * A pathspec naming exactly `path` (and, for a name that is not UTF-8, maybe a few more that
 * the header check then leaves out): command-line arguments are UTF-8, so such a name is
 * given as a glob with `?` for each byte that is not.
 */
function pathspec(path: string): string {
  if (!hasRawBytes(path)) return `:(top,literal)${path}`;
  let glob = '';
  for (const ch of path) {
    const unit = ch.charCodeAt(0);
    if (ch.length === 1 && unit >= 0xdc80 && unit <= 0xdcff) glob += '?';
    else glob += /[*?[\\]/.test(ch) ? `\\${ch}` : ch;
  }
  return `:(top,glob)${glob}`;
}

/** Paths git C-quotes in patch headers even with core.quotePath=false. */
function needsQuoting(path: string): boolean {
  return /["\\\x00-\x1f\x7f]/.test(path);
}

/**
 * Cuts streamed patch output at its "diff --git " lines (content lines never start with 'd';
 * of git's header lines only "deleted file mode" does) and hands each patch on, or null when
 * it grew past maxBytes (its bytes are dropped as they arrive).
 */
export class PatchSplitter {
  private current: { header: string; parts: Buffer[]; bytes: number; overflow: boolean } | undefined;
  private atLineStart = true;
  /** The pieces of a line starting with 'd', held until its end tells whether it is a header. */
  private held: Buffer[] | undefined;
  private heldBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onPatch: (header: string, patch: string | null) => void,
  ) {}

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.atLineStart) {
        this.atLineStart = false;
        if (chunk[pos] === 0x64 /* 'd' */) {
          this.held = [];
          this.heldBytes = 0;
        }
      }
      const newline = chunk.indexOf(0x0a, pos);
      const end = newline < 0 ? chunk.length : newline + 1;
      const piece = chunk.subarray(pos, end);
      if (this.held) {
        this.held.push(Buffer.from(piece));
        this.heldBytes += piece.length;
        if (newline >= 0) this.line(this.takeHeld());
        else if (this.heldBytes > MAX_HEADER_LINE) this.content(this.takeHeld());
      } else {
        this.content(piece);
      }
      if (newline >= 0) this.atLineStart = true;
      pos = end;
    }
  }

  end(): void {
    if (this.held) this.line(this.takeHeld());
    this.finish();
  }

  private takeHeld(): Buffer {
    const line = Buffer.concat(this.held ?? []);
    this.held = undefined;
    this.heldBytes = 0;
    return line;
  }

  private line(line: Buffer): void {
    if (line.subarray(0, 11).toString('latin1') !== 'diff --git ') {
      this.content(line);
      return;
    }
    this.finish();
    const text = line[line.length - 1] === 0x0a ? line.subarray(0, line.length - 1) : line;
    this.current = { header: decodeGitPath(text), parts: [], bytes: 0, overflow: false };
    this.content(line);
  }

  private content(piece: Buffer): void {
    const current = this.current;
    if (!current || current.overflow) return;
    if (current.bytes + piece.length > this.maxBytes) {
      current.overflow = true;
      current.parts = [];
      return;
    }
    current.parts.push(Buffer.from(piece));
    current.bytes += piece.length;
  }

  private finish(): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    this.onPatch(current.header, current.overflow ? null : decodeGitPath(Buffer.concat(current.parts, current.bytes)));
  }
}
