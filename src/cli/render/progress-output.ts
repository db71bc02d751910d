/**
 * Where progress goes: an ora spinner on a terminal with room for one (one line that changes), else
 * plain lines prefixed `deploybisect:`.
 *
 * A pseudo-terminal can report a width of 0 (`script … </dev/null`, CI wrappers, `docker run -t`
 * before its first resize): ora divides by the width to count the lines it must clear, and with 0 it
 * clears for ever, blocking the event loop (signals included). So the spinner is drawn only on a
 * terminal at least MIN_COLUMNS wide, through a view of the stream whose width never drops below
 * that, with its text cut to one line; a terminal resized below it falls back to plain lines.
 */
import ora, { type Ora } from 'ora';

import { clipLine } from '../../text/clip-line.js';
import { colorEnabled } from './color.js';

/** Narrower than this, no spinner line is drawn. */
export const MIN_COLUMNS = 20;

/** Whether progress on `stream` may animate: a terminal (not CI, not TERM=dumb) with a usable width. */
export function canAnimate(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && (stream.columns ?? 0) >= MIN_COLUMNS && env.CI !== 'true' && env.TERM !== 'dumb';
}

/** What ora uses of its stream, with the width (and height) held at a usable minimum whatever the terminal says. */
function boundedGeometry(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  const view = {
    isTTY: true,
    get columns() {
      return Math.max(MIN_COLUMNS, stream.columns ?? 0);
    },
    get rows() {
      return Math.max(2, stream.rows ?? 0);
    },
    write: (...args: Parameters<NodeJS.WriteStream['write']>) => stream.write(...args),
    cursorTo: (x: number) => stream.cursorTo(x),
    moveCursor: (dx: number, dy: number, callback?: () => void) => stream.moveCursor(dx, dy, callback),
    clearLine: (dir: -1 | 0 | 1, callback?: () => void) => stream.clearLine(dir, callback),
    once: (event: string, listener: () => void) => stream.once(event, listener),
    removeListener: (event: string, listener: () => void) => stream.removeListener(event, listener),
  };
  return view as unknown as NodeJS.WriteStream;
}

export class ProgressOutput {
  private animate: boolean;
  private spinner: Ora | undefined;
  private readonly onResize = () => {
    if ((this.stream.columns ?? 0) >= MIN_COLUMNS) return;
    // Too narrow now: the spinner goes, plain lines from here on.
    this.spinner?.stop();
    this.spinner = undefined;
    this.animate = false;
    this.stream.off('resize', this.onResize);
  };

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.animate = canAnimate(stream);
    if (this.animate) stream.on('resize', this.onResize);
  }

  /** True while progress is a spinner (false: plain lines). */
  get interactive(): boolean {
    return this.animate;
  }

  /** A line that stays (above the spinner, when one runs). */
  line(text: string): void {
    if (this.spinner?.isSpinning) {
      this.spinner.clear();
      this.stream.write(`${text}\n`);
      this.spinner.render();
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** What is happening now: the spinner's text (one line of the terminal), or a plain line. */
  status(text: string): void {
    if (!this.animate) return this.line(`deploybisect: ${text}`);
    this.spinner ??= ora({
      stream: boundedGeometry(this.stream),
      isEnabled: true,
      color: colorEnabled(this.stream) ? 'cyan' : (false as never),
      discardStdin: false,
    });
    // The spinner's frame and a space take two columns.
    this.spinner.text = clipLine(text, Math.max(MIN_COLUMNS, this.stream.columns ?? 0) - 3);
    if (!this.spinner.isSpinning) this.spinner.start();
  }

  /** A result that replaces the spinner's line (with its symbol), or a plain line. */
  persist(symbol: string, text: string): void {
    if (this.animate && this.spinner) this.spinner.stopAndPersist({ symbol, text });
    else this.line(`deploybisect: ${text}`);
  }

  /** A message: coloured on a terminal, prefixed elsewhere. */
  message(text: string, style: (text: string) => string): void {
    if (this.animate) this.spinner?.stop();
    this.line(this.animate ? style(text) : `deploybisect: ${text}`);
  }

  stop(): void {
    this.spinner?.stop();
    this.stream.off('resize', this.onResize);
  }
}
