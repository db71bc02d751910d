/** A yes/no question on a terminal, answered by a line; Ctrl-C, a signal or the end of input is not a yes. */
import { createInterface } from 'node:readline';

export type Answer = 'yes' | 'no' | 'interrupted';

/** Both ends are a terminal: a person can be asked. */
export function onTerminal(input: { isTTY?: boolean }, output: { isTTY?: boolean }): boolean {
  return Boolean(input.isTTY && output.isTTY);
}

/** Asks `question` (written to `output`); `y` or `yes` is yes, anything else no. */
export function askYesNo(
  question: string,
  { input, output, signal }: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; signal?: AbortSignal },
): Promise<Answer> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, output });
    let settled = false;
    const done = (answer: Answer) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      rl.close();
      resolve(answer);
    };
    const onAbort = () => done('interrupted');
    signal?.addEventListener('abort', onAbort, { once: true });
    // On a terminal, readline takes Ctrl-C itself (the process gets no SIGINT): it is no answer.
    rl.on('SIGINT', () => {
      output.write('\n');
      done('interrupted');
    });
    rl.on('close', () => done('no'));
    rl.question(question, (text) => done(/^y(es)?$/i.test(text.trim()) ? 'yes' : 'no'));
  });
}
