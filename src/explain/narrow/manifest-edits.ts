/**
 * A commit's changes to its deployment manifests, as `narrow` tests them: each changed key of a
 * manifest file on its own (src/explain/manifest/manifest-split.ts), or the file as a whole when it
 * does not parse on one side (or is added, deleted, or changed in its comments or layout only). A
 * configuration's text of a file is the parent's with the chosen keys applied; with all of them, the
 * commit's text exactly. Pure.
 */
import type { ContextEntry } from '../../git/context-tar.js';
import { textFilePatch } from '../../git/line-edits.js';
import {
  applyKeyChanges,
  formatOf,
  manifestParses,
  splitManifest,
  type KeyChange,
  type ManifestFormat,
} from '../manifest/manifest-split.js';

/** One key of a manifest file, or (without `change`) the whole file. */
export interface KeyPart {
  kind: 'key';
  /** Repository path of the manifest file. */
  path: string;
  /** The key's change; absent: the file changes as a whole. */
  change?: KeyChange;
  summary: string;
}

/** A manifest file the commit changes: both sides' texts (null: absent there), and where the builder receives it. */
export interface ManifestEdit {
  format: ManifestFormat;
  before: string | null;
  after: string | null;
  /** How many key parts the file has (0: it changes as a whole). */
  keys: number;
  /** git's patch of the file from the parent to the commit (a configuration with the commit's text shows it). */
  patch: string;
  /**
   * When the file is in the build context (sent to the builder on either side): its path there, its mode,
   * and the commit's entry (null: the commit does not send it). Its content in a configuration's context
   * is then the configuration's text, so the image and the deployment agree.
   */
  context?: { contextPath: string; mode: number; afterEntry: Exclude<ContextEntry, { type: 'directory' }> | null };
}

/**
 * Each manifest file's text with the chosen parts applied (null: absent); files none of the parts
 * touch are left out (they stay the parent's).
 */
export function manifestTexts(edits: ReadonlyMap<string, ManifestEdit>, parts: readonly KeyPart[]): Map<string, string | null> {
  const chosen = new Map<string, KeyPart[]>();
  for (const part of parts) chosen.set(part.path, [...(chosen.get(part.path) ?? []), part]);
  const texts = new Map<string, string | null>();
  for (const [path, list] of chosen) {
    const edit = edits.get(path)!;
    const whole = list.some((p) => p.change === undefined) || list.length >= edit.keys;
    if (whole || edit.before === null) {
      texts.set(path, edit.after);
      continue;
    }
    const changes = list.map((p) => p.change!).sort((a, b) => a.id - b.id);
    texts.set(path, applyKeyChanges(edit.before, edit.format, changes));
  }
  return texts;
}

/** The unified diff of each file the chosen parts touch: git's own with the commit's text, else parent → applied text. */
export function manifestPatches(edits: ReadonlyMap<string, ManifestEdit>, parts: readonly KeyPart[]): [string, string][] {
  return [...manifestTexts(edits, parts)].map(([path, text]) => {
    const edit = edits.get(path)!;
    return [path, text === edit.after || edit.before === null || text === null ? edit.patch : textFilePatch(path, edit.before, text)];
  });
}

/** The context overlay's entries for the chosen parts: each manifest file the builder receives, with its configuration's text. */
export function manifestOverlay(
  edits: ReadonlyMap<string, ManifestEdit>,
  parts: readonly KeyPart[],
): [string, Exclude<ContextEntry, { type: 'directory' }> | null][] {
  return [...manifestTexts(edits, parts)].flatMap(([path, text]) => {
    const { context, after } = edits.get(path)!;
    if (!context) return [];
    if (text === null) return [[context.contextPath, null]];
    if (text === after) return [[context.contextPath, context.afterEntry]];
    return [[context.contextPath, { type: 'inline', path: context.contextPath, mode: context.mode, content: Buffer.from(text, 'utf8') }]];
  });
}

/** The file's key parts, or the one part that changes it as a whole. */
export function manifestParts(path: string, before: string | null, after: string | null): KeyPart[] {
  const format = formatOf(path);
  const whole = (why: string): KeyPart[] => [{ kind: 'key', path, summary: `${path} ${why}` }];
  if (before === null) return whole('added');
  if (after === null) return whole('deleted');
  if (!manifestParses(after, format)) return whole('changed as a whole (it does not parse at the commit)');
  if (!manifestParses(before, format)) return whole('changed as a whole (it does not parse at the parent)');
  const changes = splitManifest(before, after, format);
  if (changes.length === 0) return whole('changed in its comments or layout only');
  return changes.map((change) => ({ kind: 'key', path, change, summary: `${path}: ${change.summary}` }));
}
