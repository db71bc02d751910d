import { dependencyLines } from '../../explain/deps/describe-changes.js';
import type { Explanation } from '../../explain/explain-change.js';
import type { ContextChanges, FileChange } from '../../explain/files/file-change.js';
import type { painter } from './color.js';

type Paint = ReturnType<typeof painter>;

const stat = (f: FileChange) =>
  f.binary ? 'binary' : [f.added ? `+${f.added}` : '', f.deleted ? `-${f.deleted}` : ''].filter(Boolean).join(' ') || 'no line changes';
/** Files listed per section in text and Markdown; the JSON output lists them all. */
export const MAX_FILES_LISTED = 200;
const more = (list: readonly FileChange[]) => `… and ${list.length - MAX_FILES_LISTED} more (the JSON output lists them all)`;
const fileLine = (f: FileChange) => `${f.status} ${f.oldPath ? `${f.oldPath} -> ` : ''}${f.path} (${stat(f)})`;

/** How sure a likely cause is, and the pattern that linked it: " (strong: port-moved)". */
const sureness = (cause: Explanation['likelyCauses'][number]): string =>
  cause.certainty ? ` (${cause.certainty}: ${cause.pattern ?? 'pattern'})` : '';

/** The Dockerfile's findings, and the deployment manifest's (stage `(manifest)`). */
function byPlace(findings: Explanation['findings']): { dockerfile: Explanation['findings']; manifest: Explanation['findings'] } {
  return { dockerfile: findings.filter((f) => f.stage !== '(manifest)'), manifest: findings.filter((f) => f.stage === '(manifest)') };
}

/** Text lines for a terminal: likely causes first, then the Dockerfile's and the manifest's findings, then the files. */
export function explanationLines(explanation: Explanation, paint: Paint, options: { indent?: string; diffs?: boolean } = {}): string[] {
  const indent = options.indent ?? '  ';
  const out: string[] = [];
  for (const cause of explanation.likelyCauses) out.push(`${indent}${paint('bold', 'Likely cause:')} ${cause.summary}${sureness(cause)}`);
  const { dockerfile, manifest } = byPlace(explanation.findings);
  if (dockerfile.length > 0) {
    out.push(`${indent}What changed in the Dockerfile:`);
    for (const finding of dockerfile) out.push(`${indent}  - ${finding.summary}`);
  } else {
    out.push(`${indent}The Dockerfile did not change.`);
  }
  if (manifest.length > 0) {
    out.push(`${indent}What changed in the deployment manifest:`);
    for (const finding of manifest) out.push(`${indent}  - ${finding.summary}`);
  }
  const dependencies = dependencyLines(explanation.dependencies ?? []);
  if (dependencies.length > 0) out.push(`${indent}Dependency changes:`, ...dependencies.map((line) => `${indent}  - ${line}`));
  for (const note of explanation.notes) out.push(`${indent}Note: ${note}`);
  out.push(...fileLines(explanation.files, indent, options.diffs ?? false));
  return out;
}

function fileLines(files: ContextChanges, indent: string, diffs: boolean): string[] {
  const out: string[] = [];
  const section = (title: string, list: FileChange[], showDiffs: boolean) => {
    if (list.length === 0) return;
    out.push(`${indent}${title.replace(/:?$/, '')} (${list.length}):`);
    for (const f of list.slice(0, MAX_FILES_LISTED)) {
      out.push(`${indent}  ${fileLine(f)}`);
      if (showDiffs && f.diff) for (const line of diffBody(f.diff)) out.push(`${indent}    ${line}`);
    }
    if (list.length > MAX_FILES_LISTED) out.push(`${indent}  ${more(list)}`);
  };
  section('Files sent to the builder, which can change the image', files.inContext, diffs);
  section('Changed but ignored by .dockerignore', files.ignored, false);
  section('Changed outside the build context (cannot affect the image)', files.outsideContext, false);
  if (files.inContext.length + files.ignored.length + files.outsideContext.length === 0) out.push(`${indent}No files changed.`);
  return out;
}

/** Markdown for the report: likely causes, a findings table, the files with small diffs. */
export function explanationMarkdown(explanation: Explanation): string[] {
  const out: string[] = [];
  for (const cause of explanation.likelyCauses)
    out.push(`> **Likely cause:** ${escapeInline(cause.summary)}${escapeInline(sureness(cause))}`, '');
  const { dockerfile, manifest } = byPlace(explanation.findings);
  if (manifest.length > 0) {
    out.push('**What changed in the deployment manifest**', '');
    for (const f of manifest) out.push(`- ${escapeInline(f.summary)}`);
    out.push('');
  }
  if (dockerfile.length > 0) {
    out.push('| change | stage | instruction | before | after | line |', '| --- | --- | --- | --- | --- | --- |');
    for (const f of dockerfile) {
      const line = [f.lineBefore, f.lineAfter].map((n) => (n === undefined ? '–' : String(n))).join(' → ');
      out.push(`| ${cell(f.summary)} | ${cell(f.stage)} | ${f.instruction} | ${code(f.before)} | ${code(f.after)} | ${line} |`);
    }
    out.push('');
  } else {
    out.push('The Dockerfile did not change.', '');
  }
  for (const note of explanation.notes) out.push(`_Note: ${escapeInline(note)}_`, '');
  const section = (title: string, list: FileChange[], withDiffs: boolean) => {
    if (list.length === 0) return;
    out.push(`**${title}** (${list.length})`, '');
    for (const f of list.slice(0, MAX_FILES_LISTED))
      out.push(`- \`${f.path}\`${f.oldPath ? ` (from \`${f.oldPath}\`)` : ''}: ${f.status}, ${stat(f)}`);
    if (list.length > MAX_FILES_LISTED) out.push(`- ${more(list)}`);
    out.push('');
    if (withDiffs) {
      for (const f of list.filter((x) => x.diff)) out.push(`\`${f.path}\`:`, '', ...fenced('diff', diffBody(f.diff!)), '');
    }
  };
  section('Files sent to the builder', explanation.files.inContext, true);
  section('Changed but ignored by .dockerignore', explanation.files.ignored, false);
  section('Changed outside the build context (cannot affect the image)', explanation.files.outsideContext, false);
  return out;
}

/** A fenced code block that no line inside can close: its fence is longer than any run of backticks in them. */
export function fenced(info: string, lines: readonly string[]): string[] {
  const longest = lines.reduce((max, line) => Math.max(max, ...(line.match(/`+/g) ?? []).map((run) => run.length)), 0);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...lines, fence];
}

/** A unified diff without git's header lines (`diff --git`, `index`) and trailing blank line. */
function diffBody(diff: string): string[] {
  const lines = diff.replace(/\n+$/, '').split('\n');
  return lines.filter((line) => !line.startsWith('diff --git ') && !line.startsWith('index '));
}

export function cell(text: string): string {
  return escapeInline(text).replaceAll('|', '\\|').replace(/\n/g, ' ');
}

function code(text: string | undefined): string {
  if (text === undefined || text === '') return '–';
  const clean = text.replace(/\n/g, ' ').replaceAll('|', '\\|');
  const shown = clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
  return `\`${shown.replaceAll('`', "'")}\``;
}

function escapeInline(text: string): string {
  return text.replace(/([<>])/g, '\\$1');
}
