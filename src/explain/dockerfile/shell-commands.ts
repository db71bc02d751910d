/**
 * The simple commands of a shell script (the text of a RUN instruction), as word lists.
 *
 * Not a full shell: enough to find what `apt-get install`, `mkdir`, `useradd`… are given.
 * - splits on `&&`, `||`, `;`, `|`, `&`, newlines and subshell parentheses — never inside quotes;
 * - removes quotes and backslash escapes, joins `\`-newline continuations, drops comments;
 * - keeps `$(…)` and backquoted substitutions inside the word they belong to;
 * - drops redirections (`> file`, `2>&1`, `<<EOF`);
 * - unwraps `sudo`, `env`, `VAR=value` prefixes, reserved words (`then`, `do`, `{`…) and
 *   `sh -c '…'` / `bash -ec "…"`, whose script is split in turn.
 */

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'time', 'nohup', 'exec', 'command', 'builtin']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Split a script into simple commands (words, quotes removed), before any unwrapping. */
export function splitShellWords(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | null = null;
  let skipNextWord = false; // the target of a redirection
  const endWord = (): void => {
    if (word !== null) {
      if (skipNextWord) skipNextWord = false;
      else words.push(word);
    }
    word = null;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
    skipNextWord = false;
  };
  const text = script;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '\\') {
      if (next === '\n') i += 2;
      else if (next === '\r' && text[i + 2] === '\n') i += 3;
      else {
        word = (word ?? '') + (next ?? '');
        i += 2;
      }
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end === -1 ? text.length : end;
      word = (word ?? '') + text.slice(i + 1, stop);
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      let value = '';
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) {
          const escaped = text[i + 1]!;
          if (escaped === '\n') {
            i += 2;
            continue;
          }
          value += '"\\$`'.includes(escaped) ? escaped : `\\${escaped}`;
          i += 2;
          continue;
        }
        value += text[i];
        i += 1;
      }
      word = (word ?? '') + value;
      i += 1;
      continue;
    }
    if (c === '$' && next === '(') {
      const end = matchingParenthesis(text, i + 1);
      word = (word ?? '') + text.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      const stop = end === -1 ? text.length : end;
      word = (word ?? '') + text.slice(i, stop + 1);
      i = stop + 1;
      continue;
    }
    if (c === '#' && word === null) {
      while (i < text.length && text[i] !== '\n') i += 1;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i += 1;
      continue;
    }
    if (c === '\n' || c === ';' || c === '(' || c === ')') {
      endCommand();
      i += 1;
      continue;
    }
    if (c === '>' || c === '<' || (c === '&' && next === '>')) {
      // A redirection: drop a file-descriptor number just before it, and its target.
      if (word !== null && /^\d+$/.test(word)) word = null;
      endWord();
      i += 1;
      while (i < text.length && '<>&|-'.includes(text[i]!)) i += 1;
      // `2>&1`: the target is glued to the operator; otherwise it is the next word.
      skipNextWord = true;
      continue;
    }
    if (c === '&' || c === '|') {
      endCommand();
      i += next === c ? 2 : 1;
      continue;
    }
    word = (word ?? '') + c;
    i += 1;
  }
  endCommand();
  return commands;
}

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

function matchingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    const c = text[i];
    if (c === '(') depth += 1;
    else if (c === ')') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return text.length - 1;
}

/** The name a command is invoked by: `/usr/bin/pip3` → `pip3`. */
export function programName(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash === -1 ? word : word.slice(slash + 1);
}
