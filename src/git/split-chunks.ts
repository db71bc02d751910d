/**
 * Splits a stream of chunks at a delimiter byte (a newline, a NUL) without copying each chunk:
 * every token is handed over as (buffer, start, end), the delimiter left out. Only a token cut by a
 * chunk boundary is copied, once.
 */
export class ChunkSplitter {
  private carry: Buffer | undefined;

  constructor(
    private readonly delimiter: number,
    private readonly emit: (buffer: Buffer, start: number, end: number) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    let at = chunk.indexOf(this.delimiter);
    if (this.carry !== undefined) {
      if (at < 0) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const token = Buffer.concat([this.carry, chunk.subarray(0, at)]);
      this.carry = undefined;
      this.emit(token, 0, token.length);
      start = at + 1;
      at = chunk.indexOf(this.delimiter, start);
    }
    while (at >= 0) {
      this.emit(chunk, start, at);
      start = at + 1;
      at = chunk.indexOf(this.delimiter, start);
    }
    // Copied: the chunk itself is not kept alive for a few bytes.
    if (start < chunk.length) this.carry = Buffer.from(chunk.subarray(start));
  }

  /** The bytes after the last delimiter (an unterminated last token), taken out. */
  takeRest(): Buffer | undefined {
    const rest = this.carry;
    this.carry = undefined;
    return rest;
  }
}
