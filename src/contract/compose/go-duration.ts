/**
 * Durations as compose reads them (Go's time.ParseDuration): numbers with units `ns`, `us`/`µs`, `ms`,
 * `s`, `m`, `h`, combinable (`1m30s`, `1.5s`), a bare `0`. Not src/duration.ts's grammar, which takes a
 * bare number as seconds and has no `us`/`ns`: compose refuses a unitless non-zero duration. Pure.
 */

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds (fractional below 1 ms), or null when compose would refuse the text. */
export function parseGoDuration(text: string): number | null {
  const trimmed = text.trim();
  const sign = trimmed.startsWith('-') ? -1 : 1;
  const body = trimmed.replace(/^[-+]/, '');
  if (body === '0') return 0;
  if (body === '') return null;
  let total = 0;
  let rest = body;
  while (rest !== '') {
    const match = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!match) return null;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
    rest = rest.slice(match[0].length);
  }
  return sign * total;
}
