/**
 * Versions compared the way every ecosystem here agrees on: dot-separated numbers first (`v1.2.3`,
 * `1.2`, `2024.1.0`), and a pre-release (`-rc.1`, `b2`, `.dev0`) before its release. Requirements
 * (`^4.8.0`, `>=3,<4`, `~> 2.25`) are compared by the lowest version they name.
 */

const VERSION_TOKEN = /(\d+(?:\.\d+)*)((?:[-+.]?[A-Za-z][A-Za-z0-9]*(?:[.-]?\d+)*)*)/;

interface ParsedVersion {
  numbers: number[];
  /** Text after the numbers that marks a pre-release (empty for a release or build metadata only). */
  pre: string;
}

function parse(version: string): ParsedVersion | undefined {
  const m = VERSION_TOKEN.exec(version);
  if (!m) return undefined;
  const numbers = (m[1] ?? '').split('.').map(Number);
  const rest = (m[2] ?? '').replace(/^\+.*$/, '');
  // `.post1` and Go's `+incompatible` come after the release; everything else is a pre-release.
  const pre = /^[.-]?post/i.test(rest) || rest === '' ? '' : rest;
  return { numbers, pre };
}

/** Negative when a < b, positive when a > b, 0 when equal or not comparable. */
export function compareVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return 0;
  const length = Math.max(x.numbers.length, y.numbers.length);
  for (let i = 0; i < length; i += 1) {
    const d = (x.numbers[i] ?? 0) - (y.numbers[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === '') return 1;
  if (y.pre === '') return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** The lowest version a requirement names (`^4.8.0` → 4.8.0, `>=3,<4` → 3, `latest` → undefined). */
export function lowestVersion(requirement: string): string | undefined {
  const found = VERSION_TOKEN.exec(requirement);
  return found ? found[0] : undefined;
}

/**
 * The version an exact pin installs (`==2.3.7`, `===2.3.7` → 2.3.7: pip's pins, as `pip freeze` and
 * pip-compile write them); undefined for any other requirement (`==2.*`, `>=2,<3`, `^4.8.0`).
 */
export function pinnedVersion(requirement: string): string | undefined {
  return /^===?\s*([^\s,;*]+)$/.exec(requirement.trim())?.[1];
}

/**
 * Whether a version is a new major: the first number differs; for 0.x, also the second where the
 * ecosystem's ranges count it so (`^0.30` in npm and Cargo stops before 0.31).
 */
export function isMajorChange(from: string | undefined, to: string | undefined, zeroMinorIsMajor = true): boolean {
  if (from === undefined || to === undefined) return false;
  const x = parse(lowestVersion(from) ?? '');
  const y = parse(lowestVersion(to) ?? '');
  if (!x || !y) return false;
  if (x.numbers[0] !== y.numbers[0]) return true;
  return zeroMinorIsMajor && x.numbers[0] === 0 && (x.numbers[1] ?? 0) !== (y.numbers[1] ?? 0);
}

/** The major version as people say it: `5` for 5.2.2, `0.30` for 0.30.3. */
export function majorLabel(version: string): string {
  const v = parse(lowestVersion(version) ?? '');
  if (!v) return version;
  return v.numbers[0] === 0 ? `0.${v.numbers[1] ?? 0}` : String(v.numbers[0]);
}
