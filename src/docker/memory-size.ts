import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
/** The engine refuses memory limits below 6 MiB. */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

/** `--memory`: bytes, or a number with b, k, m, g (binary multiples, as docker run), e.g. 512m, 1.5g. */
export function parseMemory(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`invalid --memory '${text}': use bytes or a size like 512m, 1g`);
  const bytes = Math.floor(Number(m[1]) * (UNITS[m[2]!.toLowerCase()] ?? 1));
  if (bytes < MIN_MEMORY_BYTES) throw new UsageError(`--memory ${text} is below the engine's minimum of 6m`);
  return bytes;
}
