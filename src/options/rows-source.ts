/** Where the repository, its build context and its Dockerfile are. */
import { SOURCE } from './commands.js';
import { contextDir, dockerfilePath, parseKeyValues, repositoryDir } from './parse-values.js';
import { optional, repeatable, valued } from './row.js';

export const SOURCE_ROWS = [
  valued(
    {
      key: 'repo',
      flags: '-C, --repo <dir>',
      description: 'repository to bisect',
      default: '.',
      commands: [...SOURCE, 'log', 'init'],
      perInvocation: true,
    },
    repositoryDir,
  ),
  valued(
    {
      key: 'file',
      flags: '-f, --file <path>',
      description:
        "Dockerfile: relative = inside each commit's build context; absolute and outside the repository = that one file for every commit",
      default: 'Dockerfile',
      commands: SOURCE,
    },
    (text, ctx) => dockerfilePath(text, ctx.get<string>('repo'), ctx.get<string>('context')),
  ),
  valued(
    {
      key: 'context',
      flags: '--context <dir>',
      description: 'build context, relative to the repository root',
      default: '.',
      commands: SOURCE,
    },
    contextDir,
  ),
  repeatable(
    { key: 'buildArg', flags: '--build-arg <KEY=VALUE>', description: 'build argument (repeatable)', commands: ['run', 'test'] },
    (values) => parseKeyValues(values, '--build-arg'),
  ),
  optional(
    { key: 'target', flags: '--target <stage>', description: 'build this stage of a multi-stage Dockerfile', commands: SOURCE },
    (text) => text,
  ),
  optional(
    {
      key: 'buildNetwork',
      flags: '--build-network <mode>',
      description: 'network mode for RUN steps during the build, e.g. host',
      commands: ['run', 'test'],
    },
    (text) => text,
  ),
] as const;
