import { describe, expect, it } from 'vitest';

import {
  comparePathBytes,
  decodeGitPath,
  displayPath,
  displayText,
  encodeGitPath,
  hasRawBytes,
  needsEscaping,
} from '../../src/git/path-bytes.js';
import { seededRandom } from '../helpers/dag-repo.js';

const bytes = (...values: number[]) => Buffer.from(values);
const latin1Cafe = Buffer.concat([Buffer.from('caf'), bytes(0xe9), Buffer.from('.txt')]);

describe('path bytes', () => {
  it('decodes valid UTF-8 as usual and keeps every other byte, so encoding gives the same bytes back', () => {
    expect(decodeGitPath(Buffer.from('dir with space/ünï 💀.txt'))).toBe('dir with space/ünï 💀.txt');
    const cafe = decodeGitPath(latin1Cafe);
    expect(cafe).not.toContain('\ufffd');
    expect(encodeGitPath(cafe).equals(latin1Cafe)).toBe(true);
    // Two names that differ only in a byte that is not UTF-8 stay two names.
    const other = decodeGitPath(Buffer.concat([Buffer.from('caf'), bytes(0xe8), Buffer.from('.txt')]));
    expect(other).not.toBe(cafe);
    expect(hasRawBytes(cafe)).toBe(true);
    expect(hasRawBytes('ünï 💀.txt')).toBe(false);
  });

  it('round-trips random byte strings (overlong forms, encoded surrogates, cut sequences, emoji next to bad bytes)', () => {
    const random = seededRandom(7);
    const specials = [
      bytes(0xc0, 0xaf), // overlong '/'
      bytes(0xed, 0xa0, 0x80), // an encoded surrogate
      bytes(0xf0, 0x9f, 0x92), // a cut emoji
      bytes(0xf0, 0x9f, 0x92, 0x80), // 💀 (its low surrogate is in the escape range)
      bytes(0xf4, 0x90, 0x80, 0x80), // above U+10FFFF
      bytes(0xff),
    ];
    for (let n = 0; n < 2000; n++) {
      const parts: Buffer[] = [];
      const length = Math.floor(random() * 12);
      for (let k = 0; k < length; k++) {
        parts.push(random() < 0.3 ? (specials[Math.floor(random() * specials.length)] as Buffer) : bytes(Math.floor(random() * 256)));
      }
      const input = Buffer.concat(parts);
      const decoded = decodeGitPath(input);
      expect(encodeGitPath(decoded).equals(input), input.toString('hex')).toBe(true);
      if (input.length > 0 && Buffer.from(input.toString('utf8'), 'utf8').equals(input)) expect(decoded).toBe(input.toString('utf8'));
    }
  });

  it('decodes a slice of a buffer', () => {
    const buf = Buffer.concat([Buffer.from('xx'), latin1Cafe, Buffer.from('yy')]);
    expect(encodeGitPath(decodeGitPath(buf, 2, 2 + latin1Cafe.length)).equals(latin1Cafe)).toBe(true);
  });

  it('prints a name as one line: bytes that are not UTF-8 and control characters as \\xNN, backslashes doubled then', () => {
    expect(displayPath(decodeGitPath(latin1Cafe))).toBe('caf\\xe9.txt');
    expect(displayPath('new\nline.txt')).toBe('new\\x0aline.txt');
    expect(displayPath('esc\x1b[31mred.txt')).toBe('esc\\x1b[31mred.txt');
    expect(displayPath('c1\u009bcsi')).toBe('c1\\xc2\\x9bcsi');
    expect(displayPath(`back\\slash${decodeGitPath(bytes(0xff))}`)).toBe('back\\\\slash\\xff');
    // Printable names (a tab keeps the line) are left alone, backslashes included.
    for (const plain of ['plain.txt', 'tab\there.txt', 'back\\slash.txt', 'ünï 💀.txt']) {
      expect(needsEscaping(plain)).toBe(false);
      expect(displayPath(plain)).toBe(plain);
    }
  });

  it('prints text line by line: newlines and tabs kept, other control characters and bad bytes escaped', () => {
    const text = decodeGitPath(Buffer.concat([Buffer.from('+caf'), bytes(0xe9), Buffer.from('\t\x1b[2J\r\n')]));
    expect(displayText(text)).toBe('+caf\\xe9\t\\x1b[2J\\x0d\n');
    expect(displayText('plain\n💀\n')).toBe('plain\n💀\n');
  });

  it('sorts as git does, by bytes', () => {
    const names = ['b', decodeGitPath(latin1Cafe), 'caf.txt', 'cafe.txt', 'ü'];
    const sorted = [...names].sort(comparePathBytes);
    expect(sorted.map((n) => encodeGitPath(n).toString('hex'))).toEqual(
      names
        .map((n) => encodeGitPath(n))
        .sort(Buffer.compare)
        .map((b) => b.toString('hex')),
    );
  });
});
