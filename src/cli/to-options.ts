import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { HttpProbe } from '../probes/http-probe.js';
import { parseProbe } from '../probes/parse-probe.js';
import { parseStatusMatcher } from '../probes/status-matcher.js';
import type { EvaluatorOptions } from '../session/evaluator.js';
import type { Regression } from '../session/outcome.js';

/** What commander hands over (camel-cased flags). */
export interface RawOptions {
  repo: string;
  file: string;
  context: string;
  buildArg?: string[];
  target?: string;
  buildNetwork?: string;
  network: string;
  env?: string[];
  probe?: string[];
  healthInterval?: string;
  expectStatus: string;
  expectBody?: string;
  timeout: string;
  regression?: string;
  firstParent?: boolean;
  verify?: boolean;
  keepImages?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  json?: boolean;
}

export interface OutputOptions {
  verbose: boolean;
  quiet: boolean;
  json: boolean;
}

/** KEY=VALUE, or KEY alone to take the value from the caller's environment (as docker does). */
export function parseKeyValues(values: string[] | undefined, what: string): Record<string, string> {
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

export function toEvaluatorOptions(raw: RawOptions): Omit<EvaluatorOptions, 'logLines'> {
  const repoDir = resolve(raw.repo);
  if (!existsSync(repoDir)) throw new UsageError(`repository directory ${repoDir} does not exist`);
  const contextDir = raw.context.replace(/\/+$/, '') || '.';
  if (isAbsolute(raw.context) || contextDir.split('/').includes('..')) {
    throw new UsageError(`--context must be a directory inside the repository, relative to its root: '${raw.context}'`);
  }
  const dockerfile = dockerfilePath(raw.file, repoDir, contextDir);
  const expectStatus = parseStatusMatcher(raw.expectStatus);
  let expectBody: RegExp | undefined;
  if (raw.expectBody !== undefined) {
    try {
      expectBody = new RegExp(raw.expectBody);
    } catch (error) {
      throw new UsageError(`invalid --expect-body regular expression: ${(error as Error).message}`);
    }
  }
  const probes = raw.probe ?? [];
  const probeSettings = { expectStatus, ...(expectBody ? { expectBody } : {}) };
  const parsed = probes.map((spec) => parseProbe(spec, probeSettings));
  if (raw.network === 'none' && parsed.some((p) => p instanceof HttpProbe)) {
    throw new UsageError('--network none: an http probe cannot reach the container; use --probe healthcheck or --network host');
  }
  const env = Object.entries(parseKeyValues(raw.env, '--env')).map(([k, v]) => `${k}=${v}`);
  const timeoutMs = parseDuration(raw.timeout, '--timeout');
  if (timeoutMs <= 0) throw new UsageError('--timeout must be longer than 0');
  return {
    repoDir,
    contextDir,
    dockerfile,
    buildArgs: parseKeyValues(raw.buildArg, '--build-arg'),
    ...(raw.target ? { target: raw.target } : {}),
    ...(raw.buildNetwork ? { buildNetwork: raw.buildNetwork } : {}),
    network: raw.network,
    env,
    probes,
    probeSettings,
    ...(raw.healthInterval !== undefined ? { healthIntervalMs: parseDuration(raw.healthInterval, '--health-interval') } : {}),
    timeoutMs,
  };
}

/** Relative paths stay relative to the context; an absolute path inside the repository becomes one. */
function dockerfilePath(file: string, repoDir: string, contextDir: string): string {
  if (!isAbsolute(file)) return file;
  if (!existsSync(file)) throw new UsageError(`Dockerfile ${file} does not exist`);
  const real = realpathSync(file);
  const root = realpathSync(repoDir);
  const fromRoot = relative(root, real);
  if (escapes(fromRoot)) return real; // outside: one file for every commit
  const fromContext = relative(resolve(root, contextDir), real);
  if (escapes(fromContext)) throw new UsageError(`Dockerfile ${file} is inside the repository but outside the build context ${contextDir}`);
  return fromContext;
}

/** A relative path that leaves its base (`..`, `../x`; not a name like `..Dockerfile`). */
function escapes(path: string): boolean {
  return path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path);
}

export function toRegression(raw: RawOptions): Regression {
  return (raw.regression ?? 'auto') as Regression;
}

export function toOutputOptions(raw: Pick<RawOptions, 'verbose' | 'quiet' | 'json'>): OutputOptions {
  if (raw.verbose && raw.quiet) throw new UsageError('--verbose and --quiet exclude each other');
  return { verbose: Boolean(raw.verbose), quiet: Boolean(raw.quiet), json: Boolean(raw.json) };
}
