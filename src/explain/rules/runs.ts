/**
 * RUN instructions added or removed that the package, directory and user findings do not
 * already explain. Identical RUNs (even moved) are not changes. A removed RUN and an added RUN
 * that differ only in the packages / directories / user names they name are explained (the
 * other findings say what changed). A RUN added or removed outright is explained when all it
 * does is install, mkdir or useradd, plus housekeeping (`apt-get update`, cache clean-up).
 */
import { clipLine } from '../../text/clip-line.js';
import { packagesOfCommand } from '../dockerfile/install-commands.js';
import { instructionsOf, type DockerInstruction } from '../dockerfile/model.js';
import { multisetDiff } from '../dockerfile/multiset-diff.js';
import { runScript } from '../dockerfile/run-script.js';
import { programName, shellCommands } from '../dockerfile/shell-commands.js';
import type { Finding } from '../finding.js';
import type { DiffRule } from './diff-rule.js';
import { where } from './where.js';

type Role = 'effect' | 'housekeeping' | 'other';

const CACHE_PATHS =
  /^(\/var\/lib\/apt\/lists|\/var\/cache|\/tmp|\/root\/\.cache|\/root\/\.npm|~\/\.cache|\$HOME\/\.cache|\/var\/tmp)(\/|$)/;

function roleOf(command: readonly string[]): Role {
  const program = programName(command[0] ?? '');
  const args = command.slice(1);
  const sub = args.find((a) => !a.startsWith('-'));
  if (packagesOfCommand(command).length > 0) return 'effect';
  if (program === 'mkdir' || program === 'useradd' || program === 'adduser') return 'effect';
  if (program === 'install' && args.some((a) => a === '--directory' || /^-[a-zA-Z]*d/.test(a))) return 'effect';
  if (
    ['apt-get', 'apt', 'apk', 'yum', 'dnf', 'microdnf'].includes(program) &&
    ['update', 'clean', 'autoclean', 'autoremove', 'makecache', 'cache'].includes(sub ?? '')
  )
    return 'housekeeping';
  if ((program === 'npm' || /^pip/.test(program)) && sub === 'cache') return 'housekeeping';
  if (program === 'rm' && args.filter((a) => !a.startsWith('-')).every((a) => CACHE_PATHS.test(a))) return 'housekeeping';
  if (program === 'set' || program === 'true' || program === ':') return 'housekeeping';
  return 'other';
}

interface RunShape {
  ins: DockerInstruction;
  /** Each command of the chain, as words joined by spaces. */
  commands: string[];
  /** The commands with package names, directories and user names left out (their findings say those). */
  residualCommands: string[];
  /** Flags and the command with whitespace normalised: what makes two RUNs identical. */
  identity: string;
  /** The identity with package names, directories and user names left out. */
  residual: string;
  /** Whether the RUN only installs/creates things, plus housekeeping. */
  explained: boolean;
  command: string;
  flags: string;
}

function shapeOf(ins: DockerInstruction): RunShape {
  const flags = ins.flags.map((f) => `--${f.name}=${f.value ?? ''}`).join(' ');
  const script = runScript(ins);
  const commands = shellCommands(script);
  const roles = commands.map(roleOf);
  // Installs keep their program and options (a dropped --no-install-recommends matters); mkdir
  // and useradd are covered by their own findings entirely.
  const installs = new Set<string>();
  const others: string[] = [];
  commands.forEach((c, i) => {
    const program = programName(c[0] ?? '');
    if (roles[i] !== 'effect') others.push(c.join(' '));
    else if (!['mkdir', 'install', 'useradd', 'adduser'].includes(program))
      // The program, its subcommand (`install`, `add`) and options: without the package names.
      installs.add(c.filter((w, j) => j === 0 || w.startsWith('-') || j === c.findIndex((x, k) => k > 0 && !x.startsWith('-'))).join(' '));
  });
  const residualCommands = [...[...installs].sort(), ...others];
  const residual = residualCommands.join(' && ');
  const command = ins.exec !== undefined ? JSON.stringify(ins.exec) : script.replace(/\s+/g, ' ').trim();
  const withFlags = (text: string): string => (flags === '' ? text : `${flags} ${text}`);
  return {
    ins,
    commands: commands.map((c) => c.join(' ')),
    residualCommands,
    identity: withFlags(command),
    residual: withFlags(residual),
    explained: roles.includes('effect') && roles.every((r) => r !== 'other'),
    command,
    flags,
  };
}

export const diffRuns: DiffRule = (pair) => {
  const changed = multisetDiff(
    instructionsOf(pair.before, 'RUN').map(shapeOf),
    instructionsOf(pair.after, 'RUN').map(shapeOf),
    (s) => s.identity,
  );
  const findings: Finding[] = [];
  // The same command with other flags (--mount, --network…): one finding, like a version change.
  const sameCommand = multisetDiff(changed.removed, changed.added, (s) => s.command);
  for (const [old, now] of sameCommand.kept) {
    findings.push({
      kind: 'run-added',
      stage: pair.label,
      instruction: 'RUN',
      before: clipLine(old.identity),
      after: clipLine(now.identity),
      lineBefore: old.ins.line,
      lineAfter: now.ins.line,
      summary: `RUN flags changed: ${old.flags || '(none)'} → ${now.flags || '(none)'} for ${clipLine(now.command, 80)} ${where(pair.label, old.ins.line, now.ins.line)}`,
    });
  }
  // Pair what differs only in names: the package/directory/user findings cover it.
  const residuals = multisetDiff(sameCommand.removed, sameCommand.added, (s) => s.residual);
  // A RUN whose chain gained or lost commands: one finding saying which, not a removed/added pair.
  const { pairs, removed: unexplainedRemoved, added: unexplainedAdded } = pairChains(residuals.removed, residuals.added);
  for (const [old, now] of pairs) {
    // Both only install, create or add users (plus housekeeping): the package, directory and user findings say it.
    if (!(old.explained && now.explained)) findings.push(changedChain(pair.label, old, now));
  }
  for (const old of unexplainedRemoved) {
    if (old.explained) continue;
    const command = clipLine(old.identity);
    findings.push({
      kind: 'run-removed',
      stage: pair.label,
      instruction: 'RUN',
      before: command,
      lineBefore: old.ins.line,
      summary: `RUN removed: ${command} ${where(pair.label, old.ins.line, undefined)}`,
    });
  }
  for (const now of unexplainedAdded) {
    if (now.explained) continue;
    const command = clipLine(now.identity);
    findings.push({
      kind: 'run-added',
      stage: pair.label,
      instruction: 'RUN',
      after: command,
      lineAfter: now.ins.line,
      summary: `RUN added: ${command} ${where(pair.label, undefined, now.ins.line)}`,
    });
  }
  return findings;
};

/** A command by its program and first operand (`npm install`): what two versions of one step share. */
const looseKey = (command: string) =>
  command
    .split(' ')
    .filter((w) => !w.startsWith('-'))
    .slice(0, 2)
    .join(' ');

/** Removed and added RUNs that share a command (by program and first operand), paired (the most shared first); the rest stay apart. */
function pairChains(removed: RunShape[], added: RunShape[]): { pairs: [RunShape, RunShape][]; removed: RunShape[]; added: RunShape[] } {
  const free = new Set(added);
  const pairs: [RunShape, RunShape][] = [];
  const unpaired: RunShape[] = [];
  for (const old of removed) {
    let best: RunShape | undefined;
    let bestShared = 0;
    for (const now of free) {
      const shared = multisetDiff(old.commands, now.commands, looseKey).kept.length;
      if (shared > bestShared) [best, bestShared] = [now, shared];
    }
    if (best) {
      free.delete(best);
      pairs.push([old, best]);
    } else unpaired.push(old);
  }
  return { pairs, removed: unpaired, added: added.filter((s) => free.has(s)) };
}

const quoted = (commands: readonly string[]) => commands.map((c) => `\`${clipLine(c, 60)}\``).join(', ');

function changedChain(label: string, old: RunShape, now: RunShape): Finding {
  const diff = multisetDiff(old.residualCommands, now.residualCommands, (c) => c);
  const added = diff.added;
  const removed = diff.removed;
  const parts = [
    ...(added.length > 0 ? [`${quoted(added)} added to the chain`] : []),
    ...(removed.length > 0 ? [`${quoted(removed)} removed from it`] : []),
  ];
  const what = parts.length > 0 ? parts.join('; ') : 'its commands changed order';
  return {
    kind: 'run-changed',
    stage: label,
    instruction: 'RUN',
    before: clipLine(old.identity),
    after: clipLine(now.identity),
    lineBefore: old.ins.line,
    lineAfter: now.ins.line,
    commands: { added, removed },
    summary: `RUN changed: ${what} ${where(label, old.ins.line, now.ins.line)}`,
  };
}
