/**
 * The simple commands of a shell script (the text of a RUN instruction) that actually run, as
 * word lists: the script is split into words by shell-words.ts, then what only wraps a command
 * is removed — `sudo`, `env`, `VAR=value` prefixes, reserved words (`then`, `do`, `{`…) — and
 * `sh -c '…'` / `bash -ec "…"` are replaced by the commands of their script, split in turn.
 */
import { splitShellWords } from './shell-words.js';

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const RESERVED = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'while',
  'until',
  '!',
  '{',
  '}',
  'time',
  'nohup',
  'exec',
  'command',
  'builtin',
]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** The simple commands of a script, unwrapped (see the file comment): what actually runs. */
export function shellCommands(script: string): string[][] {
  const result: string[][] = [];
  for (const words of splitShellWords(script)) {
    const command = unwrapCommand(words);
    if (command.length === 0) continue;
    const inner = shellScriptArgument(command);
    if (inner !== undefined) result.push(...shellCommands(inner));
    else result.push(command);
  }
  return result;
}

/** Remove what only wraps the real command: reserved words, assignments, sudo, env. */
function unwrapCommand(words: readonly string[]): string[] {
  let rest = [...words];
  for (;;) {
    const first = rest[0];
    if (first === undefined) return rest;
    if (RESERVED.has(first) || ASSIGNMENT.test(first)) {
      rest = rest.slice(1);
    } else if (first === 'sudo') {
      rest = skipOptions(rest.slice(1), new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '--user', '--group']));
    } else if (first === 'env') {
      rest = skipOptions(rest.slice(1), new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string']));
    } else {
      return rest;
    }
  }
}

function skipOptions(words: string[], takesValue: ReadonlySet<string>): string[] {
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    if (w === '--') return words.slice(i + 1);
    if (!w.startsWith('-') || w === '-') break;
    i += takesValue.has(w) ? 2 : 1;
  }
  return words.slice(i);
}

/** `sh -c 'script'`, `bash -ec "script"`: the script; otherwise undefined. */
function shellScriptArgument(command: readonly string[]): string | undefined {
  const program = command[0];
  if (program === undefined || !SHELLS.has(programName(program))) return undefined;
  for (let i = 1; i < command.length; i += 1) {
    const w = command[i]!;
    if (!w.startsWith('-')) return undefined;
    if (/^-[a-z]*c[a-z]*$/.test(w)) return command[i + 1];
  }
  return undefined;
}

/** The name a command is invoked by: `/usr/bin/pip3` → `pip3`. */
export function programName(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash === -1 ? word : word.slice(slash + 1);
}
