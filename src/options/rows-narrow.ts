/** Options of `narrow` (which also takes every option of `test`), and `run --narrow`. */
import { wholeNumber } from './parse-values.js';
import { flag, optional, valued } from './row.js';

export const NARROW_ROWS = [
  flag({
    key: 'narrow',
    flags: '--narrow',
    description: 'then narrow the culprit to the change',
    help: 'after the search, narrow the culprit to the change that breaks it, as `deploybisect narrow <culprit>` does',
    common: true,
    commands: ['run'],
  }),
  optional(
    {
      key: 'parent',
      flags: '--parent <rev>',
      description: 'the passing side (default: the first parent)',
      help: "narrow: the passing side (default: the commit's first parent)",
      common: true,
      commands: ['narrow'],
      perInvocation: true,
    },
    (text) => text,
  ),
  valued(
    {
      key: 'maxBuilds',
      flags: '--max-builds <n>',
      description: 'narrow: at most this many builds',
      help: 'narrow: at most this many builds (the commit and its parent included); when they run out, the best pair found so far is reported (exit 5)',
      default: '24',
      kind: 'number',
      commands: ['run', 'narrow'],
    },
    wholeNumber('--max-builds', 2, 1000),
  ),
] as const;
