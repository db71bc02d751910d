/** JSON files of the readers (package.json, npm and composer locks, Pipfile.lock), parsed once at the edge. */

export type JsonObject = Record<string, unknown>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The file as a JSON object, or why it is not one. */
export function parseJsonObject(text: string, path: string): Parsed<JsonObject> {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { ok: true, value: value as JsonObject };
    return { ok: false, problem: `${path} is not a JSON object` };
  } catch (error) {
    return { ok: false, problem: `${path} is not valid JSON: ${(error as Error).message}` };
  }
}

export const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The string values of an object field (`dependencies`: name → range), other values left out. */
export function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}

export const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
