/**
 * Checking a parsed manifest against a published JSON schema (ajv), the way the platform's own parser
 * would judge it: an error under a key the contract reads fails the manifest, with that key's place;
 * other errors become a note. Unknown keys (`additionalProperties`) are never errors: platforms accept
 * keys newer than their published schemas (flyctl's `release_command_timeout`, top-level `[checks]`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

import { invalid, keyPathText, type KeyPath } from './source/problem.js';

const compiled = new Map<object, ValidateFunction>();

export interface SchemaVerdict {
  /** The first error under a key the contract reads, as a problem at that key. */
  problem?: ReturnType<typeof invalid>;
  /** One line about the errors elsewhere, if any. */
  note?: string;
}

/**
 * `actedOn`: key paths the contract reads (a prefix matches the keys below it); a number in a prefix
 * matches any index, written as `'*'`.
 */
export function checkSchema(schema: object, value: unknown, actedOn: readonly (readonly string[])[], what: string): SchemaVerdict {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return {};
  const errors = (validate.errors ?? []).filter(
    (e) => e.keyword !== 'additionalProperties' && !['oneOf', 'anyOf', 'if'].includes(e.keyword),
  );
  const paths = errors.map((e) => ({ error: e, path: pathOf(e) }));
  const blocking = paths.find(({ path }) => actedOn.some((prefix) => matches(path, prefix)));
  const others = paths.filter((p) => p !== blocking && !actedOn.some((prefix) => matches(p.path, prefix)));
  const first = others[0];
  return {
    ...(blocking ? { problem: invalid(blocking.path, message(blocking.error)) } : {}),
    ...(first
      ? {
          note: `${what}: ${others.length} key${others.length > 1 ? 's' : ''} the published schema does not accept, not acted on (${keyPathText(first.path)} ${message(first.error)})`,
        }
      : {}),
  };
}

function pathOf(error: ErrorObject): KeyPath {
  return error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The error's key is at, above or below a key read (an error at `services` concerns `services.*.internal_port`). */
function matches(path: KeyPath, prefix: readonly string[]): boolean {
  const n = Math.min(path.length, prefix.length);
  for (let i = 0; i < n; i++) {
    const part = prefix[i];
    if (part === '*' ? typeof path[i] !== 'number' : path[i] !== part) return false;
  }
  return true;
}

function message(error: ErrorObject): string {
  if (error.keyword === 'enum')
    return `must be one of ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String).join(', ')}`;
  return error.message ?? 'does not match the published schema';
}
