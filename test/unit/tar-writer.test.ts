import { pack as tarPack } from 'tar-stream';
import { describe, expect, it } from 'vitest';

import { decodeGitPath } from '../../src/git/path-bytes.js';
import { padding, TAR_END, tarHeader, type TarHeaderSpec } from '../../src/git/tar-writer.js';

const mtime = new Date('2000-01-01T00:00:00Z');

/** The tar tar-stream writes for these entries (the reference for names it can write). */
async function tarStreamBytes(entries: { spec: TarHeaderSpec; content?: Buffer }[]): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const { spec, content } of entries) {
    const header = {
      name: String(spec.name),
      mode: spec.mode,
      uid: 0,
      gid: 0,
      mtime,
      type: spec.type,
      ...(spec.linkname ? { linkname: String(spec.linkname) } : {}),
    };
    await new Promise<void>((resolve, reject) => {
      const cb = (error?: Error | null) => (error ? reject(error) : resolve());
      if (content) pack.entry({ ...header, size: content.length }, content, cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function ownBytes(entries: { spec: TarHeaderSpec; content?: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const { spec, content } of entries) {
    parts.push(tarHeader(content ? { ...spec, size: content.length } : spec));
    if (content) parts.push(content, padding(content.length));
  }
  parts.push(TAR_END);
  return Buffer.concat(parts);
}

describe('tar headers', () => {
  it('are byte for byte what tar-stream writes for the names it can write', async () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(90)}.txt`;
    const deep = `${'a'.repeat(50)}/${'b'.repeat(30)}/${'c'.repeat(30)}/${'d'.repeat(30)}`; // several ways to split
    const entries: { spec: TarHeaderSpec; content?: Buffer }[] = [
      { spec: { name: 'app', type: 'directory', mode: 0o755, mtime } },
      { spec: { name: 'app/server.sh', type: 'file', mode: 0o755, mtime }, content: Buffer.from('#!/bin/sh\necho hi\n') },
      { spec: { name: 'empty', type: 'file', mode: 0o644, mtime }, content: Buffer.alloc(0) },
      { spec: { name: 'block', type: 'file', mode: 0o644, mtime }, content: Buffer.alloc(512, 1) },
      { spec: { name: 'link', type: 'symlink', mode: 0o777, mtime, linkname: 'app/server.sh' } },
      { spec: { name: long, type: 'file', mode: 0o644, mtime }, content: Buffer.from('long\n') },
      { spec: { name: deep, type: 'file', mode: 0o644, mtime }, content: Buffer.from('deep\n') },
      { spec: { name: 'x'.repeat(120), type: 'file', mode: 0o644, mtime }, content: Buffer.from('no slash\n') },
      { spec: { name: 'dir with space/ünï 💀.txt', type: 'file', mode: 0o644, mtime }, content: Buffer.from('utf8\n') },
      { spec: { name: 'far', type: 'symlink', mode: 0o777, mtime, linkname: `../${'t'.repeat(120)}` } },
      { spec: { name: 'ünï-link', type: 'symlink', mode: 0o777, mtime, linkname: 'ünï' } },
    ];
    expect(ownBytes(entries).equals(await tarStreamBytes(entries))).toBe(true);
  });

  it('carry the exact bytes of a name that is not UTF-8, in a PAX path record', () => {
    const raw = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.txt')]);
    for (const name of [decodeGitPath(raw), raw]) {
      const header = tarHeader({ name, type: 'file', mode: 0o644, size: 3, mtime });
      expect(header.length).toBe(3 * 512); // PAX header, its records, the entry
      expect(header[156]).toBe('x'.charCodeAt(0));
      const record = Buffer.concat([Buffer.from(' path='), raw, Buffer.from('\n')]);
      const expected = Buffer.concat([Buffer.from(String(record.length + 2)), record]);
      expect(header.subarray(512, 512 + expected.length).equals(expected)).toBe(true);
      expect(header.subarray(1024, 1024 + 9).toString('latin1')).toBe('PaxHeader');
      expect(header[1024 + 156]).toBe('0'.charCodeAt(0));
    }
    const link = tarHeader({ name: 'l', type: 'symlink', mode: 0o777, linkname: raw, mtime });
    // a short link target is written in place, as its bytes
    expect(link.length).toBe(512);
    expect(link.subarray(157, 157 + raw.length).equals(raw)).toBe(true);
  });

  it('write sizes of 8 GiB and more in base-256', () => {
    const size = 9 * 1024 ** 3 + 5;
    const header = tarHeader({ name: 'huge', type: 'file', mode: 0o644, size, mtime });
    expect(header[124]).toBe(0x80);
    let decoded = 0;
    for (let i = 1; i < 12; i++) decoded = decoded * 256 + (header[124 + i] as number);
    expect(decoded).toBe(size);
    expect(
      tarHeader({ name: 'big', type: 'file', mode: 0o644, size: 8 ** 11 - 1, mtime })
        .subarray(124, 136)
        .toString('latin1'),
    ).toBe('77777777777 ');
  });
});
