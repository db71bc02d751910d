import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { cleanText } from '../text/clean-text.js';
import { loopbackTarget } from './loopback.js';
import { poll } from './poll.js';
import { startResult, type Probe, type ProbeResult, type ProbeTarget } from './probe.js';
import type { StatusMatcher } from './status-matcher.js';

export interface HttpProbeOptions {
  expectStatus: StatusMatcher;
  expectBody?: RegExp;
  /** Request headers (`--header K:V`). */
  headers?: Record<string, string>;
  /** Accept any TLS certificate (`--insecure`). */
  insecure?: boolean;
  /** The request's method (a platform's check may use another than GET). */
  method?: string;
  /** Per-request timeout cap. */
  requestTimeoutMs?: number;
  intervalMs?: number;
  /**
   * Follow redirects to the same host and judge the last answer, as the kubelet does (at most 10; one to
   * another host is judged as it is). Otherwise a 3xx is judged as it is.
   */
  followRedirects?: boolean;
}

/** Go's http.Client stops after 10 redirects; the kubelet uses it. */
const MAX_REDIRECTS = 10;

const BODY_LIMIT = 64 * 1024;

/** `http://HOST:PORT/PATH`, `https://…` — GET until the answer has the expected status (and body). */
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

  get hostPort(): number {
    return this.port;
  }

  /**
   * The target as written, with its port always spelled out (`http://127.0.0.1:80/health`): when a
   * connection fails, the port is often the whole story (an app that moved to another port).
   */
  get target(): string {
    return `${this.url.protocol}//${this.url.hostname}:${this.port}${this.url.pathname}${this.url.search}`;
  }

  /** The URL to request: in bridge mode a loopback URL naming a container port goes to its published port. */
  targetUrl(target: Pick<ProbeTarget, 'networkMode' | 'publishedPort'>): URL {
    const url = new URL(this.url);
    const { host, port } = loopbackTarget(url.hostname, this.port, target);
    if (host !== url.hostname || port !== this.port) {
      url.hostname = host;
      url.port = String(port);
    }
    return url;
  }

  async check(target: ProbeTarget, deadline: number): Promise<ProbeResult> {
    const { clock } = target;
    const finish = startResult(this, clock);
    const url = this.targetUrl(target);
    const path = `${this.url.pathname}${this.url.search}`;
    let evidence: Record<string, unknown> = { url: url.toString() };
    // The path that gave the last answer, with the one asked for when a redirect was followed.
    let answeredFrom = path;
    const outcome = await poll<true>(
      async () => {
        const budget = Math.max(100, Math.min(this.options.requestTimeoutMs ?? 5000, deadline - clock.now()));
        const { answer, at } = await this.request(url, budget);
        if ('error' in answer) return { done: false, reason: `http ${answer.error} on ${path} (${this.target})` };
        evidence = { url: at.toString(), status: answer.status, body: target.redact(cleanText(answer.body)).slice(0, 500) };
        answeredFrom = at === url ? path : `${at.pathname}${at.search} (redirected from ${path})`;
        if (!this.options.expectStatus.matches(answer.status)) {
          return { done: false, reason: `http ${answer.status} from ${answeredFrom}` };
        }
        if (this.options.expectBody && !this.options.expectBody.test(answer.body)) {
          return {
            done: false,
            reason: `http ${answer.status} from ${answeredFrom}: body does not match /${this.options.expectBody.source}/`,
          };
        }
        return { done: true, value: true };
      },
      { clock, deadline, intervalMs: this.options.intervalMs ?? 500, stop: target.stop },
    );
    switch (outcome.kind) {
      case 'done':
        return finish(true, `http ${String(evidence.status)} from ${answeredFrom}`, evidence);
      case 'stopped':
        return finish(false, outcome.reason, evidence);
      case 'timeout':
        return finish(false, outcome.lastReason, evidence);
    }
  }

  /** One check's request: the answer, and the URL that gave it (another than `url` after redirects followed). */
  private async request(url: URL, timeoutMs: number): Promise<{ answer: Answer; at: URL }> {
    let at = url;
    for (let hops = 0; ; hops++) {
      const answer = await get(at, timeoutMs, this.options);
      const location = 'error' in answer ? undefined : answer.headers.location;
      if (!this.options.followRedirects || 'error' in answer || answer.status < 300 || answer.status > 399 || !location) {
        return { answer, at };
      }
      const next = new URL(location, at);
      if (next.host !== at.host) return { answer, at };
      if (hops === MAX_REDIRECTS) return { answer: { error: `more than ${MAX_REDIRECTS} redirects` }, at };
      at = next;
    }
  }
}

type Answer = { status: number; headers: IncomingHttpHeaders; body: string } | { error: string };

const ERROR_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'unknown host',
  EPROTO: 'TLS handshake failed',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate (use --insecure)',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate (use --insecure)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted certificate (use --insecure)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate name mismatch (use --insecure)',
  CERT_HAS_EXPIRED: 'expired certificate (use --insecure)',
};

/** One request (a GET unless told), never throwing: the status and (up to 64 KiB of) body, or a short error. No redirect followed here. */
function get(url: URL, timeoutMs: number, options: HttpProbeOptions): Promise<Answer> {
  return new Promise((resolve) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, {
      method: options.method ?? 'GET',
      headers: { 'user-agent': 'deploybisect', ...options.headers },
      ...(url.protocol === 'https:' ? { rejectUnauthorized: !options.insecure } : {}),
      timeout: timeoutMs,
    });
    // `timeout` above only notices an idle socket; this one ends a slow trickle too.
    const hard = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })), timeoutMs);
    req.on('close', () => clearTimeout(hard));
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => {
      resolve({ error: error.code === 'TIMEOUT' ? 'no answer' : (ERROR_CODES[error.code ?? ''] ?? error.code ?? error.message) });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        // Enough to judge the answer: a streaming endpoint must not keep the probe reading.
        if (size >= BODY_LIMIT) {
          done();
          req.destroy();
        }
      });
      res.on('end', done);
      res.on('error', done);
    });
    req.end();
  });
}
