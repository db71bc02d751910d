import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { HealthcheckProbe } from './healthcheck-probe.js';
import { HttpProbe } from './http-probe.js';
import type { Probe } from './probe.js';
import { RunningProbe } from './running-probe.js';
import { parseStatusMatcher, type StatusMatcher } from './status-matcher.js';

export interface ProbeSettings {
  expectStatus?: StatusMatcher;
  expectBody?: RegExp;
}

export const DEFAULT_RUNNING_MS = 10_000;

/** Parses one `--probe` spec: `healthcheck`, `http://HOST:PORT/PATH`, `https://…`, `running[:<duration>]`. */
export function parseProbe(spec: string, settings: ProbeSettings = {}): Probe {
  const text = spec.trim();
  if (text === 'healthcheck') return new HealthcheckProbe();
  if (text === 'running') return new RunningProbe(text, DEFAULT_RUNNING_MS);
  if (text.startsWith('running:')) return new RunningProbe(text, parseDuration(text.slice('running:'.length), 'running duration'));
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new UsageError(`invalid probe URL '${spec}'`);
    }
    // URL drops a scheme's default port (http://host:80 has port ''), so look at what was written.
    const authority = text.replace(/^https?:\/\//i, '').split(/[/?#]/)[0] ?? '';
    if (!url.port && !/:\d+$/.test(authority)) throw new UsageError(`probe URL '${spec}' needs an explicit port, e.g. http://127.0.0.1:8080/health`);
    return new HttpProbe(text, {
      expectStatus: settings.expectStatus ?? parseStatusMatcher('2xx'),
      ...(settings.expectBody ? { expectBody: settings.expectBody } : {}),
    });
  }
  throw new UsageError(`unknown probe '${spec}': use healthcheck, http://HOST:PORT/PATH or running:<duration>`);
}
