/**
 * Tar headers for the build context, written here rather than by tar-stream because a file
 * name is bytes: tar-stream takes names as strings and writes them as UTF-8, so a name that is
 * not UTF-8 (`caf\xe9.txt`) would reach docker as `caf\xef\xbf\xbd.txt`. These headers carry
 * the exact bytes (ustar fields, or a PAX `path`/`linkpath` record, which docker's Go reader
 * takes as bytes too).
 *
 * For names tar-stream can write, the bytes are the same as tar-stream's (a test checks it):
 * ustar with the name split into prefix/name when longer than 100 bytes, a PAX header named
 * `PaxHeader` when the name is not ASCII or does not fit, octal numbers (base-256 for sizes of
 * 8 GiB and more), two zero blocks at the end.
 */
import { encodeGitPath } from './path-bytes.js';

export type TarEntryType = 'file' | 'directory' | 'symlink';

export interface TarHeaderSpec {
  /** The path: a string (decoded by path-bytes, so exact bytes) or the bytes themselves. */
  name: string | Buffer;
  type: TarEntryType;
  mode: number;
  /** Content size in bytes (files only). */
  size?: number;
  /** Target of a symlink, as bytes (or a string). */
  linkname?: string | Buffer;
  mtime: Date;
}

export const TAR_BLOCK = 512;
/** The end of an archive: two zero blocks. */
export const TAR_END = Buffer.alloc(2 * TAR_BLOCK);

const TYPEFLAG: Record<TarEntryType, number> = { file: 0, symlink: 2, directory: 5 };
const PAX_TYPEFLAG = 72; // 'x'

/** The header block(s) of one entry: a PAX header and its records first when needed. */
export function tarHeader(spec: TarHeaderSpec): Buffer {
  const name = typeof spec.name === 'string' ? encodeGitPath(spec.name) : spec.name;
  const linkname =
    spec.linkname === undefined ? undefined : typeof spec.linkname === 'string' ? encodeGitPath(spec.linkname) : spec.linkname;
  const size = spec.type === 'file' ? (spec.size ?? 0) : 0;
  const plain = ustar({ name, linkname, size, typeflag: TYPEFLAG[spec.type], mode: spec.mode, mtime: spec.mtime });
  if (plain) return plain;

  // PAX: the records, then a header named PaxHeader for them, then the entry's header, also
  // named PaxHeader (readers take the name from the records).
  const records = Buffer.concat([paxRecord('path', name), ...(linkname && linkname.length > 0 ? [paxRecord('linkpath', linkname)] : [])]);
  const placeholder = Buffer.from('PaxHeader');
  const common = {
    name: placeholder,
    mode: spec.mode,
    mtime: spec.mtime,
    linkname: linkname && linkname.length > 0 ? placeholder : undefined,
  };
  const paxHeader = ustar({ ...common, size: records.length, typeflag: PAX_TYPEFLAG });
  const entryHeader = ustar({ ...common, size, typeflag: TYPEFLAG[spec.type] });
  if (!paxHeader || !entryHeader) throw new Error('unreachable: PaxHeader always fits');
  return Buffer.concat([paxHeader, records, padding(records.length), entryHeader]);
}

/** Zero bytes that complete a block after `size` bytes of content. */
export function padding(size: number): Buffer {
  const rest = size % TAR_BLOCK;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(TAR_BLOCK - rest);
}

interface UstarFields {
  name: Buffer;
  linkname: Buffer | undefined;
  size: number;
  typeflag: number;
  mode: number;
  mtime: Date;
}

/** One ustar header block, or undefined when the name or link target needs PAX. */
function ustar(fields: UstarFields): Buffer | undefined {
  let name = fields.name;
  let prefix: Buffer | undefined;
  if (name.some((b) => b >= 0x80)) return undefined; // as tar-stream: non-ASCII names go in PAX
  if (name.length > 100) {
    // The longest prefix (up to a '/') that leaves at most 100 bytes of name.
    let cut = -1;
    for (let i = 0; i < name.length; i++) {
      if (name[i] !== 0x2f) continue;
      cut = i;
      if (name.length - i - 1 <= 100) break;
    }
    if (cut < 0 || name.length - cut - 1 > 100) return undefined;
    prefix = name.subarray(0, cut);
    name = name.subarray(cut + 1);
    if (prefix.length > 155) return undefined;
  }
  if (fields.linkname && fields.linkname.length > 100) return undefined;

  const block = Buffer.alloc(TAR_BLOCK);
  name.copy(block, 0);
  block.write(octal(fields.mode & 0o7777, 6), 100, 'latin1');
  block.write(octal(0, 6), 108, 'latin1'); // uid
  block.write(octal(0, 6), 116, 'latin1'); // gid
  writeSize(block, fields.size);
  block.write(octal(Math.floor(fields.mtime.getTime() / 1000), 11), 136, 'latin1');
  block[156] = 0x30 + fields.typeflag;
  if (fields.linkname) fields.linkname.copy(block, 157);
  block.write('ustar\u000000', 257, 'latin1');
  block.write(octal(0, 6), 329, 'latin1'); // devmajor
  block.write(octal(0, 6), 337, 'latin1'); // devminor
  if (prefix) prefix.copy(block, 345);
  let sum = 8 * 0x20; // the checksum field counts as spaces
  for (let i = 0; i < TAR_BLOCK; i++) if (i < 148 || i >= 156) sum += block[i] as number;
  block.write(octal(sum, 6), 148, 'latin1');
  return block;
}

function octal(value: number, digits: number): string {
  const text = value.toString(8);
  if (text.length > digits) return `${'7'.repeat(digits)} `;
  return `${text.padStart(digits, '0')} `;
}

function writeSize(block: Buffer, size: number): void {
  if (size.toString(8).length <= 11) {
    block.write(octal(size, 11), 124, 'latin1');
    return;
  }
  // base-256: 0x80 then the size big-endian in 11 bytes
  block[124] = 0x80;
  let rest = size;
  for (let i = 11; i > 0; i--) {
    block[124 + i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
}

/** "<length> <key>=<value>\n", the length counting itself. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let digits = String(body.length).length;
  if (body.length + digits >= 10 ** digits) digits++;
  return Buffer.concat([Buffer.from(String(body.length + digits)), body]);
}
