/**
 * The commands the image runs: CMD, ENTRYPOINT (the last one of a stage counts) and HEALTHCHECK
 * (test and options). Exec form is compared as a JSON array, shell form as its string; the same
 * words in the other form are still a change (a shell in between changes signals and PID 1).
 */
import { clipLine } from '../../text/clip-line.js';
import { instructionsOf, type DockerInstruction, type DockerStage } from '../dockerfile/model.js';
import type { StagePair } from '../dockerfile/stage-pair.js';
import type { Finding, FindingKind } from '../finding.js';
import type { DiffRule } from './diff-rule.js';
import { where } from './where.js';

interface Command {
  form: 'exec form' | 'shell form';
  /** `["a", "b"]` or the shell string. */
  text: string;
}

function commandOf(ins: DockerInstruction): Command {
  return ins.exec !== undefined ? { form: 'exec form', text: execText(ins.exec) } : { form: 'shell form', text: ins.text };
}

function execText(words: readonly string[]): string {
  return `[${words.map((w) => JSON.stringify(w)).join(', ')}]`;
}

function last(stage: DockerStage, keyword: string): DockerInstruction | undefined {
  return instructionsOf(stage, keyword).at(-1);
}

function diffStartCommand(pair: StagePair, keyword: 'CMD' | 'ENTRYPOINT', kind: FindingKind): Finding[] {
  const old = last(pair.before, keyword);
  const now = last(pair.after, keyword);
  if (old === undefined && now === undefined) return [];
  const o = old && commandOf(old);
  const n = now && commandOf(now);
  if (o !== undefined && n !== undefined && o.form === n.form && o.text === n.text) return [];
  const finding: Finding = { kind, stage: pair.label, instruction: keyword, summary: '' };
  if (o) finding.before = o.text;
  if (n) finding.after = n.text;
  if (old) finding.lineBefore = old.line;
  if (now) finding.lineAfter = now.line;
  const at = where(pair.label, old?.line, now?.line);
  if (o === undefined) finding.summary = `${keyword} added: ${clipLine(n!.text)} ${at}`;
  else if (n === undefined) finding.summary = `${keyword} removed (was ${clipLine(o.text)}; the base image's applies) ${at}`;
  else {
    const form = o.form === n.form ? '' : ` (${o.form} → ${n.form})`;
    finding.summary = `${keyword} changed${form}: ${clipLine(o.text)} → ${clipLine(n.text)} ${at}`;
  }
  return [finding];
}

interface Healthcheck {
  test: string;
  options: Map<string, string>;
}

function healthcheckOf(ins: DockerInstruction): Healthcheck {
  const options = new Map(ins.flags.map((f) => [f.name, f.value ?? ''] as const));
  const m = /^(CMD|NONE)\b\s*(.*)$/is.exec(ins.text);
  if (!m) return { test: ins.text, options };
  if (m[1]!.toUpperCase() === 'NONE') return { test: 'NONE (disabled)', options };
  const rest = m[2]!.trim();
  let test = rest;
  if (rest.startsWith('[')) {
    try {
      const words: unknown = JSON.parse(rest);
      if (Array.isArray(words) && words.every((w) => typeof w === 'string')) test = execText(words as string[]);
    } catch {
      // shell form after all
    }
  }
  return { test, options };
}

function diffHealthcheck(pair: StagePair): Finding[] {
  const old = last(pair.before, 'HEALTHCHECK');
  const now = last(pair.after, 'HEALTHCHECK');
  if (old === undefined && now === undefined) return [];
  const o = old && healthcheckOf(old);
  const n = now && healthcheckOf(now);
  const parts: string[] = [];
  if (o && n) {
    if (o.test !== n.test) parts.push(`test ${clipLine(o.test)} → ${clipLine(n.test)}`);
    for (const name of new Set([...o.options.keys(), ...n.options.keys()])) {
      const a = o.options.get(name);
      const b = n.options.get(name);
      if (a !== b) parts.push(`--${name} ${a ?? '(default)'} → ${b ?? '(default)'}`);
    }
    if (parts.length === 0) return [];
  }
  const text = (h: Healthcheck): string => [...[...h.options].map(([k, v]) => `--${k}=${v}`), h.test].join(' ');
  const finding: Finding = { kind: 'healthcheck', stage: pair.label, instruction: 'HEALTHCHECK', summary: '' };
  if (o) finding.before = text(o);
  if (n) finding.after = text(n);
  if (old) finding.lineBefore = old.line;
  if (now) finding.lineAfter = now.line;
  const at = where(pair.label, old?.line, now?.line);
  if (!o) finding.summary = `HEALTHCHECK added: ${clipLine(text(n!))} ${at}`;
  else if (!n) finding.summary = `HEALTHCHECK removed (was ${clipLine(text(o))}) ${at}`;
  else finding.summary = `HEALTHCHECK changed: ${parts.join('; ')} ${at}`;
  return [finding];
}

export const diffCommands: DiffRule = (pair) => {
  return [...diffStartCommand(pair, 'ENTRYPOINT', 'entrypoint'), ...diffStartCommand(pair, 'CMD', 'cmd'), ...diffHealthcheck(pair)];
};
