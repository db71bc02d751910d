/**
 * A shell script (the text of a RUN instruction) split into simple commands, as word lists.
 *
 * Not a full shell: enough to find what `apt-get install`, `mkdir`, `useradd`… are given.
 * - splits on `&&`, `||`, `;`, `|`, `&`, newlines and subshell parentheses — never inside quotes;
 * - removes quotes and backslash escapes, joins `\`-newline continuations, drops comments;
 * - keeps `$(…)` and backquoted substitutions inside the word they belong to;
 * - drops redirections (`> file`, `2>&1`, `<<EOF`).
 * What only wraps a command (`sudo`, `sh -c '…'`…) is left to shell-commands.ts.
 */

/** Split a script into simple commands (words, quotes removed), before any unwrapping. */
export function splitShellWords(script: string): string[][] {
  const out = new CommandWords();
  let i = 0;
  while (i < script.length) i = readAt(script, i, out);
  out.endCommand();
  return out.commands;
}

/** The commands read so far, the words of the current one, and the word being read. */
class CommandWords {
  readonly commands: string[][] = [];
  /** The word being read; null between words (a quoted empty word is '', not null). */
  word: string | null = null;
  private words: string[] = [];
  /** After a redirection operator: the next word is its target, not an argument. */
  private skipNextWord = false;

  append(text: string): void {
    this.word = (this.word ?? '') + text;
  }

  endWord(): void {
    if (this.word !== null) {
      if (this.skipNextWord) this.skipNextWord = false;
      else this.words.push(this.word);
    }
    this.word = null;
  }

  endCommand(): void {
    this.endWord();
    if (this.words.length > 0) this.commands.push(this.words);
    this.words = [];
    this.skipNextWord = false;
  }

  /** A redirection: a file-descriptor number just before it is dropped, and so is its target. */
  redirect(): void {
    if (this.word !== null && /^\d+$/.test(this.word)) this.word = null;
    this.endWord();
    this.skipNextWord = true;
  }
}

/** Reads what starts at `i` into `out`; returns where the next thing starts. */
function readAt(text: string, i: number, out: CommandWords): number {
  const c = text[i]!;
  const next = text[i + 1];
  if (c === '\\') return readEscape(text, i, out);
  if (c === "'") return readSingleQuoted(text, i, out);
  if (c === '"') return readDoubleQuoted(text, i, out);
  if ((c === '$' && next === '(') || c === '`') return readSubstitution(text, i, out);
  if (c === '#' && out.word === null) return endOfComment(text, i);
  if (c === ' ' || c === '\t' || c === '\r') {
    out.endWord();
    return i + 1;
  }
  if (c === '\n' || c === ';' || c === '(' || c === ')') {
    out.endCommand();
    return i + 1;
  }
  if (c === '>' || c === '<' || (c === '&' && next === '>')) return readRedirection(text, i, out);
  if (c === '&' || c === '|') {
    out.endCommand();
    return i + (next === c ? 2 : 1);
  }
  out.append(c);
  return i + 1;
}

/** `\x` is a literal x; a backslash before a line break joins the lines. */
function readEscape(text: string, i: number, out: CommandWords): number {
  const next = text[i + 1];
  if (next === '\n') return i + 2;
  if (next === '\r' && text[i + 2] === '\n') return i + 3;
  out.append(next ?? '');
  return i + 2;
}

/** `'…'`: everything up to the next quote, as it is. */
function readSingleQuoted(text: string, i: number, out: CommandWords): number {
  const end = text.indexOf("'", i + 1);
  const stop = end === -1 ? text.length : end;
  out.append(text.slice(i + 1, stop));
  return stop + 1;
}

/** `"…"`: a backslash escapes only `"`, `\`, `$`, a backquote and a line break; it stays before anything else. */
function readDoubleQuoted(text: string, i: number, out: CommandWords): number {
  let value = '';
  let j = i + 1;
  while (j < text.length && text[j] !== '"') {
    if (text[j] === '\\' && j + 1 < text.length) {
      const escaped = text[j + 1]!;
      if (escaped !== '\n') value += '"\\$`'.includes(escaped) ? escaped : `\\${escaped}`;
      j += 2;
      continue;
    }
    value += text[j];
    j += 1;
  }
  out.append(value);
  return j + 1;
}

/** `$(…)` or a backquoted command: kept as written, in the word it belongs to. */
function readSubstitution(text: string, i: number, out: CommandWords): number {
  let end: number;
  if (text[i] === '`') {
    const close = text.indexOf('`', i + 1);
    end = close === -1 ? text.length : close;
  } else {
    end = matchingParenthesis(text, i + 1);
  }
  out.append(text.slice(i, end + 1));
  return end + 1;
}

/** A comment runs to the end of the line (the line break still ends the command). */
function endOfComment(text: string, i: number): number {
  let j = i;
  while (j < text.length && text[j] !== '\n') j += 1;
  return j;
}

/** `>`, `>>`, `2>&1`, `&>`, `<<-`…: the operator is skipped; its target, glued to it or the next word, is dropped. */
function readRedirection(text: string, i: number, out: CommandWords): number {
  out.redirect();
  let j = i + 1;
  while (j < text.length && '<>&|-'.includes(text[j]!)) j += 1;
  return j;
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
