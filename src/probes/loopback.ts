import type { ProbeTarget } from './probe.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Where to connect for a probe that names HOST:PORT. In bridge mode a loopback address with a
 * container port goes to the ephemeral 127.0.0.1 port Docker published for it; otherwise as given.
 */
export function loopbackTarget(
  host: string,
  port: number,
  target: Pick<ProbeTarget, 'networkMode' | 'publishedPort'>,
): { host: string; port: number } {
  if (target.networkMode === 'bridge' && LOOPBACK.has(host)) {
    const published = target.publishedPort(port);
    if (published !== undefined) return { host: '127.0.0.1', port: published };
  }
  return { host, port };
}
