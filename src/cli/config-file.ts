/**
 * The config file: everything a command-line option can say, kept at the repository root, for the
 * runs a team repeats (a nightly job, a shared Dockerfile and probes). Its schema is made from the
 * option table (options.ts), like `--help` and the README's option reference, so the three never
 * drift. Command-line options override it.
 *
 * Found at the repository root, first of: `deploybisect.config.json`, `.deploybisectrc.json`, the
 * `"deploybisect"` key of `package.json`; or named with `--config <file>`; `--no-config` ignores it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { UsageError } from '../errors.js';
import { repositoryRoot } from '../git/work-tree.js';
import { OPTIONS, type OptionSpec } from './options.js';

export const CONFIG_FILES = ['deploybisect.config.json', '.deploybisectrc.json'] as const;

/** Options that say something about one invocation, not about the project: not in the config. */
const NOT_IN_CONFIG = new Set(['repo', 'config', 'restart', 'mark', 'session', 'state', 'good', 'force']);

/** The key of an option in the config: commander's attribute name (`--build-arg` → `buildArg`, `--no-verify` → `verify`). */
export function configKey(spec: OptionSpec): string {
  const long = spec.flags.split(/[ ,|]+/).find((part) => part.startsWith('--'))!;
  const name = long.replace(/^--(no-)?/, '');
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Whether the option takes a value (`<…>` or `[…]`), or is a flag (true / false for `--no-…`). */
function takesValue(spec: OptionSpec): boolean {
  return /[<[]/.test(spec.flags);
}

/** The options the config can hold, by key. */
export function configurableOptions(): Map<string, OptionSpec> {
  const map = new Map<string, OptionSpec>();
  for (const spec of OPTIONS) {
    const key = configKey(spec);
    if (!NOT_IN_CONFIG.has(key) && !map.has(key)) map.set(key, spec);
  }
  return map;
}

/** The JSON Schema of the config file, from the option table. */
export function configSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = { $schema: { type: 'string' } };
  for (const [key, spec] of configurableOptions()) {
    const scalar = !takesValue(spec)
      ? { type: 'boolean' }
      : spec.choices
        ? { type: 'string', enum: [...spec.choices] }
        : { type: ['string', 'number'] };
    const description = `${spec.flags}: ${spec.description}`;
    properties[key] = spec.repeatable
      ? { description, oneOf: [scalar, { type: 'array', items: scalar }] }
      : { description, ...scalar };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'deploybisect configuration',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

export interface LoadedConfig {
  /** Where it was read, for messages. */
  source: string;
  /** The directory of the file: relative file names in it are relative to it. */
  dir: string;
  values: Record<string, unknown>;
}

/** Finds and validates the config for the repository at `repoDir` (or the named file); undefined when there is none. */
export function loadConfig(repoDir: string, named?: string): LoadedConfig | undefined {
  if (named !== undefined) {
    const path = resolve(named);
    if (!existsSync(path)) throw new UsageError(`config file ${named} does not exist`);
    return validated(path, dirname(path), parseJson(path));
  }
  const root = repositoryRoot(repoDir);
  if (!root) return undefined;
  for (const name of CONFIG_FILES) {
    const path = join(root, name);
    if (existsSync(path)) return validated(path, root, parseJson(path));
  }
  const manifest = join(root, 'package.json');
  if (existsSync(manifest)) {
    const pkg = parseJson(manifest) as Record<string, unknown> | undefined;
    if (pkg && typeof pkg === 'object' && 'deploybisect' in pkg) return validated(`${manifest} ("deploybisect")`, root, pkg.deploybisect);
  }
  return undefined;
}

function parseJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

let compiled: ReturnType<Ajv['compile']> | undefined;

/** Checks `value` against the schema: one line per problem, each with the path of the key. */
export function validateConfig(source: string, value: unknown): Record<string, unknown> {
  compiled ??= new Ajv({ allErrors: true, strict: false }).compile(configSchema());
  if (compiled(value)) return value as Record<string, unknown>;
  const problems = (compiled.errors ?? []).filter(isReportable).map((e) => `${source}: ${describe(e)}`);
  throw new UsageError([...new Set(problems)].join('\ndeploybisect: '));
}

function validated(source: string, dir: string, value: unknown): LoadedConfig {
  return { source, dir, values: validateConfig(source, value) };
}

/** oneOf reports each branch's failure too: keep the summary line, not the branch details, for repeatable options. */
function isReportable(error: ErrorObject): boolean {
  return !/\/oneOf\/\d+\//.test(error.schemaPath);
}

function describe(error: ErrorObject): string {
  const path = error.instancePath || '/';
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      return `${path === '/' ? '' : path}/${key}: unknown option (the keys are the long option names in camelCase, e.g. buildArg for --build-arg)`;
    }
    case 'enum':
      return `${path}: must be one of ${(error.params as { allowedValues: string[] }).allowedValues.join(', ')}`;
    case 'oneOf':
      return `${path}: must be a value or a list of values`;
    case 'type':
      return `${path}: must be ${(error.params as { type: string | string[] }).type.toString().replace(',', ' or ')}`;
    default:
      return `${path}: ${error.message ?? 'is invalid'}`;
  }
}

/** A config value as commander would hold it: strings, lists of strings for repeatable options, booleans. */
export function toOptionValue(spec: OptionSpec, value: unknown): unknown {
  if (!takesValue(spec)) return value;
  if (spec.repeatable) return (Array.isArray(value) ? value : [value]).map(String);
  return String(value);
}

/**
 * The TypeScript type of the config's options (src/config-options.ts), from the same table: the
 * library's typed options. `npm run docs:options` rewrites the file; a unit test keeps it in step.
 */
export function renderConfigTypes(): string {
  const lines = [
    '// Generated from the option table (src/cli/options.ts) by `npm run docs:options`; do not edit.',
    '// A unit test (test/unit/config-file.test.ts) checks that it is in step with the table.',
    '',
    '/** Everything the config file can say; the library takes the same options. */',
    'export interface ConfigOptions {',
  ];
  for (const [key, spec] of configurableOptions()) {
    const scalar = !takesValue(spec) ? 'boolean' : spec.choices ? spec.choices.map((c) => `'${c}'`).join(' | ') : 'string | number';
    const type = spec.repeatable ? `${scalar.includes('|') ? `(${scalar})` : scalar}[] | ${scalar}` : scalar;
    lines.push(`  /** \`${spec.flags}\`: ${spec.description.replaceAll('*/', '* /')} */`, `  ${key}?: ${type};`);
  }
  lines.push('}', '');
  return lines.join('\n');
}
