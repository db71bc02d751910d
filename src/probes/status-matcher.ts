import { UsageError } from '../errors.js';

/** `--expect-status`: one code (`200`), a class (`2xx`), a range (`200-399`), or a comma list of those. */
export interface StatusMatcher {
  readonly text: string;
  matches(status: number): boolean;
}

export function parseStatusMatcher(text: string): StatusMatcher {
  const tests = text.split(',').map((part) => {
    const p = part.trim().toLowerCase();
    let m: RegExpExecArray | null;
    if ((m = /^([1-5])xx$/.exec(p))) {
      const base = Number(m[1]) * 100;
      return (s: number) => s >= base && s < base + 100;
    }
    // HTTP status codes are 100 to 599.
    const valid = (code: number): boolean => code >= 100 && code <= 599;
    if ((m = /^(\d{3})-(\d{3})$/.exec(p))) {
      const lo = Number(m[1]);
      const hi = Number(m[2]);
      if (lo <= hi && valid(lo) && valid(hi)) return (s: number) => s >= lo && s <= hi;
    }
    if ((m = /^(\d{3})$/.exec(p)) && valid(Number(m[1]))) {
      const code = Number(m[1]);
      return (s: number) => s === code;
    }
    throw new UsageError(`invalid --expect-status '${text}': use a code (200), a class (2xx) or a range (200-399)`);
  });
  return { text, matches: (status) => tests.some((t) => t(status)) };
}
