/**
 * Compose's interpolation grammar (compose-spec 12-interpolation.md): `$VAR`, `${VAR}`,
 * `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?err}` / `${VAR?err}`
 * (required), `${VAR:+alt}` / `${VAR+alt}` (set), defaults and messages nested, `$$` for a literal `$`.
 * A `$` not followed by a name or `{` stays as it is. Pure: values come from the lookup given.
 */

export type Lookup = (name: string) => string | undefined;

export class InterpolationError extends Error {
  readonly reason: 'required' | 'invalid';
  readonly variable: string | null;
  constructor(reason: 'required' | 'invalid', message: string, variable: string | null = null) {
    super(message);
    this.name = 'InterpolationError';
    this.reason = reason;
    this.variable = variable;
  }
}

export interface Interpolated {
  value: string;
  /** Variables read without a default that the lookup does not set (compose warns and uses ''). */
  unset: string[];
}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

/** Interpolates one string; throws InterpolationError for `${VAR:?err}` unmet or a malformed `${...}`. */
export function interpolate(template: string, lookup: Lookup): Interpolated {
  const unset: string[] = [];
  const value = substitute(template, lookup, unset);
  return { value, unset };
}

function substitute(template: string, lookup: Lookup, unset: string[]): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) return out + template.slice(i);
    out += template.slice(i, dollar);
    const next = template[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const close = closingBrace(template, dollar + 1);
      if (close < 0) throw invalid(template);
      out += braced(template.slice(dollar + 2, close), template, lookup, unset);
      i = close + 1;
    } else {
      const name = NAME.exec(template.slice(dollar + 1))?.[0];
      if (name === undefined) {
        out += '$';
        i = dollar + 1;
      } else {
        out += read(name, lookup, unset);
        i = dollar + 1 + name.length;
      }
    }
  }
  return out;
}

/** Index of the `}` closing the `{` at `open`, counting nested braces; -1 when none. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function braced(body: string, template: string, lookup: Lookup, unset: string[]): string {
  const name = NAME.exec(body)?.[0];
  if (name === undefined) throw invalid(template);
  const rest = body.slice(name.length);
  if (rest === '') return read(name, lookup, unset);
  const op = /^(:?[-?+])/.exec(rest)?.[1];
  if (op === undefined) throw invalid(template);
  const word = rest.slice(op.length);
  const value = lookup(name);
  const empty = value === undefined || (op.startsWith(':') && value === '');
  switch (op) {
    case '-':
    case ':-':
      return empty ? substitute(word, lookup, unset) : (value ?? '');
    case '+':
    case ':+':
      return empty ? (value ?? '') : substitute(word, lookup, unset);
    default: {
      if (!empty) return value ?? '';
      const reason = substitute(word, lookup, unset);
      const message =
        reason === '' ? `required variable ${name} is missing a value` : `required variable ${name} is missing a value: ${reason}`;
      throw new InterpolationError('required', message, name);
    }
  }
}

function read(name: string, lookup: Lookup, unset: string[]): string {
  const value = lookup(name);
  if (value === undefined) {
    if (!unset.includes(name)) unset.push(name);
    return '';
  }
  return value;
}

function invalid(template: string): InterpolationError {
  return new InterpolationError(
    'invalid',
    `invalid interpolation format ${JSON.stringify(template)}: you may need to escape any $ with another $`,
  );
}

/**
 * Interpolates every string value of a plain YAML tree (never a key), returning a new tree. `onUnset`
 * hears each unset variable with the path of the value that read it; errors carry the path.
 */
export function interpolateTree(
  tree: unknown,
  lookup: Lookup,
  onUnset: (variable: string, path: readonly (string | number)[]) => void,
  path: readonly (string | number)[] = [],
): unknown {
  if (typeof tree === 'string') {
    let result: Interpolated;
    try {
      result = interpolate(tree, lookup);
    } catch (error) {
      if (error instanceof InterpolationError) throw new TreeInterpolationError(error, path);
      throw error;
    }
    for (const variable of result.unset) onUnset(variable, path);
    return result.value;
  }
  if (Array.isArray(tree)) return tree.map((item, index) => interpolateTree(item, lookup, onUnset, [...path, index]));
  if (tree !== null && typeof tree === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(tree)) out[key] = interpolateTree(value, lookup, onUnset, [...path, key]);
    return out;
  }
  return tree;
}

/** An InterpolationError at a path of the tree. */
export class TreeInterpolationError extends Error {
  readonly error: InterpolationError;
  readonly path: readonly (string | number)[];
  constructor(error: InterpolationError, path: readonly (string | number)[]) {
    super(`error while interpolating ${path.join('.')}: ${error.message}`);
    this.name = 'TreeInterpolationError';
    this.error = error;
    this.path = path;
  }
}
