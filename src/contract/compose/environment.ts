/**
 * A service's environment as compose resolves it (compose-go WithServicesEnvironmentResolved): the
 * env_file files in order (later lines and files win, values interpolated from the project's
 * environment, then the service's own, then earlier lines), then `environment:` over them. A bare
 * `environment:` key takes its value from the pinned environment or `.env`; set nowhere, it is null
 * (and said in a warning), never taken from deploybisect's own process.
 */
import { isMapping } from './canonical.js';
import { fail } from './compose-failure.js';
import { EnvFileError, parseEnvFile } from './env-file.js';
import type { ComposeWarning, EnvFileRef, EnvironmentSource, EnvironmentValue } from './model.js';
import { pathRef } from './paths.js';

export interface ProjectEnvironment {
  /** A variable of the pinned environment (first) or `.env`, with where it came from. */
  lookup(name: string): { value: string; source: EnvironmentSource } | undefined;
  /** An env file's text at the commit (repository-relative path); null when the commit has none. */
  envFileText(path: string): string | null;
}

export interface ResolvedEnvironment {
  environment: Record<string, EnvironmentValue>;
  envFiles: EnvFileRef[];
}

export function resolveEnvironment(
  service: string,
  declared: Readonly<Record<string, string | null>>,
  envFileEntries: readonly unknown[],
  project: ProjectEnvironment,
  warn: (warning: ComposeWarning) => void,
): ResolvedEnvironment {
  const own = new Map<string, EnvironmentValue>();
  for (const [key, value] of Object.entries(declared)) {
    if (value !== null) {
      own.set(key, { value, source: { kind: 'environment' } });
      continue;
    }
    const found = project.lookup(key);
    if (found) own.set(key, { value: found.value, source: found.source });
    else own.set(key, { value: null, source: { kind: 'environment' } });
  }
  const environment: Record<string, EnvironmentValue> = {};
  const envFiles: EnvFileRef[] = [];
  for (const entry of envFileEntries) {
    if (!isMapping(entry)) continue;
    const ref = readEnvFile(service, entry, project, own, environment, warn);
    envFiles.push(ref);
  }
  for (const [key, value] of own) {
    environment[key] = value;
    if (value.value === null) warn({ kind: 'unset-environment', service, variable: key });
  }
  return { environment, envFiles };
}

function readEnvFile(
  service: string,
  entry: Record<string, unknown>,
  project: ProjectEnvironment,
  own: ReadonlyMap<string, EnvironmentValue>,
  environment: Record<string, EnvironmentValue>,
  warn: (warning: ComposeWarning) => void,
): EnvFileRef {
  const path = String(entry['path']);
  const ref = pathRef(path);
  const required = entry['required'] !== false && entry['required'] !== 'false';
  const raw = entry['format'] === 'raw';
  const text = ref.kind === 'repository' ? project.envFileText(path) : null;
  if (text === null) {
    if (required) {
      const why =
        ref.kind === 'repository' ? 'not found' : 'not found: it is outside the repository, and deploybisect reads the commit only';
      fail('env-file', `env file ${path} ${why}`, { file: path });
    }
    warn({ kind: 'missing-optional-env-file', service, path });
    return { path: ref, required, raw, found: false };
  }
  const lookup = (name: string): string | undefined =>
    project.lookup(name)?.value ?? own.get(name)?.value ?? environment[name]?.value ?? undefined;
  try {
    const parsed = parseEnvFile(text, lookup, { raw });
    for (const { key, value } of parsed.entries) environment[key] = { value, source: { kind: 'env_file', path } };
    for (const variable of parsed.unset) warn({ kind: 'unset-variable', variable, path: `services.${service}.env_file`, file: path });
  } catch (error) {
    if (error instanceof EnvFileError) fail('env-file', `failed to read ${path}: ${error.message}`, { file: path, line: error.line });
    throw error;
  }
  return { path: ref, required, raw, found: true };
}
