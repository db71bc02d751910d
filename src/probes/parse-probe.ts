import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { ExecProbe } from './exec-probe.js';
import { ExitProbe } from './exit-probe.js';
import { HealthcheckProbe } from './healthcheck-probe.js';
import { HttpProbe } from './http-probe.js';
import { LogProbe } from './log-probe.js';
import type { Probe } from './probe.js';
import { RunningProbe } from './running-probe.js';
import type { StatusMatcher } from './status-matcher.js';
import { TcpProbe } from './tcp-probe.js';

export interface ProbeSettings {
  /** The statuses an http probe accepts (`--expect-status`, whose row holds the default). */
  expectStatus: StatusMatcher;
  expectBody?: RegExp;
  headers?: Record<string, string>;
  insecure?: boolean;
}

export const DEFAULT_RUNNING_MS = 10_000;

export const PROBE_KINDS =
  'healthcheck, http://HOST:PORT/PATH, https://…, tcp://HOST:PORT, exec:<command>, log:<regex>, exit:<code>, running:<duration>';

/** Parses one `--probe` spec (see PROBE_KINDS). */
export function parseProbe(spec: string, settings: ProbeSettings): Probe {
  const text = spec.trim();
  if (text === 'healthcheck') return new HealthcheckProbe();
  if (text === 'running') return new RunningProbe(text, DEFAULT_RUNNING_MS);
  if (text.startsWith('running:')) return new RunningProbe(text, parseDuration(text.slice('running:'.length), 'running duration'));
  if (/^https?:\/\//i.test(text)) {
    parseUrlWithPort(text, spec);
    return new HttpProbe(text, {
      expectStatus: settings.expectStatus,
      ...(settings.expectBody ? { expectBody: settings.expectBody } : {}),
      ...(settings.headers ? { headers: settings.headers } : {}),
      ...(settings.insecure ? { insecure: true } : {}),
    });
  }
  if (/^tcp:\/\//i.test(text)) {
    const url = parseUrlWithPort(text, spec);
    if (url.pathname !== '' && url.pathname !== '/') throw new UsageError(`tcp probe '${spec}' takes no path: tcp://HOST:PORT`);
    return new TcpProbe(text);
  }
  if (text.startsWith('exec:')) {
    const command = text.slice('exec:'.length).trim();
    if (!command) throw new UsageError(`exec probe '${spec}' needs a command, e.g. exec:pg_isready`);
    return new ExecProbe(text, command);
  }
  if (text.startsWith('log:')) {
    return new LogProbe(text, parseRegex(text.slice('log:'.length), `log probe '${spec}'`));
  }
  if (text.startsWith('exit:')) {
    const code = text.slice('exit:'.length).trim();
    if (!/^\d{1,3}$/.test(code) || Number(code) > 255)
      throw new UsageError(`exit probe '${spec}' needs an exit code from 0 to 255, e.g. exit:0`);
    return new ExitProbe(text, Number(code));
  }
  throw new UsageError(`unknown probe '${spec}': use ${PROBE_KINDS}`);
}

/** A regular expression from the command line, with a usage error naming `what` when invalid. */
export function parseRegex(source: string, what: string): RegExp {
  if (source === '') throw new UsageError(`${what} needs a regular expression`);
  try {
    return new RegExp(source);
  } catch (error) {
    throw new UsageError(`invalid regular expression in ${what}: ${(error as Error).message}`);
  }
}

/** Why a probe URL's authority (`host:port`) cannot be used, if it cannot. */
function authorityProblem(authority: string): string | undefined {
  const host = authority.replace(/^[^@]*@/, '');
  const port = /:(\d*)$/.exec(host)?.[1];
  if (port !== undefined && port !== '' && (Number(port) < 1 || Number(port) > 65535)) return `port ${port} is out of range (1-65535)`;
  if (port === '') return 'the port after the colon is missing';
  if (/^:?\d*$/.test(host)) return 'it names no host (e.g. 127.0.0.1)';
  if (/\s/.test(host)) return 'the host has a space in it';
  if (host.startsWith('[') && !host.includes(']')) return "the IPv6 address has no closing ']'";
  return undefined;
}

function parseUrlWithPort(text: string, spec: string): URL {
  // URL drops a scheme's default port (http://host:80 has port ''), so look at what was written.
  const authority = text.replace(/^[a-z]+:\/\//i, '').split(/[/?#]/)[0] ?? '';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const why = authorityProblem(authority);
    throw new UsageError(`invalid probe URL '${spec}'${why ? `: ${why}` : ''}`);
  }
  const why = authorityProblem(authority);
  if (why) throw new UsageError(`invalid probe URL '${spec}': ${why}`);
  if (!url.port && !/:\d+$/.test(authority)) {
    const example = url.protocol === 'tcp:' ? 'tcp://127.0.0.1:5432' : 'http://127.0.0.1:8080/health';
    throw new UsageError(`probe URL '${spec}' needs an explicit port, e.g. ${example}`);
  }
  return url;
}
