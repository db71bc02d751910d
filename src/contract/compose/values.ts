/**
 * Reading typed values out of the merged canonical tree. An interpolated value arrives as a string
 * (`retries: ${RETRIES}`), so numbers and booleans are cast the way compose casts them; a value that
 * does not cast is the stack's failure, at the line of the file that set it.
 */
import type { TreePath } from './yaml-file.js';

/** Raises the project's failure for a path (the loader finds the file and line that set it). */
export type FailAt = (path: TreePath, message: string) => never;

export function optionalString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value);
}

export function stringList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** compose's boolean cast (YAML 1.1 words too, as compose accepts them with a warning). */
export function booleanAt(value: unknown, path: TreePath, failAt: FailAt): boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  const word = String(value).toLowerCase();
  if (['true', 'y', 'yes', 'on'].includes(word)) return true;
  if (['false', 'n', 'no', 'off'].includes(word)) return false;
  return failAt(path, `${path.join('.')} must be a boolean: invalid boolean: ${String(value)}`);
}

export function integerAt(value: unknown, path: TreePath, failAt: FailAt): number | null {
  if (value === null || value === undefined) return null;
  const number = typeof value === 'number' ? value : /^[-+]?\d+$/.test(String(value).trim()) ? Number(String(value).trim()) : NaN;
  if (!Number.isInteger(number)) return failAt(path, `${path.join('.')} must be an integer: ${JSON.stringify(value)}`);
  return number;
}
