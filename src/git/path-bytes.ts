/**
 * File names in git are bytes, not text: a tree may hold `caf\xe9.txt` (Latin-1), which is not
 * valid UTF-8. Decoding such a name with `toString('utf8')` turns the byte into U+FFFD, so two
 * different names can become one, and the bytes docker would receive are lost.
 *
 * Paths are therefore decoded losslessly ("surrogate escape", as Python's os.fsdecode): valid
 * UTF-8 decodes as usual, and each byte of an invalid sequence becomes the lone surrogate
 * U+DC80–U+DCFF (never produced by valid UTF-8), which encodeGitPath turns back into that byte.
 * Such strings are internal: they are compared, sorted and sent as bytes, and shown to people
 * through displayPath.
 */
import { isUtf8 } from 'node:buffer';

const ESCAPE_BASE = 0xdc00;

/** Bytes [start, end) of buf as a path string; lossless (see the module comment). */
export function decodeGitPath(buf: Buffer, start = 0, end = buf.length): string {
  if (isUtf8(buf.subarray(start, end))) return buf.toString('utf8', start, end);
  let out = '';
  let runStart = start; // start of a run of valid UTF-8 not yet appended
  let i = start;
  while (i < end) {
    const length = validSequenceLength(buf, i, end);
    if (length > 0) {
      i += length;
      continue;
    }
    out += buf.toString('utf8', runStart, i) + String.fromCharCode(ESCAPE_BASE + (buf[i] as number));
    i++;
    runStart = i;
  }
  return out + buf.toString('utf8', runStart, end);
}

/** Text that may hold file names (git output, ignore files), decoded as decodeGitPath does. */
export function decodeGitText(buf: Buffer): string {
  return decodeGitPath(buf);
}

/** The length of the valid UTF-8 sequence at buf[i] (1–4), or 0 when the byte there starts none. */
function validSequenceLength(buf: Buffer, i: number, end: number): number {
  const b0 = buf[i] as number;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = buf[i + k];
    return i + k < end && b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0; // no encoded surrogates
  if (b0 >= 0xe1 && b0 <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

const SURROGATE = /[\ud800-\udfff]/;

/** The bytes of a path string made by decodeGitPath (or any ordinary string: its UTF-8). */
export function encodeGitPath(path: string): Buffer {
  if (!SURROGATE.test(path)) return Buffer.from(path, 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < path.length; i++) {
    const unit = path.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = path.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        for (const b of Buffer.from(path.slice(i, i + 2), 'utf8')) bytes.push(b);
        i++;
        continue;
      }
    }
    if (unit >= ESCAPE_BASE + 0x80 && unit <= ESCAPE_BASE + 0xff) bytes.push(unit - ESCAPE_BASE);
    else for (const b of Buffer.from(path[i] as string, 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes);
}

/** True when the path holds bytes that are not UTF-8 (escaped by decodeGitPath). */
export function hasRawBytes(path: string): boolean {
  if (!SURROGATE.test(path)) return false;
  return /(?:^|[^\ud800-\udbff])[\udc80-\udcff]/.test(path);
}

/**
 * Characters a path cannot be printed with: bytes that are not UTF-8 (lone surrogates here),
 * C0 and C1 control characters but tab, and DEL (a newline would forge a line of output, an
 * ESC a terminal command). A tab is left as it is: it keeps the path on its line.
 */
const UNPRINTABLE = /[\x00-\x08\x0a-\x1f\x7f-\x9f]|(?:^|[^\ud800-\udbff])[\udc80-\udcff]/;

/** True when displayPath would escape something in the path. */
export function needsEscaping(path: string): boolean {
  return UNPRINTABLE.test(path);
}

/**
 * The path as one printable line. A path that is valid UTF-8 without control characters (tabs
 * aside) is returned as it is. Otherwise every byte that is not UTF-8 and every control
 * character but tab is written `\xNN` (the byte, or each byte of the character's UTF-8), and a
 * backslash `\\`, so the escaped form names exactly one byte sequence: `caf\xe9.txt`,
 * `new\x0aline.txt`.
 */
export function displayPath(path: string): string {
  if (!needsEscaping(path)) return path;
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const unit = path.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = path.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out += path.slice(i, i + 2);
        i++;
        continue;
      }
    }
    if (unit === 0x5c) out += '\\\\';
    else if (unit >= ESCAPE_BASE + 0x80 && unit <= ESCAPE_BASE + 0xff) out += hex(unit - ESCAPE_BASE);
    else if ((unit < 0x20 && unit !== 0x09) || (unit >= 0x7f && unit <= 0x9f))
      for (const b of Buffer.from(path[i] as string, 'utf8')) out += hex(b);
    else out += path[i];
  }
  return out;
}

/**
 * Text (a diff, say) made printable line by line: newlines and tabs stay, every other control
 * character and every byte that is not UTF-8 is written `\xNN`. Backslashes are left alone, so
 * this is for reading, not for recovering the bytes.
 */
export function displayText(text: string): string {
  if (!/[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]/.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out += text.slice(i, i + 2);
        i++;
        continue;
      }
    }
    if (unit >= ESCAPE_BASE + 0x80 && unit <= ESCAPE_BASE + 0xff) out += hex(unit - ESCAPE_BASE);
    else if ((unit < 0x20 && unit !== 0x09 && unit !== 0x0a) || (unit >= 0x7f && unit <= 0x9f)) {
      for (const b of Buffer.from(text[i] as string, 'utf8')) out += hex(b);
    } else if (unit >= 0xd800 && unit <= 0xdfff) out += '\ufffd';
    else out += text[i];
  }
  return out;
}

function hex(byte: number): string {
  return `\\x${byte.toString(16).padStart(2, '0')}`;
}

/** Byte order of two path strings (git's order), without encoding ordinary ASCII paths. */
export function comparePathBytes(a: string, b: string): number {
  return Buffer.compare(encodeGitPath(a), encodeGitPath(b));
}
