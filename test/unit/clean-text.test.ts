/**
 * Program output made safe to show and store (src/text/clean-text.ts): escape sequences and
 * controls go, carriage returns and backspaces act as on a terminal; on real captures of npm, gcc,
 * git and ls (test/fixtures/terminal-output/SOURCES.txt) and on each kind of sequence alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';

import { cleanText, maskedAsPrinted } from '../../src/text/clean-text.js';

const ESC = '\u001b';
const BEL = '\u0007';
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'terminal-output', name), 'utf8');
/** Any control character but tab and line feed, and any ESC. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('cleanText on what real programs print', () => {
  it('npm: the spinner, the cursor moves and the colours go; each line reads as on the terminal', () => {
    const clean = lines(cleanText(fixture('npm-install-error.txt')));
    expect(clean.slice(0, 4)).toEqual([
      'npm error code ENOENT',
      'npm error syscall open',
      expect.stringMatching(/^npm error path \//),
      'npm error errno -2',
    ]);
    expect(clean).toContain('npm error enoent This is related to npm not being able to find a file.');
    expect(clean.every((line) => !CONTROLS.test(line) && !line.includes('⠙'))).toBe(true);
  });

  it('gcc: the warning with its -W option (an OSC 8 hyperlink) as text, UTF-8 quotes kept', () => {
    expect(lines(cleanText(fixture('gcc-warning.txt')))).toEqual([
      'w.c: In function ‘main’:',
      'w.c:1:20: warning: unused variable ‘unused’ [-Wunused-variable]',
      '    1 | int main(void){int unused; return 0;}',
      '      |                    ^~~~~~',
    ]);
  });

  it('git: each progress line keeps its last state, and a line written over another shows the later one', () => {
    expect(lines(cleanText(fixture('git-clone-progress.txt')))).toEqual([
      "Cloning into 'dst'...",
      'remote: Enumerating objects: 26, done.',
      'remote: Counting objects: 100% (26/26), done.',
      'remote: Compressing objects: 100% (2/2), done.',
      'remote: Total 26 (delta 0), reused 0 (delta 0), pack-reused 0',
      expect.stringMatching(/^Receiving objects: 100% \(26\/26\), .*done\.$/),
    ]);
  });

  it('ls: hyperlinked, coloured names are just the names', () => {
    expect(lines(cleanText(fixture('ls-hyperlink.txt')))).toEqual(['Dockerfile', 'app.js']);
  });

  it('what Node’s stripVTControlCharacters leaves of the same captures (why it is not used)', () => {
    expect(CONTROLS.test(stripVTControlCharacters(fixture('git-clone-progress.txt')))).toBe(true); // \r
    expect(stripVTControlCharacters(fixture('npm-install-error.txt'))).toContain('⠙');
    expect(stripVTControlCharacters(`${ESC}]0;build 3 of 7${BEL}done`)).not.toBe('done');
    expect(stripVTControlCharacters(`${ESC}7text${ESC}8`)).toBe('ext');
  });
});

describe('cleanText, one sequence at a time', () => {
  it('colours: 16, 256 and true colour, with ; or : between the parameters', () => {
    expect(cleanText(`${ESC}[1;31mFAIL${ESC}[0m ${ESC}[38;5;196mred${ESC}[39m ${ESC}[38;2;255;100;0morange${ESC}[m`)).toBe(
      'FAIL red orange',
    );
    expect(cleanText(`${ESC}[38:2::255:100:0mx${ESC}[0m`)).toBe('x');
  });

  it('cursor movement: up, to a column, erase, hide and show; a line drawn over itself shows its last state', () => {
    expect(cleanText(`${ESC}[?25l${ESC}[2K${ESC}[1A${ESC}[2K${ESC}[Gdone${ESC}[?25h`)).toBe('done');
    expect(cleanText(`building${ESC}[1Gsuccess${ESC}[K`)).toBe('success');
    expect(cleanText(`50%${ESC}[3D75%`)).toBe('75%');
    expect(cleanText(`a${ESC}[3Cb`)).toBe('a   b');
    expect(cleanText(`abcdef${ESC}[3G${ESC}[2Xz`)).toBe('abz ef');
    expect(cleanText(`abcdef${ESC}[4G${ESC}[1K`)).toBe('    ef');
    expect(cleanText(`${ESC}[12;40Hx${ESC}[2J${ESC}[>4;1m`)).toBe('x');
    // A move far to the right stops at a terminal's width.
    expect(cleanText(`${ESC}[999999999Cx`)).toHaveLength(1025);
  });

  it('OSC: hyperlinks (ended by ESC \\ or BEL, with any URL) and window titles', () => {
    const link = `${ESC}]8;id=7;https://example.com/a,b+c!(d)'e?q=1&r=2${ESC}\\the docs${ESC}]8;;${ESC}\\ and ${ESC}]8;;file:///x${BEL}x${ESC}]8;;${BEL}`;
    expect(cleanText(link)).toBe('the docs and x');
    expect(cleanText(`${ESC}]0;npm install — 3 of 7${BEL}installing`)).toBe('installing');
    // Unterminated, a string runs to the end of the line (a terminal would show none of it), not beyond.
    expect(cleanText(`before${ESC}]0;title without end\nnext line`)).toBe('before\nnext line');
  });

  it('DCS and the short ESC sequences: charset, save and restore cursor, keypad modes', () => {
    expect(cleanText(`${ESC}Pq#0;2;0;0;0#0~~@@${ESC}\\image`)).toBe('image');
    expect(cleanText(`${ESC}(B${ESC}7text${ESC}8${ESC}=${ESC}>${ESC}M`)).toBe('text');
  });

  it('a lone ESC goes (at the end, before a control, before a non-ASCII character); ESC and a letter is a sequence, as on a terminal', () => {
    expect(cleanText(`abc${ESC}`)).toBe('abc');
    expect(cleanText(`a${ESC}\tb`)).toBe('a\tb');
    expect(cleanText(`a${ESC}é`)).toBe('aé');
    expect(cleanText(`${ESC}[31${ESC}[0mok`)).toBe('ok');
    expect(cleanText(`a${ESC}cb`)).toBe('ab');
  });

  it('carriage returns: a progress bar keeps its last state; \\r\\n is a line end', () => {
    expect(cleanText('[#   ] 25%\r[##  ] 50%\r[####] 100%')).toBe('[####] 100%');
    expect(cleanText('downloading 100%\rdone')).toBe('doneloading 100%'); // what a terminal shows too
    expect(cleanText('first\r\nsecond\r\n')).toBe('first\nsecond\n');
  });

  it('backspaces move back over the line; BEL, NUL, DEL and the C1 controls go', () => {
    expect(cleanText('abc\b\bX')).toBe('aXc');
    expect(cleanText('\b\bstart')).toBe('start');
    expect(cleanText(`a${BEL}b\u0000c\u007fd\u0085e\u009b31mf`)).toBe('abcdef');
  });

  it('keeps tabs, UTF-8 and text without controls as they are (the same string)', () => {
    const text = 'Größe\t✓ 日本 🎉 — ü\u0301\nnext\tline';
    expect(cleanText(text)).toBe(text);
    expect(cleanText(`${ESC}[32m🎉\t日本${ESC}[0m`)).toBe('🎉\t日本');
    expect(cleanText('日本語\r日')).toBe('日本語');
  });

  it('is idempotent, and leaves no control in what it returns', () => {
    for (const name of ['npm-install-error.txt', 'gcc-warning.txt', 'git-clone-progress.txt', 'ls-hyperlink.txt']) {
      const once = cleanText(fixture(name));
      expect(CONTROLS.test(once), name).toBe(false);
      expect(cleanText(once)).toBe(once);
    }
  });
});

describe('cleanText for a terminal that shows colour (--verbose)', () => {
  it('keeps the colours, drops the rest, and ends a coloured line with a reset', () => {
    expect(cleanText(`${ESC}[31merror${ESC}[39m ${ESC}]8;;https://x${BEL}link${ESC}]8;;${BEL}`, { keepColour: true })).toBe(
      `${ESC}[31merror${ESC}[39m link${ESC}[0m`,
    );
    expect(cleanText(`${ESC}[1mbold${ESC}[0m`, { keepColour: true })).toBe(`${ESC}[1mbold${ESC}[0m`);
    expect(cleanText(`${ESC}[?25l${ESC}[>4;1m10%\r${ESC}[32m100%`, { keepColour: true })).toBe(`${ESC}[32m100%${ESC}[0m`);
    expect(cleanText('plain', { keepColour: true })).toBe('plain');
  });
});

describe('maskedAsPrinted: a live line, masked', () => {
  const mask = (text: string) => text.replaceAll('hunter2', '***');

  it('stays as printed when the codes hide nothing from the mask', () => {
    expect(maskedAsPrinted(`${ESC}[1mhunter2${ESC}[0m ok`, mask)).toBe(`${ESC}[1m***${ESC}[0m ok`);
  });

  it('is the clean, masked line when codes split a secret', () => {
    expect(maskedAsPrinted(`hun${ESC}[1mter2 ok`, mask)).toBe('*** ok');
    expect(maskedAsPrinted('hunter3\rhunter2', mask)).toBe('***');
  });
});
