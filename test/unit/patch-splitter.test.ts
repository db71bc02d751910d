import { describe, expect, it } from 'vitest';

import { PatchSplitter } from '../../src/git/file-patches.js';

const output = [
  'diff --git a/a.txt b/a.txt',
  'index 1111111..2222222 100644',
  '--- a/a.txt',
  '+++ b/a.txt',
  '@@ -1 +1 @@',
  '-old',
  '+new',
  'diff --git a/gone.txt b/gone.txt',
  'deleted file mode 100644',
  'index 3333333..0000000',
  '--- a/gone.txt',
  '+++ /dev/null',
  '@@ -1 +0,0 @@',
  '-diff --git a/fake b/fake', // a content line that looks like a header, after its marker
  `diff --git a/big.txt b/big.txt`,
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/big.txt',
  '@@ -0,0 +1 @@',
  `+${'a'.repeat(5000)}`,
  '',
].join('\n');

function split(chunks: Buffer[], maxBytes: number): [string, string | null][] {
  const out: [string, string | null][] = [];
  const splitter = new PatchSplitter(maxBytes, (header, patch) => out.push([header, patch]));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return out;
}

describe('PatchSplitter', () => {
  it('cuts streamed patch output at its headers, whatever the chunk boundaries, and drops patches over the limit', () => {
    const whole = Buffer.from(output);
    const expected = split([whole], 1000);
    expect(expected.map(([header]) => header)).toEqual([
      'diff --git a/a.txt b/a.txt',
      'diff --git a/gone.txt b/gone.txt',
      'diff --git a/big.txt b/big.txt',
    ]);
    expect(expected[0]?.[1]).toBe(output.slice(0, output.indexOf('diff --git a/gone.txt')));
    expect(expected[1]?.[1]).toContain('-diff --git a/fake b/fake\n');
    expect(expected[2]?.[1]).toBeNull(); // 5,000 bytes of one line, over 1,000

    for (const size of [1, 2, 7, 11, 64, 4096]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < whole.length; at += size) chunks.push(whole.subarray(at, at + size));
      expect(split(chunks, 1000), `chunks of ${size}`).toEqual(expected);
    }
    expect(split([whole], Number.POSITIVE_INFINITY)[2]?.[1]).toContain('a'.repeat(5000));
  });

  it('keeps a name that is not UTF-8 in the header as its bytes', () => {
    const raw = Buffer.concat([
      Buffer.from('diff --git a/caf'),
      Buffer.from([0xe9]),
      Buffer.from('.txt b/caf'),
      Buffer.from([0xe9]),
      Buffer.from('.txt\n+x\n'),
    ]);
    const [[header] = ['']] = split([raw], 1000);
    expect(header).toBe('diff --git a/caf\udce9.txt b/caf\udce9.txt');
  });
});
