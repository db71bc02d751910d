/**
 * Compose's env file grammar (`.env` and `env_file:`), as compose-go's dotenv reader takes it:
 * `KEY=value` or `KEY: value`, an optional `export ` prefix, `#` comment lines, unquoted values cut at
 * ` #` and trimmed, single quotes verbatim (over several lines too), double quotes with `\n`-style
 * escapes, interpolation (`${VAR}` ...) in unquoted and double-quoted values from the lookup and then
 * from the file's earlier lines, and a bare `KEY` taken from the lookup (left out when unset).
 * `format: raw` takes every `KEY=VALUE` line verbatim. Pure.
 */
import { interpolate, InterpolationError, type Lookup } from './interpolate.js';

export interface EnvEntry {
  key: string;
  value: string;
  line: number;
}

export interface ParsedEnvFile {
  /** In file order; a key set twice appears twice (the later wins). */
  entries: EnvEntry[];
  /** Variables interpolated without a default and set nowhere. */
  unset: string[];
}

export class EnvFileError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'EnvFileError';
    this.line = line;
  }
}

/** The entries as a map (later lines win). */
export function envMap(parsed: ParsedEnvFile): Map<string, string> {
  return new Map(parsed.entries.map((entry) => [entry.key, entry.value]));
}

export function parseEnvFile(text: string, lookup: Lookup, options: { raw?: boolean } = {}): ParsedEnvFile {
  return options.raw === true ? parseRaw(text) : new EnvParser(text.replace(/\r\n/g, '\n'), lookup).parse();
}

function parseRaw(text: string): ParsedEnvFile {
  const entries: EnvEntry[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq < 0) throw new EnvFileError(index + 1, `no '=' in ${JSON.stringify(line)}`);
    entries.push({ key: line.slice(0, eq).trim(), value: line.slice(eq + 1), line: index + 1 });
  });
  return { entries, unset: [] };
}

const KEY_CHAR = /[\p{L}\p{N}_.\-[\]]/u;
const SPACE = /^[ \t\v\f\r\u0085\u00a0]$/;

class EnvParser {
  private pos = 0;
  private line = 1;
  /** The line the statement being read starts on. */
  private statementLine = 1;
  private readonly entries: EnvEntry[] = [];
  private readonly unset: string[] = [];

  constructor(
    private readonly text: string,
    private readonly lookup: Lookup,
  ) {}

  parse(): ParsedEnvFile {
    while (this.skipToStatement()) {
      const start = this.line;
      this.statementLine = start;
      const { key, bare } = this.readKey();
      if (bare) {
        const value = this.lookup(key);
        if (value !== undefined) this.entries.push({ key, value, line: start });
        continue;
      }
      this.entries.push({ key, value: this.readValue(), line: start });
    }
    return { entries: this.entries, unset: this.unset };
  }

  /** Skips blank space and comment lines; false at the end. */
  private skipToStatement(): boolean {
    for (;;) {
      while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? '')) {
        if (this.text[this.pos] === '\n') this.line++;
        this.pos++;
      }
      if (this.pos >= this.text.length) return false;
      if (this.text[this.pos] !== '#') return true;
      const end = this.text.indexOf('\n', this.pos);
      this.pos = end < 0 ? this.text.length : end;
    }
  }

  private readKey(): { key: string; bare: boolean } {
    const exported = /^export\s+/.exec(this.text.slice(this.pos));
    if (exported) this.pos += exported[0].replace(/\n/g, '').length;
    const start = this.pos;
    for (; this.pos < this.text.length; this.pos++) {
      const char = this.text[this.pos] ?? '';
      if (char === '=' || char === ':' || char === '\n') {
        const key = this.text.slice(start, this.pos).trimEnd();
        this.pos++;
        if (char === '\n') this.line++;
        if (/\s/.test(key)) throw new EnvFileError(this.line, 'key cannot contain a space');
        this.skipSpaces();
        return { key, bare: char === '\n' };
      }
      if (SPACE.test(char) || KEY_CHAR.test(char)) continue;
      const firstLine = this.text.slice(start).split('\n')[0];
      throw new EnvFileError(this.line, `unexpected character ${JSON.stringify(char)} in variable name ${JSON.stringify(firstLine)}`);
    }
    const key = this.text.slice(start).trimEnd();
    if (/\s/.test(key)) throw new EnvFileError(this.line, 'key cannot contain a space');
    return { key, bare: true };
  }

  private skipSpaces(): void {
    while (SPACE.test(this.text[this.pos] ?? '')) this.pos++;
  }

  private readValue(): string {
    const quote = this.text[this.pos];
    if (quote !== '"' && quote !== "'") {
      const end = this.text.indexOf('\n', this.pos);
      const raw = this.text.slice(this.pos, end < 0 ? this.text.length : end);
      this.pos = end < 0 ? this.text.length : end + 1;
      this.line++;
      const comment = raw.indexOf(' #');
      return this.expand((comment < 0 ? raw : raw.slice(0, comment)).replace(/\s+$/, ''));
    }
    return this.readQuoted(quote);
  }

  private readQuoted(quote: string): string {
    const startLine = this.line;
    let chars = '';
    let escaped = false;
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const char = this.text[i] ?? '';
      if (char === '\n') this.line++;
      if (char !== quote || escaped) {
        if (!escaped && char === '\\') {
          escaped = true;
          continue;
        }
        if (escaped && char !== quote) chars += '\\';
        escaped = false;
        chars += char;
        continue;
      }
      this.pos = i + 1;
      return quote === '"' ? this.expand(expandEscapes(chars)) : chars;
    }
    const firstLine = this.text.slice(this.pos).split('\n')[0] ?? '';
    throw new EnvFileError(startLine, `unterminated quoted value ${firstLine}`);
  }

  /** Interpolates a value: the lookup first, then the file's earlier lines. */
  private expand(value: string): string {
    const earlier = new Map(this.entries.map((entry) => [entry.key, entry.value]));
    try {
      const result = interpolate(value, (name) => this.lookup(name) ?? earlier.get(name));
      for (const name of result.unset) if (!this.unset.includes(name)) this.unset.push(name);
      return result.value;
    } catch (error) {
      if (error instanceof InterpolationError) throw new EnvFileError(this.statementLine, error.message);
      throw error;
    }
  }
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\' };

/** Double-quoted escapes: `\n`, `\t`, ..., `\"`, `\\`, octal `\0nnn`; `\$` stays a literal `$` (as `$$`). */
function expandEscapes(text: string): string {
  return text.replace(/\\(?:([abcfnrtv"\\$])|0([0-7]{0,3}))/g, (match, letter: string | undefined, octal: string | undefined) => {
    if (letter === '$') return '$$';
    if (letter !== undefined) return ESCAPES[letter] ?? match;
    return String.fromCharCode(parseInt(octal === '' || octal === undefined ? '0' : octal, 8));
  });
}
