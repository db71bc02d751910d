/** `clean`: which sessions' containers, images, networks and volumes to remove, and whether to remove them. */
import { UsageError } from '../errors.js';
import { timerDuration } from './parse-values.js';
import { flag, optional } from './row.js';

export const CLEAN_ROWS = [
  flag({
    key: 'all',
    flags: '--all',
    description: "remove every session's leftovers",
    help: 'with clean: remove what every session left (without it, and without --session, clean lists and asks on a terminal, and refuses elsewhere)',
    common: true,
    commands: ['clean'],
    perInvocation: true,
  }),
  optional(
    {
      key: 'session',
      flags: '--session <id>',
      description: 'only what this session created',
      help: 'with clean: only what the run with this session id created',
      common: true,
      commands: ['clean'],
      perInvocation: true,
    },
    (text, ctx) => {
      if (!/^[0-9a-f]{8}$/.test(text))
        throw new UsageError(`invalid --session '${text}': a session id is 8 hex digits, as in the sessionId of a JSON result`);
      if (ctx.get<boolean>('all'))
        throw new UsageError('--session and --all exclude each other: --session cleans one run, --all every one');
      return text;
    },
  ),
  flag({
    key: 'dryRun',
    flags: '--dry-run',
    description: 'list what would be removed, remove nothing',
    help: 'with clean: list what would be removed, by session, and remove nothing',
    common: true,
    commands: ['clean'],
    perInvocation: true,
  }),
  optional(
    {
      key: 'olderThan',
      flags: '--older-than <duration>',
      description: 'only sessions at least this old, e.g. 7d',
      help: "with clean: only sessions at least this old (e.g. 2h, 7d; a session's age is that of its oldest container, image, network or volume)",
      common: true,
      kind: 'duration',
      commands: ['clean'],
      perInvocation: true,
    },
    timerDuration('--older-than', { upTo24Days: false }),
  ),
] as const;
