/**
 * --verbose shows the lines of builds and containers live: with their colours where colour is
 * shown, never with cursor moves, titles or carriage returns that would upset the progress display;
 * with nothing but text on a pipe.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

import { progressReporter } from '../../src/cli/render/progress.js';

const ESC = '\u001b';
const PRINTED = `${ESC}]0;title${ESC}\\${ESC}[?25l${ESC}[1mnpm${ESC}[22m ${ESC}[31merror${ESC}[39m 10%\r${ESC}[2K${ESC}[1Gnpm ${ESC}[31merror${ESC}[39m code 1`;

function verboseLines(env: Record<string, string | undefined>): string[] {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const written: string[] = [];
  const stream = { isTTY: false, write: (text: string) => written.push(text), off: () => stream } as unknown as NodeJS.WriteStream;
  const progress = progressReporter({ verbose: true, quiet: false, stream });
  progress.containerLine!('abc', PRINTED);
  progress.buildOutput!('abc', `#5 ${ESC}[33mwarn${ESC}[0m`);
  progress.stop();
  return written;
}

describe('--verbose lines', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('on a pipe: the text only, as the terminal would have shown it', () => {
    expect(verboseLines({ NO_COLOR: '1', FORCE_COLOR: undefined })).toEqual(['  container | npm error code 1\n', '  build | #5 warn\n']);
  });

  it('where colour is shown: the colours kept (and reset), nothing else', () => {
    const [container, build] = verboseLines({ NO_COLOR: undefined, FORCE_COLOR: '1' });
    // The line drawn last, with its colours (the bold `npm` was drawn over).
    expect(container).toBe(`${ESC}[2m  container | npm ${ESC}[31merror${ESC}[39m code 1${ESC}[0m${ESC}[22m\n`);
    expect(build).toBe(`${ESC}[2m  build | #5 ${ESC}[33mwarn${ESC}[0m${ESC}[22m\n`);
  });
});
