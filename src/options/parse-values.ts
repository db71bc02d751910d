/**
 * Parsers for option values: each takes the text as written (on the command line, in the config
 * file or from the library caller) and returns the typed value, or throws a one-line UsageError
 * naming the option.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';

/** The longest delay a Node.js timer takes (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration in milliseconds, above 0 and (when it arms a timer) at most 24 days. */
export function timerDuration(flag: string, { upTo24Days = true } = {}): (text: string) => number {
  return (text) => {
    const ms = parseDuration(text, flag);
    if (ms <= 0) throw new UsageError(`${flag} must be longer than 0`);
    if (upTo24Days && ms > MAX_TIMER_MS) throw new UsageError(`${flag} must be at most 24 days`);
    return ms;
  };
}

/** A whole number from `min` to `max`. */
export function wholeNumber(flag: string, min: number, max: number): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      throw new UsageError(`invalid ${flag} '${text}': use a whole number from ${min} to ${max}`);
    }
    return Number(text);
  };
}

/** A probability written as a decimal fraction (`0.99`, `.2`), strictly between `low` and `high`. */
export function fraction(low: number, high: number, message: (text: string) => string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^0?\.\d+$/.test(text) || value <= low || value >= high) throw new UsageError(message(text));
    return value;
  };
}

/** KEY=VALUE, or KEY alone to take the value from the caller's environment (as docker does). */
export function parseKeyValues(values: readonly string[] | undefined, what: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    const key = eq === -1 ? item : item.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) throw new UsageError(`invalid ${what} '${item}': expected KEY=VALUE`);
    if (eq === -1) {
      const fromEnv = process.env[key];
      if (fromEnv === undefined) throw new UsageError(`${what} ${key} has no value and is not set in the environment`);
      result[key] = fromEnv;
    } else {
      result[key] = item.slice(eq + 1);
    }
  }
  return result;
}

/** `--header K:V` (repeatable) → headers, names in lower case. */
export function parseHeaders(values: readonly string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const item of values ?? []) {
    const colon = item.indexOf(':');
    const name = colon === -1 ? '' : item.slice(0, colon).trim();
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) throw new UsageError(`invalid --header '${item}': expected NAME:VALUE`);
    headers[name.toLowerCase()] = item.slice(colon + 1).trim();
  }
  return headers;
}

/** `--secret-env KEY` (repeatable): the value comes from the caller's environment and must be set there. */
export function parseSecretEnv(keys: readonly string[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of keys ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new UsageError(`invalid --secret-env '${key}': expected a variable name`);
    const value = process.env[key];
    if (value === undefined) throw new UsageError(`--secret-env ${key} is not set in the environment`);
    result[key] = value;
  }
  return result;
}

/**
 * Reads a file in `docker run --env-file` format: one `KEY=VALUE` per line (the value taken
 * literally: no quotes removed, no expansion), `KEY` alone takes the caller's value if set,
 * blank lines and lines starting with `#` are ignored.
 */
export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --env-file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const result: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq === -1 ? line.trimEnd() : line.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
      throw new UsageError(`--env-file ${path}:${index + 1}: invalid variable name '${key}'`);
    }
    if (eq !== -1) result[key] = line.slice(eq + 1);
    else if (process.env[key] !== undefined) result[key] = process.env[key]!;
  });
  return result;
}

/** The repository directory, absolute; it must exist. */
export function repositoryDir(text: string): string {
  const dir = resolve(text);
  if (!existsSync(dir)) throw new UsageError(`repository directory ${dir} does not exist`);
  return dir;
}

/** The build context, relative to the repository root, without trailing slashes; it may not leave the repository. */
export function contextDir(text: string): string {
  const dir = text.replace(/\/+$/, '') || '.';
  if (isAbsolute(text) || dir.split('/').includes('..')) {
    throw new UsageError(`--context must be a directory inside the repository, relative to its root: '${text}'`);
  }
  return dir;
}

/**
 * The Dockerfile: a relative path stays relative to the context; an absolute path inside the
 * repository becomes one; an absolute path outside it is that one file for every commit.
 */
export function dockerfilePath(file: string, repoDir: string, context: string): string {
  if (!isAbsolute(file)) return file;
  if (!existsSync(file)) throw new UsageError(`Dockerfile ${file} does not exist`);
  const real = realpathSync(file);
  const root = realpathSync(repoDir);
  const fromRoot = relative(root, real);
  if (escapes(fromRoot)) return real;
  const fromContext = relative(resolve(root, context), real);
  if (escapes(fromContext)) throw new UsageError(`Dockerfile ${file} is inside the repository but outside the build context ${context}`);
  return fromContext;
}

/** A relative path that leaves its base (`..`, `../x`; not a name like `..Dockerfile`). */
function escapes(path: string): boolean {
  return path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path);
}

/** One of `choices` (commander checks command-line values; this checks the library's and the config's). */
export function choice<T extends string>(text: string, choices: readonly T[], flag: string): T {
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`invalid ${flag} '${text}': use one of ${choices.join(', ')}`);
  return text as T;
}
