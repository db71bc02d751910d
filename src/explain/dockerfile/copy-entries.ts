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
  /** Absolute destination; ends with '/' when it names a directory. */
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
    const sources = words.slice(0, -1);
    const rawDest = words[words.length - 1]!;
    const entry: CopyEntry = {
      keyword: ins.keyword,
      line: ins.line,
      sources,
      dest: resolveDestination(ins.workdir, rawDest),
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

function resolveDestination(workdir: string, dest: string): string {
  if (dest.startsWith('$')) return dest;
  const isDirectory = dest.endsWith('/') || dest === '.' || dest === '..' || dest.endsWith('/.') || dest.endsWith('/..');
  const resolved = posix.resolve(workdir, dest);
  return isDirectory && resolved !== '/' ? `${resolved}/` : resolved;
}

/** How a source list reads in a summary: "config.yml", "a, b", "/out/app (from stage build)", "inline content". */
export function describeSources(entry: CopyEntry): string {
  const sources = entry.sources.map((s) => (/^<<-?["']?[A-Za-z_]/.test(s) ? 'inline content' : s)).join(', ');
  return entry.from === undefined ? sources : `${sources} (from ${entry.from})`;
}

/** Everything that decides what the entry puts at its destination. */
export function copyIdentity(entry: CopyEntry): string {
  return JSON.stringify([entry.keyword, entry.sources, entry.dest, entry.from ?? null, entry.flags, entry.inline]);
}
