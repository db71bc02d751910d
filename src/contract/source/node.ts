/**
 * Typed reading of a parsed manifest (the hand-written checks): a value with its key path, and methods
 * that return the value in its type or throw a ManifestProblem naming the key. A key that is absent
 * reads as undefined; a key that is present with the wrong type is an error, as the platform would say.
 */
import { invalid, type KeyPath } from './problem.js';

export class Node {
  constructor(
    readonly value: unknown,
    readonly path: KeyPath = [],
  ) {}

  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  get isMap(): boolean {
    return typeof this.value === 'object' && this.value !== null && !Array.isArray(this.value);
  }

  get isList(): boolean {
    return Array.isArray(this.value);
  }

  /** The value at a key of this mapping (absent when this is not a mapping or has no such key). */
  at(key: string): Node {
    const value = this.isMap && Object.hasOwn(this.value as object, key) ? (this.value as Record<string, unknown>)[key] : undefined;
    return new Node(value, [...this.path, key]);
  }

  /** The keys of this mapping, in the file's order (none when absent; an error when not a mapping). */
  keys(): string[] {
    if (!this.present) return [];
    if (!this.isMap) throw invalid(this.path, 'must be a mapping');
    return Object.keys(this.value as object);
  }

  entries(): [string, Node][] {
    return this.keys().map((key) => [key, this.at(key)]);
  }

  /** The items of this list (none when absent; an error when not a list). */
  items(): Node[] {
    if (!this.present) return [];
    if (!Array.isArray(this.value)) throw invalid(this.path, 'must be a list');
    return this.value.map((item, i) => new Node(item, [...this.path, i]));
  }

  /** A mapping or a list of mappings (TOML `[x]` vs `[[x]]`), as a list. */
  oneOrMany(): Node[] {
    return this.isList ? this.items() : this.present ? [this] : [];
  }

  string(): string {
    const value = this.optString();
    if (value === undefined) throw invalid(this.path, 'is required');
    return value;
  }

  optString(): string | undefined {
    if (!this.present) return undefined;
    if (typeof this.value !== 'string') throw invalid(this.path, `must be a string, not ${describe(this.value)}`);
    return this.value;
  }

  /** A string, number or boolean as text (an environment value written `10000` or `true`). */
  optScalar(): string | undefined {
    if (!this.present) return undefined;
    if (typeof this.value === 'string' || typeof this.value === 'number' || typeof this.value === 'boolean') return String(this.value);
    throw invalid(this.path, `must be a string, not ${describe(this.value)}`);
  }

  optNumber(): number | undefined {
    if (!this.present) return undefined;
    if (typeof this.value !== 'number' || !Number.isFinite(this.value))
      throw invalid(this.path, `must be a number, not ${describe(this.value)}`);
    return this.value;
  }

  /** A whole number in [min, max]; a string of digits is accepted (`port: "8080"`). */
  optInteger(min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (!this.present) return undefined;
    const n = typeof this.value === 'string' && /^\d+$/.test(this.value) ? Number(this.value) : this.value;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw invalid(this.path, `must be a whole number, not ${describe(this.value)}`);
    if (n < min || n > max) throw invalid(this.path, `must be between ${min} and ${max}, not ${n}`);
    return n;
  }

  optBoolean(): boolean | undefined {
    if (!this.present) return undefined;
    if (typeof this.value !== 'boolean') throw invalid(this.path, `must be true or false, not ${describe(this.value)}`);
    return this.value;
  }

  /** A list of strings, or a single string when `single` is allowed. */
  optStrings(single = false): string[] | undefined {
    if (!this.present) return undefined;
    if (single && typeof this.value === 'string') return [this.value];
    return this.items().map((item) => item.string());
  }

  /** A mapping of keys to scalar values, as text. */
  optStringMap(): { key: string; value: string }[] | undefined {
    if (!this.present) return undefined;
    return this.entries().map(([key, node]) => ({ key, value: node.optScalar() ?? '' }));
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return typeof value === 'string' ? `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"` : String(value);
}
