import { startResult, type Probe, type ProbeResult, type ProbeTarget } from './probe.js';
import { poll } from './poll.js';
import type { StatusMatcher } from './status-matcher.js';

export interface HttpProbeOptions {
  expectStatus: StatusMatcher;
  expectBody?: RegExp;
  /** Per-request timeout cap. */
  requestTimeoutMs?: number;
  intervalMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** `http://HOST:PORT/PATH` — GET until the answer has the expected status (and body). */
export class HttpProbe implements Probe {
  readonly kind = 'http';
  readonly url: URL;
  constructor(
    readonly spec: string,
    private readonly options: HttpProbeOptions,
  ) {
    this.url = new URL(spec);
  }

  /** The container port this probe talks to (for publishing it in bridge mode). */
  get port(): number {
    return Number(this.url.port || (this.url.protocol === 'https:' ? 443 : 80));
  }

  /** The URL to request: in bridge mode a loopback URL naming a container port goes to its published port. */
  targetUrl(target: ProbeTarget): URL {
    const url = new URL(this.url);
    if (target.networkMode === 'bridge' && LOOPBACK.has(url.hostname)) {
      const published = target.publishedPort(this.port);
      if (published !== undefined) {
        url.hostname = '127.0.0.1';
        url.port = String(published);
      }
    }
    return url;
  }

  async check(target: ProbeTarget, deadline: number): Promise<ProbeResult> {
    const { clock } = target;
    const finish = startResult(this, clock);
    const url = this.targetUrl(target);
    const path = `${this.url.pathname}${this.url.search}`;
    let evidence: Record<string, unknown> = { url: url.toString() };
    const outcome = await poll<true>(
      async () => {
        const budget = Math.max(100, Math.min(this.options.requestTimeoutMs ?? 5000, deadline - clock.now()));
        let response: Response;
        let body: string;
        try {
          response = await fetch(url, { signal: AbortSignal.timeout(budget), redirect: 'manual' });
          body = await response.text();
        } catch (error) {
          return { done: false, reason: `http ${describeFetchError(error)} on ${path}` };
        }
        evidence = { url: url.toString(), status: response.status, body: body.slice(0, 500) };
        if (!this.options.expectStatus.matches(response.status)) {
          return { done: false, reason: `http ${response.status} from ${path}` };
        }
        if (this.options.expectBody && !this.options.expectBody.test(body)) {
          return { done: false, reason: `http ${response.status} from ${path}: body does not match /${this.options.expectBody.source}/` };
        }
        return { done: true, value: true };
      },
      { clock, deadline, intervalMs: this.options.intervalMs ?? 500, stop: target.stop },
    );
    const result = (ok: boolean, reason: string): ProbeResult => finish(ok, reason, evidence);
    switch (outcome.kind) {
      case 'done':
        return result(true, `http ${String(evidence.status)} from ${path}`);
      case 'stopped':
        return result(false, outcome.reason);
      case 'timeout':
        return result(false, outcome.lastReason);
    }
  }
}

const ERROR_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'unknown host',
  UND_ERR_SOCKET: 'connection closed',
};

function describeFetchError(error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return 'no answer';
  const code = (error as { cause?: { code?: string } }).cause?.code;
  if (code) return ERROR_CODES[code] ?? code;
  return (error as Error).message;
}
