import { readFileSync } from 'node:fs';

import { UsageError } from '../../errors.js';
import { parseLog } from '../../session/state-log.js';
import type { CommandSpec } from '../command.js';
import { searchAndRender } from './search.js';

export const replayCommand: CommandSpec = {
  name: 'replay',
  description: 'continue a search from a log (deploybisect log), edited or not: its verdicts are used instead of evaluating those commits',
  arguments: [{ name: '<file>', description: 'the log: a `range <good> <bad>` line, then `good|bad|skip <commit>` lines' }],
  async action([file], settings, io) {
    if (settings.flaky) throw new UsageError('replay cannot be used with --flaky: a flake-aware search weighs runs, not verdicts');
    let text: string;
    try {
      text = readFileSync(file!, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read the log ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const log = parseLog(text, file!);
    await searchAndRender(settings, { good: log.good, bad: log.bad, marks: log.marks }, io);
  },
};
