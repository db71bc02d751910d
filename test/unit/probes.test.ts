import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Docker from 'dockerode';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { LogWatcher } from '../../src/docker/log-watcher.js';
import type { ExitInfo } from '../../src/docker/run-container.js';
import { systemClock, type Clock } from '../../src/probes/clock.js';
import { HealthcheckProbe } from '../../src/probes/healthcheck-probe.js';
import { HttpProbe } from '../../src/probes/http-probe.js';
import { DEFAULT_RUNNING_MS, parseProbe } from '../../src/probes/parse-probe.js';
import type { ProbeTarget } from '../../src/probes/probe.js';
import { RunningProbe } from '../../src/probes/running-probe.js';
import { parseStatusMatcher } from '../../src/probes/status-matcher.js';
import { usageMessage } from '../helpers/expect-usage-error.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { PROBE_DEFAULTS } from '../helpers/settings.js';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const NEVER = new Promise<string>(() => {});

interface FakeTargetOptions {
  clock?: Clock;
  inspect?: () => Promise<unknown>;
  stop?: Promise<string>;
  exited?: Promise<ExitInfo>;
  logs?: LogWatcher;
  networkMode?: string;
  publishedPort?: (port: number) => number | undefined;
}

function fakeTarget(options: FakeTargetOptions): ProbeTarget {
  const inspect = options.inspect ?? (() => Promise.reject(new Error('inspect must not be called')));
  return {
    docker: {} as Docker,
    container: { inspect } as unknown as Docker.Container,
    stop: options.stop ?? NEVER,
    exited: options.exited ?? new Promise<ExitInfo>(() => {}),
    logs: options.logs ?? LogWatcher.manual(),
    redact: (text) => text,
    publishedPort:
      options.publishedPort ??
      (() => {
        throw new Error('publishedPort must not be called');
      }),
    networkMode: options.networkMode ?? 'host',
    clock: options.clock ?? systemClock,
  };
}

/** inspect() answering the given states in turn, repeating the last; counts its calls. */
function inspectSequence(states: unknown[]): { inspect: () => Promise<unknown>; calls: () => number } {
  let calls = 0;
  return {
    inspect: async () => {
      const state = states[Math.min(calls, states.length - 1)];
      calls++;
      return { State: state };
    },
    calls: () => calls,
  };
}

describe('RunningProbe', () => {
  it('passes when the container still runs once the duration has passed, inspecting it once', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const seq = inspectSequence([{ Running: true }]);
    const result = await new RunningProbe('running:2s', 2000).check(fakeTarget({ clock, inspect: seq.inspect }), start + 10_000);
    expect(result).toEqual({ kind: 'running', spec: 'running:2s', ok: true, elapsedMs: 2000, reason: 'running after 2.0s' });
    expect(seq.calls()).toBe(1);
    expect(clock.now()).toBe(start + 2000);
  });

  it('fails when the container is no longer running after the duration', async () => {
    const clock = new FakeClock();
    const seq = inspectSequence([{ Running: false }]);
    const result = await new RunningProbe('running:3s', 3000).check(fakeTarget({ clock, inspect: seq.inspect }), clock.now() + 10_000);
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('not running after 3.0s');
    expect(result.elapsedMs).toBe(3000);
  });

  it('passes when the duration ends exactly at the deadline', async () => {
    const clock = new FakeClock();
    const seq = inspectSequence([{ Running: true }]);
    const result = await new RunningProbe('running:10s', 10_000).check(fakeTarget({ clock, inspect: seq.inspect }), clock.now() + 10_000);
    expect(result.ok).toBe(true);
    expect(result.reason).toBe('running after 10s');
  });

  it('fails at once, without inspecting, when the duration is longer than the timeout', async () => {
    const clock = new FakeClock();
    const result = await new RunningProbe('running:20s', 20_000).check(fakeTarget({ clock }), clock.now() + 10_000);
    expect(result).toEqual({
      kind: 'running',
      spec: 'running:20s',
      ok: false,
      elapsedMs: 0,
      reason: 'running:20s is longer than the probe timeout',
    });
    expect(clock.sleeps).toEqual([]);
  });

  it('checks at once for a zero duration', async () => {
    const clock = new FakeClock();
    const seq = inspectSequence([{ Running: true }]);
    const result = await new RunningProbe('running:0s', 0).check(fakeTarget({ clock, inspect: seq.inspect }), clock.now() + 1000);
    expect(result.ok).toBe(true);
    expect(result.elapsedMs).toBe(0);
    expect(seq.calls()).toBe(1);
  });

  it('fails immediately with the reason when the container exits before the duration', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const exited = deferred<string>();
    clock.onSleep = (now) => {
      if (now - start >= 1000) exited.resolve('container exited with code 3');
    };
    const result = await new RunningProbe('running:5s', 5000).check(fakeTarget({ clock, stop: exited.promise }), start + 10_000);
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('container exited with code 3');
    expect(result.elapsedMs).toBe(1000);
  });
});

describe('HealthcheckProbe', () => {
  const starting = { Running: true, Health: { Status: 'starting', Log: [] } };

  it('passes once the health status goes from starting to healthy', async () => {
    const clock = new FakeClock();
    const seq = inspectSequence([
      starting,
      starting,
      { Running: true, Health: { Status: 'healthy', Log: [{ ExitCode: 0, Output: 'ok\n' }] } },
    ]);
    const result = await new HealthcheckProbe().check(fakeTarget({ clock, inspect: seq.inspect }), clock.now() + 60_000);
    expect(result).toEqual({
      kind: 'healthcheck',
      spec: 'healthcheck',
      ok: true,
      elapsedMs: 500,
      reason: 'healthcheck healthy',
      evidence: { lastOutput: 'ok' },
    });
    expect(seq.calls()).toBe(3);
    expect(clock.sleeps).toEqual([250, 250]);
  });

  it('keeps the last check output as a terminal shows it: no colours, a \\r progress at its last state', async () => {
    const clock = new FakeClock();
    const Output = '\u001b[31mFAIL\u001b[0m db\r\nchecking 10%\rchecking 100%\u001b[K\n';
    const seq = inspectSequence([{ Running: true, Health: { Status: 'unhealthy', Log: [{ ExitCode: 1, Output }] } }]);
    const result = await new HealthcheckProbe().check(fakeTarget({ clock, inspect: seq.inspect }), clock.now() + 60_000);
    expect(result.evidence).toEqual({ lastOutput: 'FAIL db\nchecking 100%' });
  });

  it('fails when the status goes from starting to unhealthy, keeping the last check output', async () => {
    const clock = new FakeClock();
    const seq = inspectSequence([
      { Running: true, Health: { Status: 'starting', Log: [{ ExitCode: 1, Output: 'first failure' }] } },
      {
        Running: true,
        Health: {
          Status: 'unhealthy',
          Log: [
            { ExitCode: 1, Output: 'first failure' },
            { ExitCode: 1, Output: '  curl: (7) Failed to connect to localhost port 8080\n' },
          ],
        },
      },
    ]);
    const result = await new HealthcheckProbe().check(fakeTarget({ clock, inspect: seq.inspect }), clock.now() + 60_000);
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('healthcheck unhealthy');
    expect(result.evidence).toEqual({ lastOutput: 'curl: (7) Failed to connect to localhost port 8080' });
    expect(result.elapsedMs).toBe(250);
  });

  it("with the image's tolerance kept by the probe: unhealthy once enough checks failed in a row and the tolerance has passed", async () => {
    const clock = new FakeClock();
    const failing = (streak: number) => ({
      Running: true,
      Health: { Status: 'starting', FailingStreak: streak, Log: [{ ExitCode: 1, Output: 'no' }] },
    });
    const seq = inspectSequence([failing(1), failing(2), failing(3)]);
    const target = { ...fakeTarget({ clock, inspect: seq.inspect }), healthTolerance: { failures: 2, afterMs: 1000 } };
    const result = await new HealthcheckProbe().check(target, clock.now() + 60_000);
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('healthcheck unhealthy');
    // Two failures in a row after 250 ms, but the tolerance lasts 1 s.
    expect(result.elapsedMs).toBe(1000);
  });

  it("with the image's tolerance kept by the probe: not unhealthy while fewer checks than its retries failed in a row", async () => {
    const clock = new FakeClock();
    const failing = { Running: true, Health: { Status: 'starting', FailingStreak: 1, Log: [{ ExitCode: 1, Output: 'no' }] } };
    const seq = inspectSequence([failing, failing, failing, failing, failing, { Running: true, Health: { Status: 'healthy', Log: [] } }]);
    const target = { ...fakeTarget({ clock, inspect: seq.inspect }), healthTolerance: { failures: 2, afterMs: 500 } };
    const result = await new HealthcheckProbe().check(target, clock.now() + 60_000);
    expect(result.ok).toBe(true);
    expect(result.elapsedMs).toBe(1250);
  });

  it("a passing check shows no failure text: an earlier failed check's output is dropped, the passing check's own kept", async () => {
    const clock = new FakeClock();
    const starting = {
      Running: true,
      Health: { Status: 'starting', FailingStreak: 1, Log: [{ ExitCode: 1, Output: 'connection refused' }] },
    };
    const healthy = (output: string) => ({
      Running: true,
      Health: {
        Status: 'healthy',
        Log: [
          { ExitCode: 1, Output: 'connection refused' },
          { ExitCode: 0, Output: output },
        ],
      },
    });
    const quiet = await new HealthcheckProbe().check(
      fakeTarget({ clock, inspect: inspectSequence([starting, healthy('')]).inspect }),
      clock.now() + 60_000,
    );
    expect(quiet.ok).toBe(true);
    expect(quiet.evidence).toBeUndefined();
    const said = await new HealthcheckProbe().check(
      fakeTarget({ clock, inspect: inspectSequence([starting, healthy('OK\n')]).inspect }),
      clock.now() + 60_000,
    );
    expect(said.evidence).toEqual({ lastOutput: 'OK' });
  });

  it('keeps only the last 500 characters of the check output', async () => {
    const clock = new FakeClock();
    const output = `${'a'.repeat(600)}${'b'.repeat(500)}`;
    const seq = inspectSequence([{ Running: true, Health: { Status: 'unhealthy', Log: [{ ExitCode: 1, Output: output }] } }]);
    const result = await new HealthcheckProbe().check(fakeTarget({ clock, inspect: seq.inspect }), clock.now() + 60_000);
    expect(result.evidence).toEqual({ lastOutput: 'b'.repeat(500) });
  });

  it('fails when the image has no HEALTHCHECK at all', async () => {
    const clock = new FakeClock();
    const seq = inspectSequence([{ Running: true, Status: 'running' }]);
    const result = await new HealthcheckProbe().check(fakeTarget({ clock, inspect: seq.inspect }), clock.now() + 60_000);
    expect(result).toEqual({ kind: 'healthcheck', spec: 'healthcheck', ok: false, elapsedMs: 0, reason: 'image has no HEALTHCHECK' });
    expect(seq.calls()).toBe(1);
  });

  it('fails at the deadline when the status stays starting', async () => {
    const clock = new FakeClock();
    const seq = inspectSequence([starting]);
    const result = await new HealthcheckProbe().check(fakeTarget({ clock, inspect: seq.inspect }), clock.now() + 1000);
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('healthcheck not healthy before the timeout');
    expect(result.elapsedMs).toBe(1000);
    expect(seq.calls()).toBe(5);
  });

  it('fails immediately with the stop reason when the container exits between checks', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const exited = deferred<string>();
    const seq = inspectSequence([starting]);
    clock.onSleep = (now) => {
      if (now - start >= 750) exited.resolve('container exited with code 1');
    };
    const result = await new HealthcheckProbe().check(fakeTarget({ clock, inspect: seq.inspect, stop: exited.promise }), start + 60_000);
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('container exited with code 1');
    expect(result.elapsedMs).toBe(750);
    expect(seq.calls()).toBe(3);
  });

  it('fails immediately with the stop reason while an inspect is still pending', async () => {
    const clock = new FakeClock();
    const exited = deferred<string>();
    let calls = 0;
    const inspect = (): Promise<unknown> => {
      calls++;
      if (calls === 1) return Promise.resolve({ State: starting });
      queueMicrotask(() => exited.resolve('container exited with code 139'));
      return new Promise(() => {}); // the engine never answers
    };
    const result = await new HealthcheckProbe().check(fakeTarget({ clock, inspect, stop: exited.promise }), clock.now() + 60_000);
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('container exited with code 139');
    expect(result.elapsedMs).toBe(250);
    expect(calls).toBe(2);
  }, 2000);
});

describe('parseProbe', () => {
  it('parses healthcheck', () => {
    for (const spec of ['healthcheck', '  healthcheck ']) {
      const probe = parseProbe(spec, PROBE_DEFAULTS);
      expect(probe).toBeInstanceOf(HealthcheckProbe);
      expect(probe.kind).toBe('healthcheck');
      expect(probe.spec).toBe('healthcheck');
    }
  });

  it('parses running with the default duration', () => {
    const probe = parseProbe('running', PROBE_DEFAULTS);
    expect(probe).toBeInstanceOf(RunningProbe);
    expect(probe.kind).toBe('running');
    expect(probe.spec).toBe('running');
    expect((probe as RunningProbe).durationMs).toBe(DEFAULT_RUNNING_MS);
    expect(DEFAULT_RUNNING_MS).toBe(10_000);
  });

  it.each([
    ['running:30s', 30_000],
    ['running:500ms', 500],
    ['running:1m30s', 90_000],
    ['running:5', 5000],
  ])('parses %s', (spec, ms) => {
    const probe = parseProbe(spec, PROBE_DEFAULTS);
    expect(probe).toBeInstanceOf(RunningProbe);
    expect(probe.spec).toBe(spec);
    expect((probe as RunningProbe).durationMs).toBe(ms);
  });

  it('rejects a running probe with a bad duration', () => {
    expect(usageMessage(() => parseProbe('running:soon', PROBE_DEFAULTS))).toBe(
      "invalid running duration 'soon': use a number with a unit, e.g. 500ms, 10s, 2m, 1h",
    );
    expect(usageMessage(() => parseProbe('running:', PROBE_DEFAULTS))).toBe(
      "invalid running duration '': use a number with a unit, e.g. 500ms, 10s, 2m, 1h",
    );
  });

  it.each([
    ['http://127.0.0.1:8080/health', 8080],
    ['http://localhost:3000/', 3000],
    ['https://example.test:8443/ready?full=1', 8443],
    ['HTTP://127.0.0.1:9000/x', 9000],
    ['http://[::1]:8081/health', 8081],
    ['http://127.0.0.1:80/health', 80],
    ['https://example.test:443/', 443],
  ])('parses the http probe %s (container port %d)', (spec, port) => {
    const probe = parseProbe(spec, PROBE_DEFAULTS);
    expect(probe).toBeInstanceOf(HttpProbe);
    expect(probe.kind).toBe('http');
    expect(probe.spec).toBe(spec);
    expect((probe as HttpProbe).port).toBe(port);
  });

  it.each(['http://127.0.0.1/health', 'https://example.test/', 'http://localhost', 'http://[::1]/x', 'http://user:8080@example.test/x'])(
    'rejects the URL without a port %s',
    (spec) => {
      expect(usageMessage(() => parseProbe(spec, PROBE_DEFAULTS))).toBe(
        `probe URL '${spec}' needs an explicit port, e.g. http://127.0.0.1:8080/health`,
      );
    },
  );

  it.each([
    ['http://', 'it names no host (e.g. 127.0.0.1)'],
    ['http://exa mple:8080/', 'the host has a space in it'],
    ['http://127.0.0.1:99999/', 'port 99999 is out of range (1-65535)'],
    ['http://127.0.0.1:0/', 'port 0 is out of range (1-65535)'],
    ['http://127.0.0.1:/x', 'the port after the colon is missing'],
    ['http://[::1:8080/', "the IPv6 address has no closing ']'"],
  ])('rejects the invalid URL %s, saying why', (spec, why) => {
    expect(usageMessage(() => parseProbe(spec, PROBE_DEFAULTS))).toBe(`invalid probe URL '${spec}': ${why}`);
  });

  it.each([
    '',
    'Healthcheck',
    'health',
    'running5s',
    'running 5s',
    'ftp://host:21/',
    '127.0.0.1:8080/health',
    'tcp:8080',
    'exit',
    'Exec:ls',
  ])('rejects the unknown probe %j', (spec) => {
    expect(usageMessage(() => parseProbe(spec, PROBE_DEFAULTS))).toBe(
      `unknown probe '${spec}': use healthcheck, http://HOST:PORT/PATH, https://…, tcp://HOST:PORT, exec:<command>, log:<regex>, exit:<code>, running:<duration>`,
    );
  });
});

describe('HttpProbe.targetUrl', () => {
  const probe = (spec: string): HttpProbe => parseProbe(spec, PROBE_DEFAULTS) as HttpProbe;

  it('sends a loopback URL to the published port in bridge mode', () => {
    const asked: number[] = [];
    const target = fakeTarget({
      networkMode: 'bridge',
      publishedPort: (port) => {
        asked.push(port);
        return 49153;
      },
    });
    expect(probe('http://127.0.0.1:8080/health?x=1').targetUrl(target).toString()).toBe('http://127.0.0.1:49153/health?x=1');
    expect(probe('http://localhost:8080/health').targetUrl(target).toString()).toBe('http://127.0.0.1:49153/health');
    expect(probe('http://[::1]:8080/').targetUrl(target).toString()).toBe('http://127.0.0.1:49153/');
    expect(probe('http://127.0.0.1:80/').targetUrl(target).toString()).toBe('http://127.0.0.1:49153/');
    expect(asked).toEqual([8080, 8080, 8080, 80]);
  });

  it('leaves the URL alone in bridge mode when the port is not published', () => {
    const target = fakeTarget({ networkMode: 'bridge', publishedPort: () => undefined });
    expect(probe('http://127.0.0.1:8080/health').targetUrl(target).toString()).toBe('http://127.0.0.1:8080/health');
  });

  it('leaves a non-loopback host alone in bridge mode', () => {
    const target = fakeTarget({ networkMode: 'bridge', publishedPort: () => 49153 });
    expect(probe('http://10.1.2.3:8080/health').targetUrl(target).toString()).toBe('http://10.1.2.3:8080/health');
  });

  it('never rewrites in host mode', () => {
    const target = fakeTarget({ networkMode: 'host' }); // publishedPort throws if consulted
    expect(probe('http://127.0.0.1:8080/health').targetUrl(target).toString()).toBe('http://127.0.0.1:8080/health');
    expect(probe('http://localhost:8080/health').targetUrl(target).toString()).toBe('http://localhost:8080/health');
  });

  it('does not modify the probe URL itself', () => {
    const p = probe('http://localhost:8080/health');
    p.targetUrl(fakeTarget({ networkMode: 'bridge', publishedPort: () => 49153 }));
    expect(p.url.toString()).toBe('http://localhost:8080/health');
  });
});

describe('HttpProbe.check against a local server', () => {
  type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;
  let server: Server;
  let port: number;
  let closedPort: number;
  const handlers = new Map<string, Handler>();
  const hits = new Map<string, number>();

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const hit = (hits.get(path) ?? 0) + 1;
      hits.set(path, hit);
      const handler = handlers.get(path);
      if (handler) handler(req, res, hit);
      else send(res, 404, 'no handler');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    handlers.clear();
    hits.clear();
  });

  const http = (path: string, options: { expectStatus?: string; expectBody?: RegExp } = {}): HttpProbe =>
    new HttpProbe(`http://127.0.0.1:${port}${path}`, {
      expectStatus: parseStatusMatcher(options.expectStatus ?? '2xx'),
      ...(options.expectBody ? { expectBody: options.expectBody } : {}),
      intervalMs: 50,
    });
  const hostTarget = (stop?: Promise<string>): ProbeTarget => fakeTarget({ networkMode: 'host', ...(stop ? { stop } : {}) });
  const deadline = (ms: number): number => systemClock.now() + ms;

  it('passes on a 200', async () => {
    handlers.set('/health', (_req, res) => send(res, 200, 'all good'));
    const result = await http('/health?verbose=1').check(hostTarget(), deadline(1500));
    expect(result.ok).toBe(true);
    expect(result.kind).toBe('http');
    expect(result.reason).toBe('http 200 from /health?verbose=1');
    expect(result.evidence).toEqual({ url: `http://127.0.0.1:${port}/health?verbose=1`, status: 200, body: 'all good' });
    expect(hits.get('/health')).toBe(1);
  });

  it('passes after a 502 once the service answers 200', async () => {
    handlers.set('/flaky', (_req, res, hit) => (hit === 1 ? send(res, 502, 'bad gateway') : send(res, 200, 'ok')));
    const result = await http('/flaky').check(hostTarget(), deadline(1500));
    expect(result.ok).toBe(true);
    expect(result.reason).toBe('http 200 from /flaky');
    expect(hits.get('/flaky')).toBe(2);
  });

  it('fails at the deadline with the last status when the service keeps answering 503', async () => {
    handlers.set('/path', (_req, res) => send(res, 503, 'x'.repeat(800)));
    const result = await http('/path').check(hostTarget(), deadline(400));
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('http 503 from /path');
    expect(result.elapsedMs).toBeGreaterThanOrEqual(400);
    expect(result.elapsedMs).toBeLessThan(1500);
    expect(result.evidence).toMatchObject({ status: 503 });
    expect((result.evidence?.body as string).length).toBe(500);
    expect(hits.get('/path')).toBeGreaterThan(2);
  });

  it('does not follow redirects', async () => {
    handlers.set('/moved', (_req, res) => send(res, 301, '', { location: '/health' }));
    handlers.set('/health', (_req, res) => send(res, 200, 'ok'));
    const result = await http('/moved').check(hostTarget(), deadline(200));
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('http 301 from /moved');
    expect(hits.get('/health')).toBeUndefined();
  });

  it('follows redirects to the same host when told (a platform whose checks do), judging the last answer', async () => {
    handlers.set('/healthz', (_req, res) => send(res, 302, '', { location: '/healthz/' }));
    handlers.set('/healthz/', (_req, res) => send(res, 404, 'no index'));
    handlers.set('/moved', (_req, res) => send(res, 301, '', { location: `http://127.0.0.1:${port}/health` }));
    handlers.set('/health', (_req, res) => send(res, 200, 'ok'));
    handlers.set('/away', (_req, res) => send(res, 302, '', { location: 'http://login.example.invalid/' }));
    handlers.set('/loop', (_req, res) => send(res, 302, '', { location: '/loop' }));
    const following = (path: string) =>
      new HttpProbe(`http://127.0.0.1:${port}${path}`, {
        expectStatus: parseStatusMatcher('200-399'),
        intervalMs: 50,
        followRedirects: true,
      });
    const broken = await following('/healthz').check(hostTarget(), deadline(200));
    expect(broken.ok).toBe(false);
    expect(broken.reason).toBe('http 404 from /healthz/ (redirected from /healthz)');
    expect(broken.evidence).toMatchObject({ url: `http://127.0.0.1:${port}/healthz/`, status: 404 });
    const moved = await following('/moved').check(hostTarget(), deadline(1000));
    expect(moved).toMatchObject({ ok: true, reason: 'http 200 from /health (redirected from /moved)' });
    // Another host is not followed (the kubelet's default): the redirect itself is judged.
    const away = await following('/away').check(hostTarget(), deadline(1000));
    expect(away).toMatchObject({ ok: true, reason: 'http 302 from /away' });
    const loop = await following('/loop').check(hostTarget(), deadline(200));
    expect(loop.ok).toBe(false);
    expect(loop.reason).toMatch(/^http more than 10 redirects on \/loop/);
  });

  it('accepts the status given by --expect-status', async () => {
    handlers.set('/missing', (_req, res) => send(res, 404, 'gone'));
    const result = await http('/missing', { expectStatus: '404' }).check(hostTarget(), deadline(1000));
    expect(result.ok).toBe(true);
    expect(result.reason).toBe('http 404 from /missing');
  });

  it('uses 2xx by default and the given settings when parsed from a spec', async () => {
    handlers.set('/created', (_req, res) => send(res, 201, 'created'));
    handlers.set('/teapot', (_req, res) => send(res, 418, 'teapot'));
    const byDefault = await parseProbe(`http://127.0.0.1:${port}/created`, PROBE_DEFAULTS).check(hostTarget(), deadline(1000));
    expect(byDefault.ok).toBe(true);
    const withSettings = await parseProbe(`http://127.0.0.1:${port}/teapot`, {
      expectStatus: parseStatusMatcher('418'),
      expectBody: /tea/,
    }).check(hostTarget(), deadline(1000));
    expect(withSettings.ok).toBe(true);
    expect(withSettings.reason).toBe('http 418 from /teapot');
  });

  it('keeps the body without escape codes or controls', async () => {
    handlers.set('/color', (_req, res) =>
      send(res, 500, '\u001b[1;31mpanic\u001b[0m: \u001b]8;;https://x.test/a,b\u0007db down\u001b]8;;\u0007\u0000'),
    );
    const result = await http('/color').check(hostTarget(), deadline(200));
    expect(result.evidence).toMatchObject({ status: 500, body: 'panic: db down' });
  });

  it('passes when the body matches --expect-body, waiting for it to match', async () => {
    handlers.set('/ready', (_req, res, hit) => send(res, 200, hit < 3 ? 'status: starting' : 'status: ready'));
    const result = await http('/ready', { expectBody: /status: ready/ }).check(hostTarget(), deadline(1500));
    expect(result.ok).toBe(true);
    expect(result.evidence).toMatchObject({ status: 200, body: 'status: ready' });
    expect(hits.get('/ready')).toBe(3);
  });

  it('fails when the body never matches --expect-body', async () => {
    handlers.set('/body', (_req, res) => send(res, 200, 'status: degraded'));
    const result = await http('/body', { expectBody: /status: (ok|ready)/ }).check(hostTarget(), deadline(300));
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('http 200 from /body: body does not match /status: (ok|ready)/');
  });

  it('reports a refused connection', async () => {
    const probe = new HttpProbe(`http://127.0.0.1:${closedPort}/health`, { expectStatus: parseStatusMatcher('2xx'), intervalMs: 50 });
    const result = await probe.check(hostTarget(), deadline(300));
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(`http connection refused on /health (http://127.0.0.1:${closedPort}/health)`);
    expect(result.evidence).toEqual({ url: `http://127.0.0.1:${closedPort}/health` });
  });

  it('names the whole target of a failed connection, the default port spelled out', () => {
    expect(new HttpProbe('http://127.0.0.1/', { expectStatus: parseStatusMatcher('2xx') }).target).toBe('http://127.0.0.1:80/');
    expect(new HttpProbe('https://localhost/api?x=1', { expectStatus: parseStatusMatcher('2xx') }).target).toBe(
      'https://localhost:443/api?x=1',
    );
    expect(new HttpProbe('http://[::1]:8080/h', { expectStatus: parseStatusMatcher('2xx') }).target).toBe('http://[::1]:8080/h');
  });

  it('fails at once with the stop reason when the container exits', async () => {
    const exited = deferred<string>();
    handlers.set('/down', (_req, res, hit) => {
      if (hit === 2) exited.resolve('container exited with code 1');
      send(res, 503, 'down');
    });
    const result = await http('/down').check(hostTarget(exited.promise), deadline(1800));
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('container exited with code 1');
    expect(result.elapsedMs).toBeLessThan(1000);
    expect(hits.get('/down')).toBe(2);
  });

  it('fails at once with the stop reason while a request is still unanswered', async () => {
    const exited = deferred<string>();
    handlers.set('/hang', () => {
      exited.resolve('container exited with code 137'); // and never answer
    });
    const result = await http('/hang').check(hostTarget(exited.promise), deadline(1800));
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('container exited with code 137');
    expect(result.elapsedMs).toBeLessThan(1000);
  });

  it('in bridge mode requests the published port of the container port', async () => {
    handlers.set('/mapped', (_req, res) => send(res, 200, 'mapped'));
    const asked: number[] = [];
    const target = fakeTarget({
      networkMode: 'bridge',
      publishedPort: (containerPort) => {
        asked.push(containerPort);
        return containerPort === 8080 ? port : undefined;
      },
    });
    const result = await new HttpProbe('http://localhost:8080/mapped', { expectStatus: parseStatusMatcher('2xx'), intervalMs: 50 }).check(
      target,
      deadline(1500),
    );
    expect(result.ok).toBe(true);
    expect(result.reason).toBe('http 200 from /mapped');
    expect(result.evidence).toMatchObject({ url: `http://127.0.0.1:${port}/mapped`, status: 200 });
    expect(asked).toEqual([8080]);
  });

  it('in host mode requests the URL as written, even when a port would be published', async () => {
    const target = fakeTarget({ networkMode: 'host', publishedPort: () => port });
    const probe = new HttpProbe(`http://127.0.0.1:${closedPort}/health`, { expectStatus: parseStatusMatcher('2xx'), intervalMs: 50 });
    const result = await probe.check(target, deadline(200));
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(`http connection refused on /health (http://127.0.0.1:${closedPort}/health)`);
    expect(hits.size).toBe(0);
  });
});
