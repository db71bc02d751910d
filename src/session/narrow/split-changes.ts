/**
 * The changes of a commit against its parent inside the build context, read from git objects:
 * files the builder receives on either side (after .dockerignore); the Dockerfile's instructions,
 * each hunk of an edited text file, and every other file (added, deleted, renamed, binary, mode or
 * type changed) as a whole. Files outside the context or ignored are not changes: they cannot
 * change the image. The deployment manifests' changes (manifest-changes.ts) are split per key instead,
 * wherever they are: numbered with the rest, and where the builder receives one, its content follows
 * the configuration's keys.
 */
import { instructionChanges } from '../../explain/dockerfile/instruction-changes.js';
import { contextChanges } from '../../explain/files/context-changes.js';
import type { FileChange } from '../../explain/files/file-change.js';
import type { ChangePart, ChangeSet, EditedFile, FilePart, ManifestEdit } from '../../explain/narrow/change-set.js';
import { groupChanges } from '../../explain/narrow/group-changes.js';
import { type BuildContextPlan } from '../../git/build-context.js';
import { CatFileBatch } from '../../git/cat-file-batch.js';
import { ContextPlanner } from '../../git/context-planner.js';
import type { ContextEntry } from '../../git/context-tar.js';
import { filePatches } from '../../git/file-patches.js';
import { hunksOf, isEditableText, lineEdits, splitLines, type LineEdit } from '../../git/line-edits.js';
import { joinRepoPath, normalizeRepoPath } from '../../git/repo-path.js';
import { clipLine } from '../../text/clip-line.js';
import { pathWithin } from '../../text/path-within.js';
import type { ManifestChanges } from './manifest-changes.js';

export interface SplitSpec {
  repoDir: string;
  parent: string;
  commit: string;
  contextDir: string;
  dockerfile: string;
  /** The run's plans of these commits (made for the same context and Dockerfile), else they are made here. */
  planner?: ContextPlanner;
  /** The deployment manifests' changes: split per key, never as hunks of the context. */
  manifests?: ManifestChanges;
}

export interface SplitChanges {
  set: ChangeSet;
  parentPlan: BuildContextPlan;
  commitPlan: BuildContextPlan;
  /** Changed files left whole or out, and why. */
  notes: string[];
}

/** Text files larger than this are changed as a whole. */
const MAX_EDITED_BYTES = 1024 * 1024;

type SentEntry = Exclude<ContextEntry, { type: 'directory' }>;

export async function splitChanges(spec: SplitSpec): Promise<SplitChanges> {
  const contextDir = normalizeRepoPath(spec.contextDir, 'context directory');
  const planner = spec.planner ?? new ContextPlanner({ repoDir: spec.repoDir, contextDir, dockerfile: spec.dockerfile });
  // Both ends were evaluated: their plans exist (a side without one fails here as it would have there).
  const plan = async (commit: string) => {
    const result = await planner.plan(commit);
    if ('missing' in result) throw result.missing;
    return result.planned;
  };
  const [parentPlan, commitPlan, files] = await Promise.all([
    plan(spec.parent),
    plan(spec.commit),
    contextChanges({ repoDir: spec.repoDir, before: spec.parent, after: spec.commit, contextDir, dockerfile: spec.dockerfile, planner }),
  ]);
  const inContext = (path: string) => pathWithin(contextDir, path);
  const sent = (p: BuildContextPlan) =>
    new Map(p.entries.flatMap((e) => (e.type === 'directory' ? [] : [[e.path, e as SentEntry] as const])));
  const [before, after] = [sent(parentPlan), sent(commitPlan)];
  const dockerfile = joinRepoPath(contextDir, parentPlan.dockerfilePath);
  const notes: string[] = [];

  const manifests = spec.manifests?.edits ?? new Map<string, Omit<ManifestEdit, 'context'>>();
  const isManifest = (file: FileChange) => manifests.has(file.path) || (file.oldPath !== undefined && manifests.has(file.oldPath));
  const changed = files.inContext.filter((file) => !isManifest(file));
  const texts = await readTexts(spec.repoDir, changed, inContext, before, after);
  const parts: ChangePart[] = [...(spec.manifests?.parts ?? [])];
  const edited = new Map<string, EditedFile>();
  const whole: FileChange[] = [];
  for (const file of changed) {
    if (file.pathBase64 !== undefined || file.oldPathBase64 !== undefined) {
      notes.push(`${file.path}: a name that is not UTF-8 is not narrowed (left as the parent has it)`);
      continue;
    }
    const text = texts.get(file.path);
    if (!text) {
      whole.push(file);
      continue;
    }
    const rel = inContext(file.path)!;
    edited.set(file.path, {
      contextPath: rel,
      before: text.before,
      mode: before.get(rel)!.mode,
      after: text.after,
      afterEntry: after.get(rel)!,
    });
    parts.push(...(file.path === dockerfile ? instructionParts(file.path, text) : hunkParts(file.path, text)));
  }
  parts.push(...(await fileParts(spec, whole, inContext, after)));
  parts.sort((a, b) => (a.path === b.path ? lineOf(a) - lineOf(b) : a.path < b.path ? -1 : 1));
  const changes = groupChanges(parts, { before: parentPlan.dockerfileText, after: commitPlan.dockerfileText });
  const sentManifests = new Map([...manifests].map(([path, edit]) => [path, { ...edit, ...sentAs(inContext(path), before, after) }]));
  return { set: { changes, edited, ...(manifests.size > 0 ? { manifests: sentManifests } : {}) }, parentPlan, commitPlan, notes };
}

/** A key in its file's order; a file as a whole first. */
const lineOf = (part: ChangePart) => (part.kind === 'file' ? 0 : part.kind === 'key' ? (part.change?.id ?? 0) : part.line);

/** Where the builder receives a manifest file (at `rel` in the context), if it does on either side. */
function sentAs(
  rel: string | undefined,
  before: ReadonlyMap<string, SentEntry>,
  after: ReadonlyMap<string, SentEntry>,
): Pick<ManifestEdit, 'context'> {
  const [was, now] = rel === undefined ? [] : [before.get(rel), after.get(rel)];
  if (rel === undefined || (!was && !now)) return {};
  return { context: { contextPath: rel, mode: (was ?? now)!.mode, afterEntry: now ?? null } };
}

/** Both sides' texts of the files the commit edits (modified, the same mode, text, not large). */
async function readTexts(
  repoDir: string,
  files: readonly FileChange[],
  inContext: (path: string) => string | undefined,
  before: ReadonlyMap<string, SentEntry>,
  after: ReadonlyMap<string, SentEntry>,
): Promise<Map<string, { before: string; after: string }>> {
  const pairs: [string, SentEntry, SentEntry][] = [];
  for (const file of files) {
    const rel = inContext(file.path);
    const [b, a] = rel === undefined ? [] : [before.get(rel), after.get(rel)];
    if (file.status !== 'M' || file.binary || !b || !a || b.type !== 'file' || a.type !== 'file' || b.mode !== a.mode) continue;
    pairs.push([file.path, b, a]);
  }
  const texts = new Map<string, { before: string; after: string }>();
  if (pairs.length === 0) return texts;
  const batch = CatFileBatch.start(repoDir);
  try {
    batch.request(pairs.flatMap(([, b, a]) => [(b as { oid: string }).oid, (a as { oid: string }).oid]));
    for (const [path] of pairs) {
      const [b, a] = [await readBlob(batch), await readBlob(batch)];
      if (b && a && isEditableText(b) && isEditableText(a)) texts.set(path, { before: b.toString('utf8'), after: a.toString('utf8') });
    }
  } finally {
    batch.close();
  }
  return texts;
}

async function readBlob(batch: CatFileBatch): Promise<Buffer | undefined> {
  const answer = await batch.next();
  if (answer.kind !== 'found') return undefined;
  if (answer.size > MAX_EDITED_BYTES) {
    await batch.skipBody(answer.size);
    return undefined;
  }
  return batch.readBody(answer.size);
}

function instructionParts(path: string, text: { before: string; after: string }): ChangePart[] {
  return instructionChanges(text.before, text.after).map((c) => ({
    kind: 'instruction' as const,
    path,
    edits: [c.edit],
    line: c.line,
    summary: `${path}: ${c.summary}`,
    before: c.before,
    after: c.after,
  }));
}

function hunkParts(path: string, text: { before: string; after: string }): ChangePart[] {
  const lines = splitLines(text.before);
  return hunksOf(lineEdits(text.before, text.after)).map((edits: LineEdit[]) => {
    const first = edits[0]!;
    const removed = edits.reduce((n, e) => n + e.removed, 0);
    const added = edits.reduce((n, e) => n + e.added.length, 0);
    const sample = first.added[0] ?? lines[first.start] ?? '';
    return {
      kind: 'hunk' as const,
      path,
      edits,
      line: first.start + 1,
      summary: `${path}, line ${first.start + 1} (-${removed} +${added}): ${clipLine(sample, 60)}`,
    };
  });
}

/** Files changed as a whole, with git's own patch of each. */
async function fileParts(
  spec: SplitSpec,
  files: readonly FileChange[],
  inContext: (path: string) => string | undefined,
  after: ReadonlyMap<string, SentEntry>,
): Promise<FilePart[]> {
  const patches = await filePatches(
    spec.repoDir,
    spec.parent,
    spec.commit,
    files.map((f) => ({ path: f.path, ...(f.oldPath === undefined ? {} : { oldPath: f.oldPath }) })),
    { binary: true },
  );
  return files.flatMap((file): FilePart[] => {
    const patch = patches.get(file.path);
    if (patch === undefined || patch === null) return [];
    const rel = inContext(file.path);
    const add = file.status === 'D' || rel === undefined ? undefined : after.get(rel);
    const oldRel = file.oldPath === undefined ? undefined : inContext(file.oldPath);
    const remove = file.status === 'D' ? rel : file.status === 'R' ? oldRel : undefined;
    const what =
      file.status === 'A'
        ? 'added'
        : file.status === 'D'
          ? 'deleted'
          : file.status === 'R'
            ? `renamed from ${file.oldPath}`
            : file.binary
              ? 'changed (binary)'
              : 'changed (mode or type)';
    return [
      {
        kind: 'file',
        path: file.path,
        ...(file.oldPath === undefined ? {} : { oldPath: file.oldPath }),
        status: file.status,
        ...(remove === undefined ? {} : { remove }),
        ...(add ? { add } : {}),
        patch,
        summary: `${file.path} ${what}`,
      },
    ];
  });
}
