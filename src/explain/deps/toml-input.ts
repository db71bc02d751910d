/** TOML files of the readers (pyproject.toml, poetry.lock, uv.lock, Pipfile, Cargo.lock), parsed once with smol-toml. */
import { parse as parseToml } from 'smol-toml';

import type { JsonObject, Parsed } from './json-input.js';

export function parseTomlTable(text: string, path: string): Parsed<JsonObject> {
  try {
    return { ok: true, value: parseToml(text) as JsonObject };
  } catch (error) {
    return { ok: false, problem: `${path} is not valid TOML: ${(error as Error).message.split('\n')[0]}` };
  }
}
