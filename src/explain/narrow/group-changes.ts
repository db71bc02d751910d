/**
 * Parts of a commit's change that only make sense together become one change before narrowing,
 * so fewer tests end unresolved (a COPY of a file that is not there fails the build):
 * - a COPY or ADD the commit adds or changes goes with the files the commit adds (or renames to)
 *   that it copies: its source is the file, or a directory or glob holding it;
 * - a COPY or ADD the commit removes or changes goes with the files the commit deletes (or renames
 *   away) that the parent's instruction copied.
 * An instruction split across continuation lines is one part already (instruction-changes.ts).
 * `COPY --from` copies from a stage or image, not the context: never grouped. Pure.
 */
import { isWithin } from '../../text/path-within.js';
import { copyEntries, type CopyEntry } from '../dockerfile/copy-entries.js';
import type { InstructionSpan } from '../dockerfile/instruction-changes.js';
import { parseDockerfile } from '../dockerfile/model.js';
import type { Change, ChangePart, EditPart } from './change-set.js';

/** The Dockerfile's text in the parent and in the commit. */
export interface DockerfileTexts {
  before: string;
  after: string;
}

/** The parts in groups, numbered from 1 in the order of their first part. */
export function groupChanges(parts: readonly ChangePart[], dockerfiles: DockerfileTexts): Change[] {
  const beforeCopies = copiesByLine(dockerfiles.before);
  const afterCopies = copiesByLine(dockerfiles.after);
  const leader = parts.map((_, i) => i);
  const find = (i: number): number => (leader[i] === i ? i : (leader[i] = find(leader[i]!)));
  const join = (a: number, b: number) => {
    const [x, y] = [find(a), find(b)].sort((p, q) => p - q);
    leader[y!] = x!;
  };
  parts.forEach((part, i) => {
    if (part.kind !== 'instruction') return;
    const comes = sourcesOf(part.after, afterCopies);
    const goes = sourcesOf(part.before, beforeCopies);
    parts.forEach((other, j) => {
      if (other.kind !== 'file') return;
      const added = other.add?.path;
      if (added !== undefined && (other.status === 'A' || other.status === 'R') && comes.some((s) => copies(s, added))) join(i, j);
      const removed = other.remove;
      if (removed !== undefined && (other.status === 'D' || other.status === 'R') && goes.some((s) => copies(s, removed))) join(i, j);
    });
  });
  const groups = new Map<number, ChangePart[]>();
  parts.forEach((part, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), part]));
  return [...groups.values()].map((members, k) => ({
    id: k + 1,
    kind: members[0]!.kind,
    path: members[0]!.path,
    summary: members.map((m) => m.summary).join('; with '),
    parts: members,
  }));
}

function copiesByLine(dockerfile: string): Map<number, CopyEntry> {
  const model = parseDockerfile(dockerfile);
  return new Map(model.stages.flatMap((stage) => copyEntries(stage)).map((entry) => [entry.line, entry]));
}

/** The context sources of the COPY and ADD instructions among `spans`. */
function sourcesOf(spans: EditPart['before'], copiesAt: ReadonlyMap<number, CopyEntry>): string[] {
  return (spans ?? []).flatMap((span: InstructionSpan) => {
    const entry = copiesAt.get(span.start + 1);
    return entry && entry.from === undefined ? entry.sources : [];
  });
}

/** Whether a COPY source (context-relative, normalised) takes the file at `path`. */
export function copies(source: string, path: string): boolean {
  const src = source.replace(/^\/+/, '').replace(/\/+$/, '');
  if (isWithin(src, path)) return true;
  if (!/[*?[]/.test(src)) return false;
  // A glob matches a path, or a directory above it, component by component.
  const glob = new RegExp(
    `^${src
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );
  const parts = path.split('/');
  for (let n = 1; n <= parts.length; n++) if (glob.test(parts.slice(0, n).join('/'))) return true;
  return false;
}
