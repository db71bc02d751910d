import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

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
