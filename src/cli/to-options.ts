import type { Verdict } from '../bisect/index.js';
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { HttpProbe } from '../probes/http-probe.js';
import { parseProbe, parseRegex } from '../probes/parse-probe.js';
import { TcpProbe } from '../probes/tcp-probe.js';
import { RunningProbe } from '../probes/running-probe.js';
import { parseMemory } from '../docker/memory-size.js';
import type { EngineOptions } from '../session/open-session.js';
import type { ResourceLimits } from '../docker/run-container.js';
import { readEnvFile } from './env-file.js';
import { parseStatusMatcher } from '../probes/status-matcher.js';
import type { EvaluatorOptions } from '../session/evaluator.js';
import type { Regression } from '../session/outcome.js';

/** The longest delay a Node.js timer takes (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
  envFile?: string[];
  secretEnv?: string[];
  memory: string;
  cpus?: string;
  pidsLimit: string;
  platform?: string;
  probe?: string[];
  failOnLog?: string[];
  defaultHttp?: boolean;
  header?: string[];
  insecure?: boolean;
  healthInterval?: string;
  expectStatus: string;
  expectBody?: string;
  timeout: string;
  buildTimeout?: string;
  engineTimeout?: string;
  regression?: string;
  firstParent?: boolean;
  verify?: boolean;
  keepImages?: boolean;
  report?: string;
  jobs?: string;
  runs?: string;
  flaky?: boolean;
  state?: string;
  restart?: boolean;
  mark?: string[];
  confidence?: string;
  flakeRate?: string;
  maxRuns?: string;
  dockerHost?: string[];
  cacheDir?: string;
  cache?: boolean;
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

/** Where the repository, its build context and Dockerfile are (run, test and explain). */
export function toSourceOptions(raw: Pick<RawOptions, 'repo' | 'context' | 'file' | 'target'>): {
  repoDir: string;
  contextDir: string;
  dockerfile: string;
  target?: string;
} {
  const repoDir = resolve(raw.repo);
  if (!existsSync(repoDir)) throw new UsageError(`repository directory ${repoDir} does not exist`);
  const contextDir = raw.context.replace(/\/+$/, '') || '.';
  if (isAbsolute(raw.context) || contextDir.split('/').includes('..')) {
    throw new UsageError(`--context must be a directory inside the repository, relative to its root: '${raw.context}'`);
  }
  const dockerfile = dockerfilePath(raw.file, repoDir, contextDir);
  return { repoDir, contextDir, dockerfile, ...(raw.target ? { target: raw.target } : {}) };
}

export function toEvaluatorOptions(raw: RawOptions): Omit<EvaluatorOptions, 'logLines'> {
  const { repoDir, contextDir, dockerfile } = toSourceOptions(raw);
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
  const headers = parseHeaders(raw.header);
  const probeSettings = {
    expectStatus,
    ...(expectBody ? { expectBody } : {}),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(raw.insecure ? { insecure: true } : {}),
  };
  const parsed = probes.map((spec) => parseProbe(spec, probeSettings));
  if (raw.network === 'none' && parsed.some((p) => p instanceof HttpProbe || p instanceof TcpProbe)) {
    throw new UsageError(
      '--network none: an http or tcp probe cannot reach the container; use --probe healthcheck, exec:, log:, or --network host',
    );
  }
  const failOnLog = raw.failOnLog ?? [];
  failOnLog.forEach((source) => parseRegex(source, '--fail-on-log'));
  // Later sources win, as with docker run: env files, then --env, then --secret-env.
  const secrets = parseSecretEnv(raw.secretEnv);
  const envMap = {
    ...Object.assign({}, ...(raw.envFile ?? []).map(readEnvFile)),
    ...parseKeyValues(raw.env, '--env'),
    ...secrets,
  } as Record<string, string>;
  const env = Object.entries(envMap).map(([k, v]) => `${k}=${v}`);
  const timeoutMs = parseDuration(raw.timeout, '--timeout');
  if (timeoutMs <= 0) throw new UsageError('--timeout must be longer than 0');
  const buildTimeoutMs = parseDuration(raw.buildTimeout ?? '20m', '--build-timeout');
  if (buildTimeoutMs <= 0) throw new UsageError('--build-timeout must be longer than 0');
  if (buildTimeoutMs > MAX_TIMER_MS) throw new UsageError('--build-timeout must be at most 24 days');
  for (const probe of parsed) {
    if (probe instanceof RunningProbe && probe.durationMs >= timeoutMs) {
      throw new UsageError(`--probe ${probe.spec} can never pass within --timeout ${raw.timeout}: make the timeout longer than the duration`);
    }
  }
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
    failOnLog,
    defaultHttp: raw.defaultHttp !== false,
    secrets: Object.values(secrets),
    limits: parseLimits(raw),
    ...(raw.platform ? { platform: raw.platform } : {}),
    ...(raw.healthInterval !== undefined ? { healthIntervalMs: parseDuration(raw.healthInterval, '--health-interval') } : {}),
    timeoutMs,
    buildTimeoutMs,
  };
}

/** `--header K:V` (repeatable) → headers. */
export function parseHeaders(values: string[] | undefined): Record<string, string> {
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
export function parseSecretEnv(keys: string[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of keys ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new UsageError(`invalid --secret-env '${key}': expected a variable name`);
    const value = process.env[key];
    if (value === undefined) throw new UsageError(`--secret-env ${key} is not set in the environment`);
    result[key] = value;
  }
  return result;
}

function parseLimits(raw: Pick<RawOptions, 'memory' | 'cpus' | 'pidsLimit'>): ResourceLimits {
  const limits: ResourceLimits = { memoryBytes: parseMemory(raw.memory) };
  if (raw.cpus !== undefined) {
    const cpus = Number(raw.cpus);
    if (!Number.isFinite(cpus) || cpus <= 0) throw new UsageError(`invalid --cpus '${raw.cpus}': use a number above 0, e.g. 0.5`);
    limits.cpus = cpus;
  }
  if (!/^\d+$/.test(raw.pidsLimit)) throw new UsageError(`invalid --pids-limit '${raw.pidsLimit}': use a whole number (0 = no limit)`);
  const pids = Number(raw.pidsLimit);
  if (pids > 0) limits.pidsLimit = pids;
  return limits;
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

/** `--cache-dir`, `--no-cache` → the session's cacheDir (false = off, undefined = the default). */
export function toCacheDir(raw: Pick<RawOptions, 'cache' | 'cacheDir'>): { cacheDir?: string | false } {
  if (raw.cache === false) return { cacheDir: false };
  return raw.cacheDir ? { cacheDir: resolve(raw.cacheDir) } : {};
}

/** `--jobs k`: a whole number from 1 to 16; absent = one per engine (decided when the engines are known). */
export function toJobs(raw: Pick<RawOptions, 'jobs'>): number | undefined {
  const text = raw.jobs;
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 16) throw new UsageError(`invalid --jobs '${text}': use a whole number from 1 to 16`);
  return Number(text);
}

/**
 * `--runs n` and `--flaky` (with `--confidence`, `--flake-rate`, `--max-runs`). Several runs per
 * commit, or a search that weighs runs, must see every run: runBisect does not use the verdict cache then.
 */
export function toFlakyOptions(raw: Pick<RawOptions, 'runs' | 'flaky' | 'confidence' | 'flakeRate' | 'maxRuns'>): {
  runs?: number;
  flaky?: { confidence: number; flakeRate?: number; maxRuns: number };
} {
  const runs = raw.runs ?? '1';
  if (!/^\d+$/.test(runs) || Number(runs) < 1 || Number(runs) > 25) throw new UsageError(`invalid --runs '${runs}': use a whole number from 1 to 25`);
  if (!raw.flaky) {
    for (const [flag, value] of [['--confidence', raw.confidence], ['--flake-rate', raw.flakeRate], ['--max-runs', raw.maxRuns]] as const) {
      if (value !== undefined) throw new UsageError(`${flag} works only with --flaky`);
    }
    return Number(runs) > 1 ? { runs: Number(runs) } : {};
  }
  const confidence = Number(raw.confidence ?? '0.99');
  if (!/^0?\.\d+$/.test(raw.confidence ?? '0.99') || confidence <= 0.5 || confidence >= 1) {
    throw new UsageError(`invalid --confidence '${raw.confidence}': use a probability between 0.5 and 1, e.g. 0.99`);
  }
  let flakeRate: number | undefined;
  if (raw.flakeRate !== undefined) {
    flakeRate = Number(raw.flakeRate);
    if (!/^0?\.\d+$/.test(raw.flakeRate) || flakeRate <= 0 || flakeRate >= 0.5) {
      throw new UsageError(`invalid --flake-rate '${raw.flakeRate}': use the share of healthy runs that fail, between 0 and 0.5, e.g. 0.2`);
    }
  }
  const maxRuns = raw.maxRuns ?? '60';
  if (!/^\d+$/.test(maxRuns) || Number(maxRuns) < 2 || Number(maxRuns) > 10_000) {
    throw new UsageError(`invalid --max-runs '${maxRuns}': use a whole number from 2 to 10000`);
  }
  return {
    runs: Number(runs),
    flaky: { confidence, ...(flakeRate !== undefined ? { flakeRate } : {}), maxRuns: Number(maxRuns) },
  };
}

/** `--state`, `--restart` and `--mark`, for `run` (marks' commits are resolved by runBisect). */
export function toStateOptions(raw: Pick<RawOptions, 'state' | 'restart' | 'mark' | 'flaky'>): {
  state: { path?: string; restart: boolean };
  marks?: Array<{ ref: string; verdict: Verdict }>;
} {
  const marks = (raw.mark ?? []).map((text) => {
    const m = /^([^=\s]+)=(good|bad|skip)$/.exec(text);
    if (!m) throw new UsageError(`invalid --mark '${text}': expected <commit>=good, <commit>=bad or <commit>=skip`);
    return { ref: m[1] as string, verdict: m[2] as Verdict };
  });
  if (marks.length > 0 && raw.flaky) throw new UsageError('--mark cannot be used with --flaky: a flake-aware search weighs runs, not verdicts');
  return { state: { ...(raw.state ? { path: resolve(raw.state) } : {}), restart: Boolean(raw.restart) }, ...(marks.length > 0 ? { marks } : {}) };
}

/** `--docker-host`, repeatable: empty = DOCKER_HOST, the docker context or the local socket. */
export function toEngineOptions(raw: Pick<RawOptions, 'dockerHost' | 'engineTimeout'>): EngineOptions {
  const engineTimeoutMs = parseDuration(raw.engineTimeout ?? '2m', '--engine-timeout');
  if (engineTimeoutMs <= 0) throw new UsageError('--engine-timeout must be longer than 0');
  if (engineTimeoutMs > MAX_TIMER_MS) throw new UsageError('--engine-timeout must be at most 24 days');
  return { ...(raw.dockerHost && raw.dockerHost.length > 0 ? { dockerHosts: raw.dockerHost } : {}), engineTimeoutMs };
}

export function toRegression(raw: RawOptions): Regression {
  return (raw.regression ?? 'auto') as Regression;
}

export function toOutputOptions(raw: Pick<RawOptions, 'verbose' | 'quiet' | 'json'>): OutputOptions {
  if (raw.verbose && raw.quiet) throw new UsageError('--verbose and --quiet exclude each other');
  return { verbose: Boolean(raw.verbose), quiet: Boolean(raw.quiet), json: Boolean(raw.json) };
}
