/**
 * Who runs things: the USER the container starts as (the last USER of the stage), the USER
 * sequence during the build when only that changed, and accounts created by useradd/adduser.
 */
import { extractCreatedUsers, type CreatedUser } from '../dockerfile/created-users.js';
import { instructionsOf, type DockerStage } from '../dockerfile/model.js';
import { runScript } from '../dockerfile/run-script.js';
import type { StagePair } from '../dockerfile/stage-pair.js';
import type { Finding } from '../finding.js';
import type { DiffRule } from './diff-rule.js';
import { where } from './where.js';

function diffUser(pair: StagePair): Finding[] {
  const oldUsers = instructionsOf(pair.before, 'USER');
  const newUsers = instructionsOf(pair.after, 'USER');
  const old = oldUsers.at(-1);
  const now = newUsers.at(-1);
  const finding: Finding = { kind: 'user', stage: pair.label, instruction: 'USER', summary: '' };
  if (old) Object.assign(finding, { before: old.text, lineBefore: old.line });
  if (now) Object.assign(finding, { after: now.text, lineAfter: now.line });
  if (old?.text !== now?.text) {
    const base = "the base image's user (root unless it sets one)";
    finding.summary = `USER changed: ${old?.text ?? base} → ${now?.text ?? base} ${where(pair.label, old?.line, now?.line)}`;
    return [finding];
  }
  const sequence = (list: typeof oldUsers): string => list.map((u) => u.text).join(', ');
  if (sequence(oldUsers) !== sequence(newUsers)) {
    finding.summary = `USER during the build changed: ${sequence(oldUsers)} → ${sequence(newUsers)} (the final user is the same) ${where(pair.label, old?.line, now?.line)}`;
    return [finding];
  }
  return [];
}

function createdUsers(stage: DockerStage): Map<string, CreatedUser & { line: number }> {
  const users = new Map<string, CreatedUser & { line: number }>();
  for (const run of instructionsOf(stage, 'RUN')) {
    for (const user of extractCreatedUsers(runScript(run))) if (!users.has(user.name)) users.set(user.name, { ...user, line: run.line });
  }
  return users;
}

function diffUseradd(pair: StagePair): Finding[] {
  const before = createdUsers(pair.before);
  const after = createdUsers(pair.after);
  const findings: Finding[] = [];
  for (const [name, old] of before) {
    const now = after.get(name);
    if (now === undefined) {
      findings.push({
        kind: 'useradd',
        stage: pair.label,
        instruction: 'RUN',
        before: name,
        lineBefore: old.line,
        summary: `user ${name} is no longer created ${where(pair.label, old.line, undefined, old.how)}`,
      });
    } else if (old.options.join(' ') !== now.options.join(' ')) {
      findings.push({
        kind: 'useradd',
        stage: pair.label,
        instruction: 'RUN',
        before: name,
        after: name,
        lineBefore: old.line,
        lineAfter: now.line,
        summary: `user ${name} is created differently: ${old.options.join(' ')} → ${now.options.join(' ')} ${where(pair.label, old.line, now.line)}`,
      });
    }
  }
  for (const [name, now] of after) {
    if (before.has(name)) continue;
    findings.push({
      kind: 'useradd',
      stage: pair.label,
      instruction: 'RUN',
      after: name,
      lineAfter: now.line,
      summary: `user ${name} is now created ${where(pair.label, undefined, now.line, now.how)}`,
    });
  }
  return findings;
}

export const diffUsers: DiffRule = (pair) => {
  return [...diffUser(pair), ...diffUseradd(pair)];
};
