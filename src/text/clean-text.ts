/**
 * Program output made safe to show and store: each line as a terminal would show it. Escape
 * sequences go (CSI: colours, cursor movement, modes; OSC: titles, hyperlinks; DCS, SOS, PM, APC;
 * the short ESC ones, which take the character after the ESC, as a terminal does); a carriage
 * return or a backspace moves back over the line, so that what is written next replaces what was
 * there (a progress bar redrawn with `\r` keeps its last state), as do moves along the line
 * (`ESC[G`, `ESC[C`, `ESC[D`) and erasures (`ESC[K`, `ESC[X`); the other C0 and C1 controls go,
 * except tab. Text without any control comes back as it is.
 *
 * Node's util.stripVTControlCharacters is not enough: it leaves OSC strings whose text holds a
 * space or `,+!()'` (window titles, most hyperlinks), DCS strings, CSI with `:` or `>` parameters
 * and lone ESCs, it takes the letter after `ESC 7` (save cursor) with the sequence, and it does not
 * touch `\r`, backspace or the other controls.
 */

// The sequences, after ECMA-48 and the VT500 parser: strings end at BEL or ST, and a sequence
// broken off by another ESC (or by the end of the line) is dropped up to there.
const SEQUENCE = new RegExp(
  [
    // OSC, DCS, SOS, PM, APC: a string, to BEL or ST (ESC \ or U+009C), the next ESC or the end of the line.
    /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?/.source,
    // CSI: parameter bytes, intermediate bytes, a final byte (groups 1 to 3).
    /(?:\u001b\[|\u009b)([0-?]*)([ -/]*)([@-~]?)/.source,
    // Any other: ESC, intermediate bytes, a final byte (`ESC ( B`, `ESC 7`, `ESC M`); or a lone ESC.
    /\u001b[ -/]*[0-~]?/.source,
  ].join('|'),
  'g',
);
/** A control character other than tab and line feed: a line without one needs no work. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROLS = new RegExp(CONTROL.source, 'g');
/** What may move the cursor along the line or erase (a superset): a line without any only loses its sequences and controls. */
const MOVES = /[\r\b]|(?:\u001b\[|\u009b)[0-?]*[ -/]*[GCDKXa`]/;
/** How far right a cursor move may go past the text: a terminal stops at its edge; `ESC[999999999C` must not make a line that long. */
const WIDTH = 1024;

export interface CleanOptions {
  /**
   * Keep colours and styles (SGR, `ESC[…m`), for a terminal that shows them; every other sequence
   * still goes. A line that sets any ends with a reset, so that its colour stays on it.
   */
  keepColour?: boolean;
}

/** The text with each line (lines end at `\n`) as a terminal shows it; see the top of this file. */
export function cleanText(text: string, options: CleanOptions = {}): string {
  if (!CONTROL.test(text)) return text;
  return text
    .split('\n')
    .map((line) => cleanLine(line, options.keepColour ?? false))
    .join('\n');
}

function cleanLine(line: string, keepColour: boolean): string {
  if (!CONTROL.test(line)) return line;
  if (!keepColour && !MOVES.test(line)) return line.replace(SEQUENCE, '').replace(CONTROLS, '');
  const screen = new LineScreen(keepColour);
  let at = 0;
  for (const match of line.matchAll(SEQUENCE)) {
    screen.write(line.slice(at, match.index));
    const [, parameters, intermediates, final] = match;
    if (parameters !== undefined && final) screen.csi(parameters, intermediates!, final);
    at = match.index + match[0].length;
  }
  screen.write(line.slice(at));
  return screen.text();
}

/** The code points of CONTROL. */
function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f);
}

/** One line of a terminal: cells written at a cursor that control characters and CSI move. */
class LineScreen {
  private readonly cells: string[] = [];
  private column = 0;
  /** SGR sequences waiting for the next character written (keepColour). */
  private pending = '';
  private coloured = false;

  constructor(private readonly keepColour: boolean) {}

  write(text: string): void {
    for (const char of text) {
      if (char === '\r') this.column = 0;
      else if (char === '\b') this.column = Math.max(0, this.column - 1);
      else if (!isControl(char.codePointAt(0)!)) this.put(char);
    }
  }

  csi(parameters: string, intermediates: string, final: string): void {
    // Private sequences (`ESC[?25l`, `ESC[>4;1m`) and those with intermediates change no text.
    if (intermediates !== '' || /^[<=>?]/.test(parameters)) return;
    const first = Number.parseInt(parameters.split(/[;:]/)[0]!, 10);
    const n = Number.isNaN(first) ? 0 : first;
    const times = Math.max(1, n);
    if (final === 'm' && this.keepColour) {
      this.pending += `\u001b[${parameters}m`;
      this.coloured = true;
    } else if (final === 'G' || final === '`') this.moveTo(times - 1);
    else if (final === 'C' || final === 'a') this.moveTo(this.column + times);
    else if (final === 'D') this.moveTo(this.column - times);
    else if (final === 'K') this.eraseInLine(n);
    else if (final === 'X') this.blank(this.column, this.column + times);
  }

  text(): string {
    const text = this.cells.join('') + this.pending;
    // A line that ends with a reset needs no other.
    return this.coloured && !/\u001b\[0?m$/.test(text) ? `${text}\u001b[0m` : text;
  }

  private moveTo(column: number): void {
    this.column = Math.max(0, Math.min(column, Math.max(this.cells.length, WIDTH)));
  }

  private put(char: string): void {
    while (this.cells.length < this.column) this.cells.push(' ');
    this.cells[this.column++] = this.pending + char;
    this.pending = '';
  }

  /** `ESC[K`: 0 from the cursor to the end, 1 from the start to the cursor, 2 the whole line. */
  private eraseInLine(mode: number): void {
    if (mode === 0) this.cells.length = Math.min(this.cells.length, this.column);
    else if (mode === 1) this.blank(0, this.column + 1);
    else if (mode === 2) this.cells.length = 0;
  }

  private blank(from: number, to: number): void {
    for (let i = from; i < Math.min(to, this.cells.length); i++) this.cells[i] = ' ';
  }
}

/**
 * A line of output for a live view, through `mask` (secrets): as printed, escape codes and all,
 * unless the codes split something `mask` finds in the clean line (`se\e[1mcret`): then the clean,
 * masked line.
 */
export function maskedAsPrinted(printed: string, mask: (text: string) => string): string {
  const masked = mask(printed);
  if (!CONTROL.test(printed)) return masked;
  const clean = mask(cleanText(printed));
  return cleanText(masked) === clean ? masked : clean;
}
