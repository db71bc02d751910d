/**
 * The changes of a commit inside its build context, as `narrow` tests them: each can be applied to
 * the parent's context on its own or with any others. A change is one or more parts (grouped up
 * front when they only make sense together); a part is a Dockerfile instruction or a hunk of a text
 * file (edits of the parent's lines), a whole file (its entry in the commit's context, and git's
 * own patch), or a key of a deployment manifest (manifest-edits.ts). Pure: from a subset of ids to the
 * context overlay, to the manifests' texts the configuration is deployed by, and to the patch `git apply` takes.
 */
import type { ContextEntry } from '../../git/context-tar.js';
import { applyEdits, textFilePatch, type LineEdit } from '../../git/line-edits.js';
import type { ContextOverlay } from '../../git/overlay-context.js';
import { comparePathBytes } from '../../git/path-bytes.js';
import type { InstructionSpan } from '../dockerfile/instruction-changes.js';
import type { ChangeStatus } from '../files/file-change.js';
import { manifestOverlay, manifestPatches, manifestTexts, type KeyPart, type ManifestEdit } from './manifest-edits.js';

export type { KeyPart, ManifestEdit } from './manifest-edits.js';

export type ChangeKind = 'instruction' | 'hunk' | 'file' | 'key';

/** Edits of one text file's lines: a Dockerfile instruction or a hunk. */
export interface EditPart {
  kind: 'instruction' | 'hunk';
  /** Repository-relative path. */
  path: string;
  edits: LineEdit[];
  /** 1-based line of the parent's file. */
  line: number;
  summary: string;
  /** For an instruction: what it was and what it is. */
  before?: InstructionSpan[];
  after?: InstructionSpan[];
}

/** A file as a whole: added, deleted, renamed, binary, or its mode or type changed. */
export interface FilePart {
  kind: 'file';
  path: string;
  oldPath?: string;
  status: ChangeStatus;
  /** Context-relative path the parent's entry leaves (deleted, renamed), and the commit's entry that comes in. */
  remove?: string;
  add?: Exclude<ContextEntry, { type: 'directory' }>;
  /** git's patch of the file (binary as `git apply` takes it). */
  patch: string;
  summary: string;
}

export type ChangePart = EditPart | FilePart | KeyPart;

export interface Change {
  /** 1-based, in the order of the files and lines. */
  id: number;
  kind: ChangeKind;
  path: string;
  summary: string;
  parts: ChangePart[];
}

/** A text file the commit edits: the parent's text and where it is in the context. */
export interface EditedFile {
  contextPath: string;
  before: string;
  mode: number;
  /** The commit's text and its entry: with every edit applied, the file is the commit's blob (the same fingerprint). */
  after: string;
  afterEntry: Exclude<ContextEntry, { type: 'directory' }>;
}

export interface ChangeSet {
  changes: Change[];
  /** Repository path → the parent's text of each file with edit parts. */
  edited: ReadonlyMap<string, EditedFile>;
  /** Repository path → each deployment manifest file with key parts (never also in `edited`). */
  manifests?: ReadonlyMap<string, ManifestEdit>;
}

function selected(set: ChangeSet, ids: readonly number[]): ChangePart[] {
  const want = new Set(ids);
  return set.changes.filter((c) => want.has(c.id)).flatMap((c) => c.parts);
}

/** Each edited file's text with the edits of the chosen changes applied (files with none are left out). */
function editedTexts(set: ChangeSet, parts: readonly ChangePart[]): Map<string, string> {
  const edits = new Map<string, LineEdit[]>();
  for (const part of parts) {
    if (part.kind === 'instruction' || part.kind === 'hunk') edits.set(part.path, [...(edits.get(part.path) ?? []), ...part.edits]);
  }
  const texts = new Map<string, string>();
  for (const [path, list] of edits) texts.set(path, applyEdits(set.edited.get(path)!.before, list));
  return texts;
}

/** What the parent's context becomes with the chosen changes applied. */
export function overlayOf(set: ChangeSet, ids: readonly number[]): ContextOverlay {
  const parts = selected(set, ids);
  const overlay = new Map<string, Exclude<ContextEntry, { type: 'directory' }> | null>();
  for (const part of parts) if (part.kind === 'file' && part.remove !== undefined) overlay.set(part.remove, null);
  for (const part of parts) if (part.kind === 'file' && part.add) overlay.set(part.add.path, part.add);
  for (const [path, text] of editedTexts(set, parts)) {
    const file = set.edited.get(path)!;
    if (text === file.after) overlay.set(file.contextPath, file.afterEntry);
    else overlay.set(file.contextPath, { type: 'inline', path: file.contextPath, mode: file.mode, content: Buffer.from(text, 'utf8') });
  }
  for (const [path, entry] of manifestOverlay(set.manifests ?? new Map(), keyParts(parts))) overlay.set(path, entry);
  return overlay;
}

/** The manifest files' texts the configuration is deployed by (null: absent); those the chosen changes leave alone are the parent's (not in the map). */
export function manifestTextsOf(set: ChangeSet, ids: readonly number[]): Map<string, string | null> {
  return manifestTexts(set.manifests ?? new Map(), keyParts(selected(set, ids)));
}

const keyParts = (parts: readonly ChangePart[]): KeyPart[] => parts.filter((p): p is KeyPart => p.kind === 'key');

/** The chosen changes as one unified diff against the parent's tree, for `git apply` at the repository root ('' for none). */
export function patchOf(set: ChangeSet, ids: readonly number[]): string {
  const parts = selected(set, ids);
  const files: [string, string][] = [];
  for (const [path, text] of editedTexts(set, parts)) files.push([path, textFilePatch(path, set.edited.get(path)!.before, text)]);
  for (const part of parts) if (part.kind === 'file') files.push([part.path, part.patch]);
  files.push(...manifestPatches(set.manifests ?? new Map(), keyParts(parts)));
  files.sort((a, b) => comparePathBytes(a[0], b[0]));
  return files.map(([, patch]) => patch).join('');
}
