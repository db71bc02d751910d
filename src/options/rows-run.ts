/** Engines, caches, reports, output, and the options of single commands. */
import { resolve } from 'node:path';

import { CONFIGURED, ENGINE, EVALUATING, PRINTING } from './commands.js';
import { timerDuration } from './parse-values.js';
import { checkReportPath } from './report-path.js';
import { flag, optional, repeatable, valued, type Input, type OptionRow } from './row.js';

export const RUN_ROWS = [
  repeatable(
    {
      key: 'dockerHost',
      flags: '--docker-host <url>',
      description: 'a Docker engine (repeat for several)',
      help: 'a Docker engine to build and run on: unix:///path, tcp://host:port (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH honoured), ssh://user@host. Repeat to spread the work over several engines. Default: DOCKER_HOST, else the current docker context, else the local socket',
      common: true,
      commands: ENGINE,
    },
    (hosts) => [...new Set(hosts)],
  ),
  valued(
    {
      key: 'engineTimeout',
      flags: '--engine-timeout <duration>',
      description: 'an engine call unanswered this long ends the run',
      help: 'an engine call (inspect, create, start, remove, list...) that gets no answer this long ends the run as a lost engine (exit 1; the state is kept, re-run to resume). Builds have --build-timeout; waiting for a container has --timeout',
      default: '2m',
      kind: 'duration',
      commands: ENGINE,
    },
    timerDuration('--engine-timeout'),
  ),
  optional(
    {
      key: 'cacheDir',
      flags: '--cache-dir <dir>',
      description: 'where verdicts and saved states are kept',
      help: 'where verdicts are remembered across runs, and where runs save their state (default: $XDG_CACHE_HOME/deploybisect or ~/.cache/deploybisect)',
      commands: [...EVALUATING, 'log', 'doctor'],
      userPath: true,
    },
    (text) => resolve(text),
  ),
  flag({ key: 'cache', flags: '--no-cache', description: 'neither read nor write the verdict cache', common: true, commands: EVALUATING }),
  optional(
    {
      key: 'report',
      flags: '--report <file.md>',
      description: 'write a Markdown incident report',
      help: 'write a Markdown incident report: the range, every step, the culprit, what changed and the evidence, how to reproduce',
      common: true,
      commands: ['run', 'narrow'],
      userPath: true,
    },
    (text) => {
      checkReportPath(text);
      return text;
    },
  ),
  flag({
    key: 'keepImages',
    flags: '--keep-images',
    description: 'keep the images built',
    help: 'keep the images built (labelled deploybisect.session and deploybisect.build), and probe a kept image of the same build instead of building it again',
    commands: EVALUATING,
  }),
  flag({
    key: 'verbose',
    flags: '-v, --verbose',
    description: 'stream build output and container logs',
    help: 'stream build output and container logs; on a terminal with colour the lines keep their colours, elsewhere they are plain text',
    common: true,
    commands: [...EVALUATING, 'demo'],
  }),
  optional(
    {
      key: 'good',
      flags: '--good <commit>',
      description: 'bisect from this commit when the checked one is broken',
      help: 'nightly: bisect from this commit when the checked one is broken, instead of the last known good',
      common: true,
      commands: ['nightly'],
      perInvocation: true,
    },
    (text) => text,
  ),
  optional(
    {
      key: 'lastGoodFile',
      flags: '--last-good-file <file>',
      description: 'keep the last known good in this file',
      help: 'nightly: read and write the last known good commit in this file (e.g. in a cached directory) instead of the ref refs/deploybisect/last-good',
      common: true,
      commands: ['nightly'],
      userPath: true,
    },
    (text) => resolve(text),
  ),
  flag({
    key: 'force',
    flags: '--force',
    description: 'init: overwrite an existing deploybisect.config.json',
    common: true,
    commands: ['init'],
    perInvocation: true,
  }),
  {
    key: 'config',
    flags: '--config <file>',
    description: 'read options from this file',
    help: 'read options from this file instead of the repository root\'s deploybisect.config.json, .deploybisectrc.json or package.json "deploybisect" key (options given here win)',
    common: true,
    commands: CONFIGURED,
    kind: 'text',
    perInvocation: true,
    // commander gives false for `--no-config` (the row below).
    parse: (input: Input | undefined): string | false | undefined =>
      input === undefined || input === false ? input : resolve(String(input)),
  } satisfies OptionRow<'config', string | false | undefined>,
  {
    ...flag({
      key: 'noConfig',
      flags: '--no-config',
      description: 'ignore the config file',
      common: true,
      commands: CONFIGURED,
      perInvocation: true,
    }),
    aliasOf: 'config',
  },
  flag({ key: 'quiet', flags: '-q, --quiet', description: 'print only the result', common: true, commands: PRINTING }),
  flag({
    key: 'json',
    flags: '--json',
    description: 'one JSON document on stdout',
    help: 'print one JSON document on stdout and nothing else there',
    common: true,
    commands: PRINTING,
  }),
] as const;
