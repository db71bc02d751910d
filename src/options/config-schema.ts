/**
 * The config file's JSON Schema, made from the option table, and its validation: one line per
 * problem, each with the path of the key (the same for the library caller's options).
 */
import { Ajv, type ErrorObject } from 'ajv';

import { UsageError } from '../errors.js';
import { configurableRows } from './option-table.js';
import type { OptionRow } from './row.js';

/** The key of an option as commander names its attribute (`--build-arg` → `buildArg`, `--no-verify` → `verify`). */
export function configKey(row: Pick<OptionRow, 'flags'>): string {
  const long = row.flags.split(/[ ,|]+/).find((part) => part.startsWith('--'))!;
  const name = long.replace(/^--(no-)?/, '');
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function scalarSchema(row: OptionRow): Record<string, unknown> {
  if (row.kind === 'flag') return { type: 'boolean' };
  if (row.choices) return { type: 'string', enum: [...row.choices] };
  return { type: ['string', 'number'] };
}

/** The JSON Schema of the config file. */
export function configSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = { $schema: { type: 'string' } };
  for (const [key, row] of configurableRows()) {
    const scalar = scalarSchema(row);
    const description = `${row.flags}: ${row.description}`;
    properties[key] = row.repeatable ? { description, oneOf: [scalar, { type: 'array', items: scalar }] } : { description, ...scalar };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'deploybisect configuration',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

let compiled: ReturnType<Ajv['compile']> | undefined;

/** Checks `value` against the schema: one line per problem, each with the path of the key. */
export function validateConfig(source: string, value: unknown): Record<string, unknown> {
  compiled ??= new Ajv({ allErrors: true, strict: false }).compile(configSchema());
  if (compiled(value)) return value as Record<string, unknown>;
  const problems = (compiled.errors ?? []).filter(isReportable).map((e) => `${source}: ${describe(e)}`);
  throw new UsageError([...new Set(problems)].join('\ndeploybisect: '));
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
