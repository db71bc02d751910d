/**
 * ENV (per key: the last value set in the stage) and ARG (per name: the default), old versus new.
 */
import { clipLine } from '../../text/clip-line.js';
import { splitWords } from '../dockerfile/argument-words.js';
import { instructionsOf, type DockerStage } from '../dockerfile/model.js';
import type { StagePair } from '../dockerfile/stage-pair.js';
import type { Finding } from '../finding.js';
import type { DiffRule } from './diff-rule.js';
import { where } from './where.js';

interface Setting {
  /** `undefined`: an ARG without default. */
  value: string | undefined;
  line: number;
}

/** ENV KEY=value KEY2="x y" or the legacy ENV KEY value with spaces. */
function envOf(stage: DockerStage): Map<string, Setting> {
  const env = new Map<string, Setting>();
  for (const ins of instructionsOf(stage, 'ENV')) {
    const legacy = /^([^\s=]+)\s+(.*)$/.exec(ins.text);
    if (legacy && !legacy[1]!.includes('=')) {
      env.set(legacy[1]!, { value: splitWords(legacy[2]!).join(' '), line: ins.line });
      continue;
    }
    for (const word of splitWords(ins.text)) {
      const eq = word.indexOf('=');
      if (eq > 0) env.set(word.slice(0, eq), { value: word.slice(eq + 1), line: ins.line });
    }
  }
  return env;
}

function argsOf(stage: DockerStage): Map<string, Setting> {
  const args = new Map<string, Setting>();
  for (const ins of instructionsOf(stage, 'ARG')) {
    for (const word of splitWords(ins.text)) {
      const eq = word.indexOf('=');
      if (eq === -1) args.set(word, { value: undefined, line: ins.line });
      else args.set(word.slice(0, eq), { value: word.slice(eq + 1), line: ins.line });
    }
  }
  return args;
}

function diffSettings(pair: StagePair, keyword: 'ENV' | 'ARG', before: Map<string, Setting>, after: Map<string, Setting>): Finding[] {
  const kind: Finding['kind'] = keyword === 'ENV' ? 'env' : 'arg';
  const show = (s: Setting): string => (s.value === undefined ? '(no default)' : s.value === '' ? '(empty)' : clipLine(s.value, 80));
  const findings: Finding[] = [];
  for (const [name, old] of before) {
    const now = after.get(name);
    if (now === undefined) {
      findings.push({
        kind,
        stage: pair.label,
        instruction: keyword,
        before: `${name}=${old.value ?? ''}`,
        lineBefore: old.line,
        summary: `${keyword} ${name} is no longer ${keyword === 'ENV' ? 'set' : 'declared'} (was ${show(old)}) ${where(pair.label, old.line, undefined)}`,
      });
    } else if (now.value !== old.value) {
      findings.push({
        kind,
        stage: pair.label,
        instruction: keyword,
        before: `${name}=${old.value ?? ''}`,
        after: `${name}=${now.value ?? ''}`,
        lineBefore: old.line,
        lineAfter: now.line,
        summary: `${keyword} ${name}${keyword === 'ARG' ? ' default' : ''} changed: ${show(old)} → ${show(now)} ${where(pair.label, old.line, now.line)}`,
      });
    }
  }
  for (const [name, now] of after) {
    if (before.has(name)) continue;
    findings.push({
      kind,
      stage: pair.label,
      instruction: keyword,
      after: `${name}=${now.value ?? ''}`,
      lineAfter: now.line,
      summary: `${keyword} ${name} is now ${keyword === 'ENV' ? 'set' : 'declared'}: ${show(now)} ${where(pair.label, undefined, now.line)}`,
    });
  }
  return findings;
}

export const diffVariables: DiffRule = (pair) => {
  return [
    ...diffSettings(pair, 'ARG', argsOf(pair.before), argsOf(pair.after)),
    ...diffSettings(pair, 'ENV', envOf(pair.before), envOf(pair.after)),
  ];
};
