/**
 * The variables compose interpolates with: the pinned environment the caller gives (what compose
 * would take from the shell; deploybisect's own process environment is never read), then the
 * project's `.env` (itself interpolated from the pinned environment). Also the variables compose
 * reads for itself from them: COMPOSE_FILE and COMPOSE_PROFILES.
 */
import { fail } from './compose-failure.js';
import { EnvFileError, envMap, parseEnvFile } from './env-file.js';
import type { FileSource } from './file-source.js';
import type { ComposeWarning, EnvironmentSource } from './model.js';

export interface ProjectVariables {
  /** The `.env` read, or null. */
  dotenvFile: string | null;
  value(name: string): string | undefined;
  /** The value with where it came from (pinned environment or `.env`). */
  describe(name: string): { value: string; source: EnvironmentSource } | undefined;
}

export interface VariableSources {
  pinned: Readonly<Record<string, string>>;
  /** The `.env` to read (null: none); `explicit` makes a missing one an error. */
  dotenv: { path: string; explicit: boolean } | null;
}

async function readDotEnv(
  source: FileSource,
  path: string,
  explicit: boolean,
  pinned: Readonly<Record<string, string>>,
  warn: (w: ComposeWarning) => void,
) {
  const text = await source.read(path);
  if (text === null) {
    if (explicit) fail('env-file', `couldn't find env file: ${path}`, { file: path });
    return null;
  }
  try {
    const parsed = parseEnvFile(text, (name) => (Object.hasOwn(pinned, name) ? pinned[name] : undefined));
    for (const variable of parsed.unset) warn({ kind: 'unset-variable', variable, path: '.env', file: path });
    return envMap(parsed);
  } catch (error) {
    if (error instanceof EnvFileError) fail('env-file', `failed to read ${path}: ${error.message}`, { file: path, line: error.line });
    throw error;
  }
}

export async function readProjectVariables(
  source: FileSource,
  sources: VariableSources,
  warn: (w: ComposeWarning) => void,
): Promise<ProjectVariables> {
  const { pinned } = sources;
  const values = sources.dotenv === null ? null : await readDotEnv(source, sources.dotenv.path, sources.dotenv.explicit, pinned, warn);
  const dotenvFile = values === null || sources.dotenv === null ? null : sources.dotenv.path;
  const value = (name: string): string | undefined => (Object.hasOwn(pinned, name) ? pinned[name] : values?.get(name));
  return {
    dotenvFile,
    value,
    describe: (name) => {
      if (Object.hasOwn(pinned, name)) return { value: pinned[name] ?? '', source: { kind: 'pinned' } };
      const found = values?.get(name);
      return found === undefined || dotenvFile === null ? undefined : { value: found, source: { kind: 'dotenv', path: dotenvFile } };
    },
  };
}

/** COMPOSE_PROFILES (comma-separated), as compose reads it when no --profile is given. */
export function profilesFrom(variables: ProjectVariables): string[] {
  return (variables.value('COMPOSE_PROFILES') ?? '')
    .split(',')
    .map((profile) => profile.trim())
    .filter((profile) => profile !== '');
}

/** COMPOSE_FILE (separated by COMPOSE_PATH_SEPARATOR, default `:`), as compose reads it when no -f is given. */
export function filesFrom(variables: ProjectVariables): string[] {
  const separator = variables.value('COMPOSE_PATH_SEPARATOR') ?? ':';
  return (variables.value('COMPOSE_FILE') ?? '').split(separator).filter((file) => file !== '');
}
