import { connect } from 'node:net';

import { loopbackTarget } from './loopback.js';
import { poll } from './poll.js';
import { startResult, type Probe, type ProbeResult, type ProbeTarget } from './probe.js';

/** `tcp://HOST:PORT` — a TCP connection is accepted. */
export class TcpProbe implements Probe {
  readonly kind = 'tcp';
  readonly host: string;
  readonly port: number;
  /** Reached from the host. */
  get hostPort(): number {
    return this.port;
  }

  constructor(readonly spec: string) {
    const url = new URL(spec);
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port);
  }

  async check(target: ProbeTarget, deadline: number): Promise<ProbeResult> {
    const { clock } = target;
    const finish = startResult(this, clock);
    const { host, port } = loopbackTarget(this.host, this.port, target);
    const outcome = await poll<true>(
      async () => {
        const budget = Math.max(100, Math.min(3000, deadline - clock.now()));
        const error = await tryConnect(host, port, budget);
        return error === undefined ? { done: true, value: true } : { done: false, reason: `tcp ${error} on port ${this.port}` };
      },
      { clock, deadline, intervalMs: 250, stop: target.stop },
    );
    const evidence = { host, port };
    switch (outcome.kind) {
      case 'done':
        return finish(true, `tcp connection accepted on port ${this.port}`, evidence);
      case 'stopped':
        return finish(false, outcome.reason, evidence);
      case 'timeout':
        return finish(false, outcome.lastReason, evidence);
    }
  }
}

const CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
};

/** Resolves undefined when a connection was accepted, else a short reason. */
export function tryConnect(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason: string | undefined) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done('no answer'));
    socket.once('connect', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => done(CODES[error.code ?? ''] ?? error.code ?? error.message));
  });
}
