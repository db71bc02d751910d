/**
 * Image configuration that is not a command: the WORKDIR the container starts in, EXPOSE
 * (per port, `80` meaning `80/tcp`) and VOLUME (per path).
 */
import { posix } from 'node:path';

import { splitWords } from '../dockerfile/argument-words.js';
import { instructionsOf, type DockerStage } from '../dockerfile/model.js';
import type { StagePair } from '../dockerfile/stage-pair.js';
import type { Finding } from '../finding.js';
import type { DiffRule } from './diff-rule.js';
import { where } from './where.js';

function finalWorkdir(stage: DockerStage): { path: string; line: number } | undefined {
  const last = instructionsOf(stage, 'WORKDIR')
    .filter((w) => w.text !== '')
    .at(-1);
  return last && { path: posix.resolve(last.workdir, last.text), line: last.line };
}

function diffWorkdir(pair: StagePair): Finding[] {
  const old = finalWorkdir(pair.before);
  const now = finalWorkdir(pair.after);
  if (old?.path === now?.path) return [];
  const finding: Finding = { kind: 'workdir', stage: pair.label, instruction: 'WORKDIR', summary: '' };
  if (old) Object.assign(finding, { before: old.path, lineBefore: old.line });
  if (now) Object.assign(finding, { after: now.path, lineAfter: now.line, path: now.path });
  else if (old) finding.path = old.path;
  const at = where(pair.label, old?.line, now?.line);
  finding.summary = `WORKDIR changed: ${old?.path ?? "the base image's"} → ${now?.path ?? "the base image's"} ${at}`;
  return [finding];
}

function itemsOf(stage: DockerStage, keyword: string, normalise: (word: string, workdir: string) => string): Map<string, number> {
  const items = new Map<string, number>();
  for (const ins of instructionsOf(stage, keyword)) {
    for (const word of ins.exec ?? splitWords(ins.text)) {
      const item = normalise(word, ins.workdir);
      if (!items.has(item)) items.set(item, ins.line);
    }
  }
  return items;
}

function diffItems(pair: StagePair, keyword: 'EXPOSE' | 'VOLUME', normalise: (word: string, workdir: string) => string): Finding[] {
  const kind = keyword === 'EXPOSE' ? 'expose' : 'volume';
  const noun = keyword === 'EXPOSE' ? 'port' : 'volume';
  const before = itemsOf(pair.before, keyword, normalise);
  const after = itemsOf(pair.after, keyword, normalise);
  const findings: Finding[] = [];
  for (const [item, line] of before) {
    if (after.has(item)) continue;
    const finding: Finding = {
      kind,
      stage: pair.label,
      instruction: keyword,
      before: item,
      lineBefore: line,
      summary: `${noun} ${item} is no longer ${keyword === 'EXPOSE' ? 'exposed' : 'declared'} ${where(pair.label, line, undefined)}`,
    };
    if (keyword === 'VOLUME') finding.path = item;
    findings.push(finding);
  }
  for (const [item, line] of after) {
    if (before.has(item)) continue;
    const finding: Finding = {
      kind,
      stage: pair.label,
      instruction: keyword,
      after: item,
      lineAfter: line,
      summary: `${noun} ${item} is now ${keyword === 'EXPOSE' ? 'exposed' : 'declared'} ${where(pair.label, undefined, line)}`,
    };
    if (keyword === 'VOLUME') finding.path = item;
    findings.push(finding);
  }
  return findings;
}

const port = (word: string): string => (word.includes('/') ? word.toLowerCase() : `${word}/tcp`);
const volume = (word: string, workdir: string): string => (word.startsWith('$') ? word : posix.resolve(workdir, word));

export const diffImageConfig: DiffRule = (pair) => {
  return [...diffWorkdir(pair), ...diffItems(pair, 'EXPOSE', port), ...diffItems(pair, 'VOLUME', volume)];
};
