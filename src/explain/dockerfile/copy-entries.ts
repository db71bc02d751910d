/**
 * The COPY and ADD instructions of a stage as plain entries: sources, the destination resolved
 * against the WORKDIR in effect, and the flags that change what lands there.
 * Shell form and JSON form; heredoc sources (`COPY <<EOT /etc/x`) carry their content.
 */
import { posix } from 'node:path';

import type { DockerStage } from './model.js';

export interface CopyEntry {
  keyword: 'COPY' | 'ADD';
  line: number;
  sources: string[];
  /** Absolute destination; ends with '/' when it names a directory; one file copied into a directory: its path there. */
  dest: string;
  /** `--from=stage|image`. */
  from?: string;
  /** Other flags (`--chown`, `--chmod`, `--link`…) as `--name=value`, sorted. */
  flags: string[];
  /** Heredoc contents by name, for inline sources. */
  inline: Record<string, string>;
}

export function copyEntries(stage: DockerStage): CopyEntry[] {
  const entries: CopyEntry[] = [];
  for (const ins of stage.instructions) {
    if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
    const words = ins.exec ?? ins.text.split(' ').filter((w) => w !== '');
    if (words.length < 2) continue;
    const sources = words.slice(0, -1).map(normaliseSource);
    const rawDest = words[words.length - 1]!;
    const entry: CopyEntry = {
      keyword: ins.keyword,
      line: ins.line,
      sources,
      dest: resolveDestination(ins.workdir, rawDest, sources),
      flags: ins.flags
        .filter((f) => f.name !== 'from')
        .map((f) => (f.value === null ? `--${f.name}` : `--${f.name}=${f.value}`))
        .sort(),
      inline: Object.fromEntries(ins.heredocs.map((h) => [h.name, h.body])),
    };
    const from = ins.flags.find((f) => f.name === 'from')?.value;
    if (from !== undefined && from !== null) entry.from = from.toLowerCase();
    entries.push(entry);
  }
  return entries;
}

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i;
const INLINE = /^<<-?["']?[A-Za-z_]/;

/** `./x`, `x` and `x/./` name the same source in the build context (or in a `--from` stage). */
function normaliseSource(source: string): string {
  if (REMOTE.test(source) || INLINE.test(source) || source.startsWith('$')) return source;
  const normalised = posix.normalize(source);
  if (normalised === './' || normalised === '.') return '.';
  return normalised.startsWith('./') ? normalised.slice(2) : normalised;
}

/** A source that is surely a directory, or stands for several files: then the destination is a directory, slash or not. */
const directoryLike = (source: string) => source === '.' || source.endsWith('/') || /[*?[]/.test(source);

/** A source that reads as one file (`requirements.txt`, `conf/nginx.conf`): copied into a directory, it lands at dir/<its name>. */
function fileLike(source: string): boolean {
  if (directoryLike(source) || REMOTE.test(source) || INLINE.test(source) || source.startsWith('$')) return false;
  return /^[^.].*\.[A-Za-z0-9]+$/.test(posix.basename(source));
}

/**
 * The destination as Docker resolves it: against the WORKDIR in effect; a directory when it ends
 * with '/' or when the sources are a directory or several files (COPY . /app and COPY . /app/
 * are the same); for one file copied into a directory, the file's own path there.
 */
function resolveDestination(workdir: string, dest: string, sources: readonly string[]): string {
  if (dest.startsWith('$')) return dest;
  const isDirectory =
    dest.endsWith('/') ||
    dest === '.' ||
    dest === '..' ||
    dest.endsWith('/.') ||
    dest.endsWith('/..') ||
    sources.length > 1 ||
    sources.some(directoryLike);
  const resolved = posix.resolve(workdir, dest);
  if (!isDirectory) return resolved;
  const directory = resolved === '/' ? '/' : `${resolved}/`;
  return sources.length === 1 && fileLike(sources[0]!) ? `${directory}${posix.basename(sources[0]!)}` : directory;
}

/** How a source list reads in a summary: "config.yml", "a, b", "/out/app (from stage build)", "inline content". */
export function describeSources(entry: CopyEntry): string {
  const sources = entry.sources.map((s) => (INLINE.test(s) ? 'inline content' : s)).join(', ');
  return entry.from === undefined ? sources : `${sources} (from ${entry.from})`;
}

/** Everything that decides what the entry puts at its destination. */
export function copyIdentity(entry: CopyEntry): string {
  return JSON.stringify([entry.keyword, entry.sources, entry.dest, entry.from ?? null, entry.flags, entry.inline]);
}

/** Everything but the destination: what is copied, from where, and how. */
export function sourceIdentity(entry: CopyEntry): string {
  return JSON.stringify([entry.keyword, entry.sources, entry.from ?? null, entry.flags, entry.inline]);
}
