/** Where the repository, its build context and its Dockerfile are, and how images are built from them. */
import { UsageError } from '../errors.js';
import { parseBuildSecret, type BuildSecret } from './build-secrets.js';
import { EVALUATING, SOURCE } from './commands.js';
import { choice, contextDir, dockerfilePath, parseKeyValues, repositoryDir } from './parse-values.js';
import { optional, repeatable, valued } from './row.js';

export const BUILDERS = ['auto', 'buildkit', 'classic'] as const;
export type Builder = (typeof BUILDERS)[number];

export const SOURCE_ROWS = [
  valued(
    {
      key: 'repo',
      flags: '-C, --repo <dir>',
      description: 'repository to bisect',
      common: true,
      default: '.',
      commands: [...SOURCE, 'log', 'init', 'doctor'],
      perInvocation: true,
    },
    repositoryDir,
  ),
  valued(
    {
      key: 'file',
      flags: '-f, --file <path>',
      description: 'the Dockerfile, relative to the build context',
      help: "Dockerfile: relative = inside each commit's build context; absolute and outside the repository = that one file for every commit",
      common: true,
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
      common: true,
      default: '.',
      commands: SOURCE,
    },
    contextDir,
  ),
  repeatable(
    {
      key: 'buildArg',
      flags: '--build-arg <KEY=VALUE>',
      description: 'build argument (repeatable)',
      common: true,
      commands: ['run', 'test'],
    },
    (values) => parseKeyValues(values, '--build-arg'),
  ),
  optional(
    { key: 'target', flags: '--target <stage>', description: 'build this stage of a multi-stage Dockerfile', commands: SOURCE },
    (text) => text,
  ),
  valued(
    {
      key: 'builder',
      flags: '--builder <kind>',
      description: 'how images are built: auto, buildkit or classic',
      help: "how images are built: auto (BuildKit where the engine has it, else the classic builder), buildkit (the engine's own: RUN --mount, COPY --chmod, secrets), classic",
      default: 'auto',
      kind: 'choice',
      choices: BUILDERS,
      commands: EVALUATING,
    },
    (text): Builder => choice(text, BUILDERS, '--builder'),
  ),
  repeatable(
    {
      key: 'secret',
      flags: '--secret <id=ID,env=VAR|src=FILE>',
      description: 'a build secret for RUN --mount=type=secret',
      help: 'a build secret for RUN --mount=type=secret, as docker build --secret takes it: from an environment variable (env=) or a file (src=); its value is never shown or stored (repeatable; needs BuildKit)',
      commands: EVALUATING,
    },
    (specs): BuildSecret[] => {
      const secrets = specs.map(parseBuildSecret);
      const ids = secrets.map((s) => s.id);
      const twice = ids.find((id, i) => ids.indexOf(id) !== i);
      if (twice) throw new UsageError(`--secret ${twice} is given twice`);
      return secrets;
    },
  ),
  optional(
    {
      key: 'buildNetwork',
      flags: '--build-network <mode>',
      description: 'network mode for RUN steps, e.g. host',
      help: 'network mode for RUN steps during the build, e.g. host',
      commands: EVALUATING,
    },
    (text) => text,
  ),
] as const;
