/**
 * Fly's routing and checks: which service (`[http_service]` or a `[[services]]` entry) serves a process
 * group, the port it routes to (`internal_port`, default 8080), and the checks a deploy waits for
 * (`[[http_service.checks]]`, `[[services.tcp_checks]]`, `[[services.http_checks]]`). Top-level `[checks]`
 * are monitoring only and do not gate a deploy.
 */
import type { HealthCheck, PortSpec } from '../contract.js';
import { parseGoDuration } from '../go-duration.js';
import { check, CODES_2XX, MINUTE, SECOND } from '../health-defaults.js';
import type { Node } from '../source/node.js';
import { invalid, keyPathText } from '../source/problem.js';

export const FLY_DEFAULT_PORT = 8080;
/** flyctl's `[deploy] wait_timeout` default. */
export const FLY_WAIT_TIMEOUT_MS = 5 * MINUTE;

/** A duration key: a TOML number is milliseconds, a string is a Go duration (`"1m0s"`). */
export function flyDuration(node: Node): number | undefined {
  if (!node.present) return undefined;
  if (typeof node.value === 'number') return node.optInteger(0);
  const ms = parseGoDuration(node.string());
  if (ms === undefined) throw invalid(node.path, `is not a duration: "${String(node.value)}" (use 10s, 1m0s or milliseconds)`);
  return ms;
}

export interface FlyService {
  node: Node;
  /** `[http_service]` or `services[1]`. */
  key: string;
  http: boolean;
}

/** The services that serve a process group: those listing it in `processes`, or listing no group at all. */
export function servicesFor(root: Node, group: string): FlyService[] {
  const http = root.at('http_service');
  const all: FlyService[] = [
    ...(http.present ? [{ node: http, key: '[http_service]', http: true }] : []),
    ...root
      .at('services')
      .oneOrMany()
      .map((node) => ({ node, key: keyPathText(node.path), http: false })),
  ];
  return all.filter(({ node }) => {
    const groups = node.at('processes').optStrings();
    return groups === undefined || groups.length === 0 || groups.includes(group);
  });
}

/** The service traffic comes through: `[http_service]`, else a service with an http handler, else the first. */
export function routedService(services: readonly FlyService[]): FlyService | undefined {
  const handlesHttp = (s: FlyService) =>
    s.node
      .at('ports')
      .items()
      .some((port) => (port.at('handlers').optStrings() ?? []).includes('http'));
  return services.find((s) => s.http) ?? services.find(handlesHttp) ?? services[0];
}

export function flyPort(service: FlyService): PortSpec {
  const number = service.node.at('internal_port').optInteger(1, 65535);
  if (number !== undefined) return { number, injectedAsPort: false, source: 'manifest', from: `${service.key} internal_port` };
  return { number: FLY_DEFAULT_PORT, injectedAsPort: false, source: 'platform-default', from: "Fly's internal_port default" };
}

/** Every check of the routed service; the deploy waits for all of them, up to `[deploy] wait_timeout`. */
export function flyChecks(root: Node, service: FlyService | undefined, port: number): HealthCheck[] {
  if (!service) return [];
  const wait = flyDuration(root.at('deploy').at('wait_timeout'));
  const deadline = { deadlineMs: wait ?? FLY_WAIT_TIMEOUT_MS, waitDefaulted: wait === undefined };
  const http = service.http ? service.node.at('checks').oneOrMany() : service.node.at('http_checks').oneOrMany();
  const tcp = service.http ? [] : service.node.at('tcp_checks').oneOrMany();
  return [...tcp.map((node) => flyCheck(node, 'tcp', port, deadline)), ...http.map((node) => flyCheck(node, 'http', port, deadline))];
}

/**
 * One check. Fly gives no defaults for its timings in the reference; deploybisect uses the values of the
 * documentation's tcp_checks example (grace 1s, interval 15s, timeout 2s) where a key is absent.
 */
function flyCheck(node: Node, kind: 'tcp' | 'http', port: number, deadline: { deadlineMs: number; waitDefaulted: boolean }): HealthCheck {
  const defaults: string[] = deadline.waitDefaulted ? ['deadlineMs'] : [];
  const timing = (key: string, fallback: number, name: string): number => {
    const ms = flyDuration(node.at(key));
    if (ms === undefined) defaults.push(name);
    return ms ?? fallback;
  };
  const timings = {
    graceMs: timing('grace_period', SECOND, 'graceMs'),
    intervalMs: timing('interval', 15 * SECOND, 'intervalMs'),
    timeoutMs: timing('timeout', 2 * SECOND, 'timeoutMs'),
    deadlineMs: deadline.deadlineMs,
  };
  const keys = [keyPathText(node.path)];
  if (kind === 'tcp') return check('tcp', { port, ...timings, from: { keys, defaults } });
  const protocol = node.at('protocol').optString() ?? 'http';
  if (protocol !== 'http' && protocol !== 'https') throw invalid(node.at('protocol').path, `must be http or https, not "${protocol}"`);
  const headers = (node.at('headers').optStringMap() ?? []).map(({ key, value }) => ({ name: key, value }));
  if (!node.at('path').present) defaults.push('path');
  return check('http', {
    path: node.at('path').optString() ?? '/',
    port,
    scheme: protocol,
    method: (node.at('method').optString() ?? 'GET').toUpperCase(),
    headers,
    successCodes: CODES_2XX,
    followRedirects: false,
    ...timings,
    from: { keys, defaults: [...defaults, 'successCodes', 'followRedirects'] },
  });
}
