/**
 * Directories a shell script creates explicitly: `mkdir [-p] a b`, `install -d a b`,
 * with simple brace expansion (`/app/{logs,tmp}`) and relative paths resolved against the
 * WORKDIR, or against the last `cd` of the same script.
 */
import { posix } from 'node:path';

import { programName, shellCommands } from './shell-commands.js';

export interface CreatedDirectory {
  /** Absolute when it could be resolved; paths starting with a variable stay as written. */
  path: string;
  /** How it is created: 'mkdir', 'mkdir -p' or 'install -d'. */
  how: string;
}

export function extractCreatedDirectories(script: string, workdir: string): CreatedDirectory[] {
  const created: CreatedDirectory[] = [];
  let cwd = workdir;
  for (const command of shellCommands(script)) {
    const program = programName(command[0] ?? '');
    const args = command.slice(1);
    if (program === 'cd') {
      const target = args.find((a) => !a.startsWith('-'));
      if (target !== undefined && !target.startsWith('$') && !target.startsWith('~')) cwd = posix.resolve(cwd, target);
    } else if (program === 'mkdir') {
      const { operands, switches } = splitOptions(args, new Set(['-m', '--mode', '--context', '-Z']));
      const how = switches.some((s) => s === '--parents' || /^-[a-zA-Z]*p/.test(s)) ? 'mkdir -p' : 'mkdir';
      for (const path of operands.flatMap(expandBraces)) created.push({ path: resolvePath(cwd, path), how });
    } else if (program === 'install') {
      const { operands, switches } = splitOptions(
        args,
        new Set(['-m', '--mode', '-o', '--owner', '-g', '--group', '-S', '--suffix', '-t', '--target-directory']),
      );
      if (!switches.some((s) => s === '--directory' || /^-[a-zA-Z]*d/.test(s))) continue;
      for (const path of operands.flatMap(expandBraces)) created.push({ path: resolvePath(cwd, path), how: 'install -d' });
    }
  }
  return created;
}

function splitOptions(args: readonly string[], valued: ReadonlySet<string>): { operands: string[]; switches: string[] } {
  const operands: string[] = [];
  const switches: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i]!;
    if (a.startsWith('-') && a.length > 1) {
      switches.push(a);
      if (valued.has(a)) i += 1;
    } else operands.push(a);
  }
  return { operands, switches };
}

function resolvePath(cwd: string, path: string): string {
  if (path.startsWith('$') || path.startsWith('~')) return path;
  return posix.resolve(cwd, path);
}

/** `a/{b,c}/d` → `a/b/d`, `a/c/d` (one level at a time, recursively). */
function expandBraces(word: string): string[] {
  const m = /^(.*?)\{([^{}]*,[^{}]*)\}(.*)$/.exec(word);
  if (!m) return [word];
  return m[2]!.split(',').flatMap((part) => expandBraces(`${m[1]!}${part}${m[3]!}`));
}
