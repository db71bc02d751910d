/** `narrow`'s result as text (the difference first, then the proof, then the explanation) and as a report section. */
import { formatDuration } from '../../duration.js';
import type { NarrowResult } from '../../session/narrow/narrow-result.js';
import { clipLine } from '../../text/clip-line.js';
import { count } from '../../text/plural.js';
import { shortSha } from '../../text/short-sha.js';
import type { painter } from './color.js';

type Paint = ReturnType<typeof painter>;

const ids = (list: readonly number[]) => (list.length === 0 ? 'none' : list.map((id) => `#${id}`).join(', '));

/** The lines of a patch worth showing: hunks and their file headers, without git's extended header. */
function patchLines(patch: string, indent: string): string[] {
  return patch
    .split('\n')
    .filter((line) => line !== '' && !/^(diff --git|index |similarity |new file mode|deleted file mode|old mode|new mode)/.test(line))
    .slice(0, 40)
    .map((line) => `${indent}${line}`);
}

/** A test's reason on one line: a long one keeps its end, where engines put what went wrong (`exec: "bash": … not found`). */
function testReason(reason: string): string {
  const line = clipLine(reason.replace(/ \(not the commit's failure: unresolved\)$/, ''), Number.POSITIVE_INFINITY);
  return line.length <= 100 ? line : `…${line.slice(-99)}`;
}

/** "proven: …", or why it is not. */
export function proofLine(result: NarrowResult): string | undefined {
  const { passing, failing, difference } = result;
  if (!passing || !failing || difference.length === 0) return undefined;
  const others = passing.changes.length;
  const applied =
    others === 0
      ? 'with none of the other changes applied (the parent)'
      : `with ${others === 1 ? 'this 1 other change' : `these ${others} other changes`} applied (${ids(passing.changes)})`;
  const adding = difference.length === 1 ? 'adding this one' : `adding these ${difference.length}`;
  return `${result.status === 'narrowed' ? 'proven' : 'so far'}: ${applied} the service is healthy; ${adding} makes it fail with ${failing.outcome.signature}`;
}

export function renderNarrowResult(result: NarrowResult, paint: Paint): string {
  const { commit, parent } = result;
  const out: string[] = [];
  if (result.status === 'not-reproduced') {
    out.push(
      result.reason === 'commit-is-healthy'
        ? `${paint('yellow', 'Not reproduced')}: ${shortSha(commit.sha)} ${commit.subject} is healthy (${result.verification.commit.signature})`
        : `${paint('yellow', 'Not reproduced')}: the parent ${shortSha(parent.sha)} ${parent.subject} fails too (${result.verification.parent?.signature ?? 'unhealthy'})`,
    );
  } else {
    const head = result.status === 'narrowed' ? paint('green', 'Narrowed') : paint('yellow', 'Not fully narrowed');
    out.push(
      `${head}: ${shortSha(commit.sha)} ${commit.subject} (against ${shortSha(parent.sha)}): ${result.difference.length} of ${count(result.changes.length, 'change')}`,
    );
    if (result.reason) out.push(`  ${result.reason}`);
    for (const change of result.changes.filter((c) => result.difference.includes(c.id))) {
      out.push(`  #${change.id} ${change.summary}`, ...patchLines(change.patch, '    '));
    }
    const proof = proofLine(result);
    if (proof) out.push(`  ${paint('bold', proof)}`);
    for (const finding of result.explanation?.findings ?? []) out.push(`  The explanation: ${finding.summary}`);
    for (const cause of result.explanation?.likelyCauses ?? []) out.push(`  Likely cause: ${cause.summary}`);
    out.push(`  Tests (${result.tests.length}):`);
    for (const t of result.tests) {
      out.push(`    ${ids(t.changes)} → ${t.verdict}: ${testReason(t.reason)}${t.built ? '' : ' (same context as before)'}`);
    }
    // What the numbers in the tests stand for.
    out.push(`  The changes (${result.changes.length}):`);
    for (const change of result.changes) out.push(`    #${change.id} ${clipLine(change.summary, 100)}`);
  }
  for (const note of result.notes) out.push(`  Note: ${note}`);
  out.push(`Run: ${count(result.builds, 'build')}, ${formatDuration(result.durationMs)}.`);
  return out.join('\n');
}

/** The report's section: the same, in Markdown, with both patches to rebuild the pair. */
export function narrowReportSection(result: NarrowResult): string {
  const out = ['## Narrowed to the change that breaks it', ''];
  if (result.status === 'not-reproduced') {
    out.push(`Not reproduced: ${result.reason === 'commit-is-healthy' ? 'the commit is healthy' : 'the parent fails too'}.`);
    return out.join('\n');
  }
  out.push(
    `Status: **${result.status}**${result.reason ? ` (${result.reason})` : ''}; ${count(result.builds, 'build')}, ${formatDuration(result.durationMs)}.`,
    '',
  );
  for (const change of result.changes.filter((c) => result.difference.includes(c.id))) {
    out.push(`- #${change.id} ${change.summary}`);
  }
  const proof = proofLine(result);
  if (proof) out.push('', proof);
  for (const finding of result.explanation?.findings ?? []) out.push('', `The explanation: ${finding.summary}`);
  for (const [name, side] of [
    ['passing (healthy)', result.passing],
    ['failing', result.failing],
  ] as const) {
    if (!side) continue;
    out.push('', `### ${name}: changes ${ids(side.changes)}, ${side.outcome.signature}`, '', '```diff', side.patch.trimEnd(), '```');
  }
  return out.join('\n');
}
