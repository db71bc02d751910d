/**
 * Compose's short port syntax `[[IP:]HOST:]CONTAINER[/PROTO]` (ranges `8000-8010:8000-8010`, IPv6 in
 * brackets) into the long form, one entry per container port, as compose's loader (Docker's nat
 * package) expands it. A host range over a single container port stays one entry (the engine picks).
 */

export interface LongPort {
  target: number;
  published: string | null;
  host_ip: string | null;
  protocol: string;
  mode: string;
}

export class PortSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PortSpecError';
  }
}

interface Range {
  start: number;
  end: number;
}

function parseRange(text: string, what: string): Range {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) throw new PortSpecError(`invalid ${what}: ${text}`);
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start > 65535 || end > 65535 || end < start) throw new PortSpecError(`invalid ${what}: ${text}`);
  return { start, end };
}

/** Splits `IP:HOST:CONTAINER` (IPv6 hosts in brackets) into its three parts. */
function splitAddress(spec: string): { ip: string; host: string; container: string } {
  if (spec.startsWith('[')) {
    const close = spec.indexOf(']');
    const rest = close < 0 ? '' : spec.slice(close + 1);
    const parts = rest.split(':');
    if (close < 0 || parts.length !== 3 || parts[0] !== '') throw new PortSpecError(`invalid port spec: ${spec}`);
    return { ip: spec.slice(1, close), host: parts[1] ?? '', container: parts[2] ?? '' };
  }
  const parts = spec.split(':');
  const container = parts.at(-1) ?? '';
  if (parts.length === 1) return { ip: '', host: '', container };
  if (parts.length === 2) return { ip: '', host: parts[0] ?? '', container };
  return { ip: parts.slice(0, -2).join(':'), host: parts.at(-2) ?? '', container };
}

/** One short-syntax entry (a string or a bare number) into long entries. */
export function parsePortSpec(value: string | number): LongPort[] {
  const text = String(value).trim();
  const slash = text.lastIndexOf('/');
  const protocol = slash < 0 ? 'tcp' : text.slice(slash + 1).toLowerCase();
  const address = slash < 0 ? text : text.slice(0, slash);
  if (protocol === '') throw new PortSpecError(`invalid proto: ${text}`);
  const { ip, host, container } = splitAddress(address);
  if (container === '') throw new PortSpecError(`no port specified: ${text}<empty>`);
  const containerRange = parseRange(container, 'containerPort');
  const hostRange = host === '' ? null : parseRange(host, 'hostPort');
  const count = containerRange.end - containerRange.start;
  const hostIp = ip === '' ? null : ip;
  if (hostRange !== null && hostRange.end - hostRange.start !== count) {
    if (count !== 0) throw new PortSpecError(`invalid ranges specified for container and host ports: ${text}`);
    return [{ target: containerRange.start, published: host, host_ip: hostIp, protocol, mode: 'ingress' }];
  }
  const ports: LongPort[] = [];
  for (let i = 0; i <= count; i++) {
    const published = hostRange === null ? null : String(hostRange.start + i);
    ports.push({ target: containerRange.start + i, published, host_ip: hostIp, protocol, mode: 'ingress' });
  }
  return ports;
}
