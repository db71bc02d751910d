/**
 * Output that arrives in pieces (a container's log stream, BuildKit's vertex logs, the classic
 * builder's stream) cut into the lines its program ended: at `\n`, not where a piece ends and not at
 * a `\r` (a progress bar redrawn with `\r` stays one line; cleanText shows its last state). Bytes
 * are decoded as UTF-8 across pieces. A `\r` before the `\n` is dropped with it.
 */
import { StringDecoder } from 'node:string_decoder';

/** A line that never ends (a progress bar redrawn for an hour) is cut at this length, so it cannot fill the memory. */
const MAX_LINE = 64 * 1024;

export class LineSplitter {
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');

  /** The lines this piece completes. */
  push(piece: string | Uint8Array): string[] {
    this.partial += typeof piece === 'string' ? piece : this.decoder.write(piece);
    const lines = this.partial.split('\n');
    this.partial = lines.pop()!;
    if (this.partial.length > MAX_LINE) {
      lines.push(this.partial);
      this.partial = '';
    }
    return lines.map(withoutCarriageReturn);
  }

  /** True when a line has begun and not ended. */
  get pending(): boolean {
    return this.partial !== '';
  }

  /** The line begun and not ended, if any (the output stopped without a last `\n`); the splitter is empty after. */
  end(): string[] {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    return rest === '' ? [] : [withoutCarriageReturn(rest)];
  }
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
