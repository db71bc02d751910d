/** Status ranges and small health helpers the readers share. */
import type { HealthCheck, StatusRange } from './contract.js';

/** Kubernetes and Cloud Run: 200 <= code < 400 (kubernetes pkg/probe/http/http.go). */
export const CODES_200_TO_399: StatusRange[] = [{ from: 200, to: 399 }];
/** Render: 2xx or 3xx. */
export const CODES_2XX_3XX: StatusRange[] = [{ from: 200, to: 399 }];
/** Fly: 2xx. */
export const CODES_2XX: StatusRange[] = [{ from: 200, to: 299 }];
/** Railway: 200 only. */
export const CODES_200: StatusRange[] = [{ from: 200, to: 200 }];

/** `2xx/3xx`, `200-399`, `200`: the ranges for people. */
export function codesText(ranges: readonly StatusRange[]): string {
  return ranges
    .map((r) => {
      if (r.from === r.to) return String(r.from);
      if (r.from % 100 === 0 && r.to % 100 === 99) {
        const classes = [];
        for (let c = r.from / 100; c <= Math.floor(r.to / 100); c++) classes.push(`${c}xx`);
        return classes.join('/');
      }
      return `${r.from}-${r.to}`;
    })
    .join(',');
}

/** A check with no headers, grace 0 and one success needed, to spread the rest over. */
export function check(kind: HealthCheck['kind'], rest: Omit<Partial<HealthCheck>, 'kind'> & Pick<HealthCheck, 'from'>): HealthCheck {
  return { kind, headers: [], graceMs: 0, successThreshold: 1, ...rest };
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
