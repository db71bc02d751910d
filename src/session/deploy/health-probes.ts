/**
 * A platform's health checks as probes: each one as the platform runs it (its path, port, method,
 * headers, success codes), polled every 500 ms so that healthy is seen as soon as it is; the
 * deadline is the run's (the smaller of --timeout and the platform's own).
 */
import type { CommandLine, HealthCheck, StatusRange } from '../../contract/contract.js';
import type { NetworkMode } from '../../docker/run-container.js';
import { splitShellWords } from '../../explain/dockerfile/shell-words.js';
import { ExecProbe } from '../../probes/exec-probe.js';
import { HttpProbe } from '../../probes/http-probe.js';
import type { Probe } from '../../probes/probe.js';
import { parseStatusMatcher } from '../../probes/status-matcher.js';
import { TcpProbe } from '../../probes/tcp-probe.js';

/** `200-399` → the matcher `--expect-status` would make of it. */
function statusText(ranges: readonly StatusRange[]): string {
  return ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)).join(',');
}

/** The probes for a contract's checks, and what could not be checked here (said in the run's notes). */
export function healthProbes(checks: readonly HealthCheck[], network: NetworkMode): { probes: Probe[]; notes: string[] } {
  const probes: Probe[] = [];
  const notes: string[] = [];
  for (const check of checks) {
    const fromHost = check.kind !== 'exec';
    if (fromHost && network === 'none') {
      notes.push(
        `${check.kind} check on port ${check.port ?? '?'} cannot reach a container without a network (--network host or bridge checks it)`,
      );
      continue;
    }
    if (check.kind === 'http') {
      const scheme = check.scheme ?? 'http';
      const headers = Object.fromEntries(check.headers.map((h) => [h.name, h.value]));
      probes.push(
        new HttpProbe(`${scheme}://127.0.0.1:${check.port ?? 80}${check.path ?? '/'}`, {
          expectStatus: parseStatusMatcher(statusText(check.successCodes ?? [{ from: 200, to: 399 }])),
          ...(Object.keys(headers).length > 0 ? { headers } : {}),
          ...(check.method && check.method.toUpperCase() !== 'GET' ? { method: check.method.toUpperCase() } : {}),
          ...(check.timeoutMs !== undefined ? { requestTimeoutMs: check.timeoutMs } : {}),
          ...(scheme === 'https' ? { insecure: true } : {}),
          ...(check.followRedirects ? { followRedirects: true } : {}),
        }),
      );
    } else if (check.kind === 'exec') {
      const argv = check.command ?? [];
      probes.push(new ExecProbe(`exec:${argv.join(' ')}`, argv.join(' '), argv));
    } else {
      // gRPC: no gRPC health client is built in yet; the server must at least take connections.
      if (check.kind === 'grpc') notes.push(`the gRPC health check on port ${check.port ?? '?'} is checked as a TCP connect`);
      probes.push(new TcpProbe(`tcp://127.0.0.1:${check.port ?? 0}`));
    }
  }
  return { probes, notes };
}

/** A platform's command as the words a container is started with. */
export function commandWords(command: CommandLine): string[] {
  switch (command.form) {
    case 'exec':
      return command.argv;
    case 'shell':
      return ['/bin/sh', '-c', command.script];
    case 'words':
      // Split as a shell would, without running one (no expansion): the platforms that take a string do so.
      return splitShellWords(command.text).flat();
  }
}
