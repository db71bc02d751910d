/**
 * COPY / ADD, old versus new. Identical entries (even moved) are not changes. The same sources
 * copied to another destination are one `copy-moved` finding. What remains is paired by destination: the same destination now filled differently is one
 * `copy-source-changed` finding (other sources, another `--from` stage, other inline content,
 * other `--chown`/`--chmod`, ADD instead of COPY); the rest are `copy-removed` / `copy-added`.
 */
import { copyEntries, copyIdentity, describeSources, sourceIdentity, type CopyEntry } from '../dockerfile/copy-entries.js';
import { multisetDiff } from '../dockerfile/multiset-diff.js';
import type { Finding } from '../finding.js';
import type { DiffRule } from './diff-rule.js';
import { where } from './where.js';

export const diffCopies: DiffRule = (pair) => {
  const { removed, added } = multisetDiff(copyEntries(pair.before), copyEntries(pair.after), copyIdentity);
  const findings: Finding[] = [];
  const unpairedAdded = [...added];
  for (const old of removed) {
    // The same copy now put elsewhere: one move, not a removal and an addition.
    const moved = unpairedAdded.findIndex((now) => sourceIdentity(now) === sourceIdentity(old));
    if (moved !== -1) {
      const now = unpairedAdded.splice(moved, 1)[0]!;
      findings.push({
        kind: 'copy-moved',
        stage: pair.label,
        instruction: now.keyword,
        before: old.dest,
        after: now.dest,
        path: now.dest,
        lineBefore: old.line,
        lineAfter: now.line,
        summary: `${describeSources(now)} now lands in ${now.dest} instead of ${old.dest} ${where(pair.label, old.line, now.line, now.keyword)}`,
      });
      continue;
    }
    const index = unpairedAdded.findIndex((now) => now.dest === old.dest);
    if (index === -1) {
      findings.push({
        kind: 'copy-removed',
        stage: pair.label,
        instruction: old.keyword,
        before: describeSources(old),
        path: old.dest,
        lineBefore: old.line,
        summary: `${describeSources(old)} is no longer copied to ${old.dest} ${where(pair.label, old.line, undefined, old.keyword)}`,
      });
      continue;
    }
    const now = unpairedAdded.splice(index, 1)[0]!;
    findings.push({
      kind: 'copy-source-changed',
      stage: pair.label,
      instruction: now.keyword,
      before: describeSources(old),
      after: describeSources(now),
      path: now.dest,
      lineBefore: old.line,
      lineAfter: now.line,
      summary: `${describeChange(old, now)} ${where(pair.label, old.line, now.line, now.keyword)}`,
    });
  }
  for (const now of unpairedAdded) {
    findings.push({
      kind: 'copy-added',
      stage: pair.label,
      instruction: now.keyword,
      after: describeSources(now),
      path: now.dest,
      lineAfter: now.line,
      summary: `${describeSources(now)} is now copied to ${now.dest} ${where(pair.label, undefined, now.line, now.keyword)}`,
    });
  }
  return findings;
};

function describeChange(old: CopyEntry, now: CopyEntry): string {
  const parts: string[] = [];
  const sameSources = JSON.stringify(old.sources) === JSON.stringify(now.sources) && old.from === now.from;
  if (!sameSources) {
    if (old.sources.length === 1 && now.sources.length === 1) {
      parts.push(`${now.dest} now comes from ${describeSources(now)} instead of ${describeSources(old)}`);
    } else {
      const gone = old.sources.filter((s) => !now.sources.includes(s));
      const fresh = now.sources.filter((s) => !old.sources.includes(s));
      const bits: string[] = [];
      if (fresh.length > 0) bits.push(`now also gets ${fresh.join(', ')}`);
      if (gone.length > 0) bits.push(`no longer gets ${gone.join(', ')}`);
      if (old.from !== now.from) bits.push(`copies from ${now.from ?? 'the build context'} instead of ${old.from ?? 'the build context'}`);
      if (bits.length === 0) bits.push(`sources reordered: ${describeSources(old)} → ${describeSources(now)}`);
      parts.push(`${now.dest} ${bits.join(', ')}`);
    }
  } else if (JSON.stringify(old.inline) !== JSON.stringify(now.inline)) {
    parts.push(`the inline content copied to ${now.dest} changed`);
  } else {
    parts.push(`${now.dest} is still copied from ${describeSources(now)}`);
  }
  if (old.keyword !== now.keyword) parts.push(`${now.keyword} instead of ${old.keyword}`);
  const oldFlags = old.flags.join(' ');
  const newFlags = now.flags.join(' ');
  if (oldFlags !== newFlags) parts.push(`flags ${oldFlags === '' ? '(none)' : oldFlags} → ${newFlags === '' ? '(none)' : newFlags}`);
  return parts.join('; ');
}
