/**
 * A compose file against the Compose Specification's JSON schema (compose-spec.json beside this file:
 * vendored from compose-spec/compose-spec @170098ba07d9f53c383a41bfd4c5166b0a4529a6,
 * schema/compose-spec.json, Apache License 2.0 — see compose-spec.LICENSE and compose-spec.NOTICE;
 * reformatted by prettier, the same JSON). Like compose, the most specific problem is reported, in
 * compose's words: `services.web.ports.0 must be a mapping, number or string`,
 * `services.web additional properties 'foo' not allowed`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

import composeSpecSchema from './compose-spec.json' with { type: 'json' };

export interface SchemaProblem {
  /** The path of the value at fault, as compose writes it (`services.web.ports.0`). */
  path: readonly string[];
  /** Where to point in the file: the path, or the key not allowed under it. */
  at: readonly string[];
  message: string;
}

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  if (!validator) {
    // The schema names https://json-schema.org/draft-07/schema, which ajv knows as http://...#: it is draft-07 either way.
    const { $schema: _ignored, ...schema } = composeSpecSchema as Record<string, unknown>;
    validator = new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile(schema);
  }
  return validator;
}

/** null when the tree is valid; else the most specific problem. */
export function checkAgainstSchema(tree: unknown): SchemaProblem | null {
  const validate = compiled();
  if (validate(tree)) return null;
  const errors = validate.errors ?? [];
  let best: ErrorObject | undefined;
  for (const error of errors) if (best === undefined || specificity(error) > specificity(best)) best = error;
  if (best === undefined) return { path: [], at: [], message: 'does not match the compose specification' };
  const path = pathOf(best);
  const extra =
    best.keyword === 'additionalProperties' ? [String((best.params as { additionalProperty: unknown }).additionalProperty)] : [];
  const message = best.keyword === 'type' ? typeReason(errors, best.instancePath) : reason(best);
  return { path, at: [...path, ...extra], message: `${path.length === 0 ? '(root)' : path.join('.')} ${message}` };
}

/** The types every branch at the path would take (`must be a list or mapping` for a list_or_dict). */
function typeReason(errors: readonly ErrorObject[], instancePath: string): string {
  const wanted = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'type' || error.instancePath !== instancePath) continue;
    for (const type of String((error.params as { type: unknown }).type).split(',')) wanted.add(typeName(type));
  }
  const types = [...wanted].sort();
  return `must be a ${types.length === 1 ? types[0] : `${types.slice(0, -1).join(', ')} or ${types.at(-1)}`}`;
}

function pathOf(error: ErrorObject): string[] {
  if (error.instancePath === '') return [];
  return error.instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function specificity(error: ErrorObject): number {
  const depth = pathOf(error).length;
  return error.keyword === 'additionalProperties' ? depth + 1 : depth;
}

function typeName(type: string): string {
  return type === 'object' ? 'mapping' : type === 'array' ? 'list' : type;
}

function reason(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `additional properties '${String(params['additionalProperty'])}' not allowed`;
    case 'required':
      return `missing property '${String(params['missingProperty'])}'`;
    case 'enum':
      return `must be one of ${(params['allowedValues'] as unknown[]).map((v) => `'${String(v)}'`).join(', ')}`;
    case 'pattern':
      return `does not match pattern '${String(params['pattern'])}'`;
    case 'propertyNames':
      return `invalid property name '${String(params['propertyName'])}'`;
    case 'uniqueItems':
      return `items at ${String(params['j'])} and ${String(params['i'])} are equal`;
    case 'minimum':
    case 'maximum':
      return `must be ${error.keyword === 'minimum' ? 'greater' : 'less'} than or equal to ${String(params['limit'])}`;
    case 'oneOf':
    case 'anyOf':
      return 'does not match any of the forms compose allows';
    default:
      return error.message ?? 'is invalid';
  }
}
