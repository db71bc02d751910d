import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LogWatcher } from '../../src/docker/log-watcher.js';
import type { ExitInfo } from '../../src/docker/run-container.js';
import { ExecProbe } from '../../src/probes/exec-probe.js';
import { HealthcheckProbe } from '../../src/probes/healthcheck-probe.js';
import { HttpProbe } from '../../src/probes/http-probe.js';
import { LogProbe } from '../../src/probes/log-probe.js';
import type { Probe, ProbeTarget } from '../../src/probes/probe.js';
import { RunningProbe } from '../../src/probes/running-probe.js';
import { parseStatusMatcher } from '../../src/probes/status-matcher.js';
import { TcpProbe } from '../../src/probes/tcp-probe.js';
import {
  ENGINE_RETRIES_UNBOUNDED,
  FAST_HEALTH_INTERVAL_MS,
  planProbes,
  type ImageFacts,
  type ProbePlanOptions,
} from '../../src/session/evaluate/probe-plan.js';
import { FakeClock } from '../helpers/fake-clock.js';

const NS = 1_000_000; // nanoseconds per millisecond
const CMD = ['CMD-SHELL', 'wget -qO- http://127.0.0.1:8080/health || exit 1'];

function options(overrides: Partial<ProbePlanOptions> = {}): ProbePlanOptions {
  return { userProbes: [], network: 'bridge', defaultHttp: true, ...overrides };
}

function image(overrides: Partial<ImageFacts> = {}): ImageFacts {
  return { exposedPorts: [], ...overrides };
}

/** kind + spec of each planned probe, for compact assertions. */
function specs(probes: Probe[]): string[] {
  return probes.map((p) => `${p.kind} ${p.spec}`);
}

describe('planProbes: user probes', () => {
  it('keeps the --probe list as given, in order, without adding defaults', () => {
    const user = [new ExecProbe('exec:true', 'true'), new LogProbe('log:ready', /ready/)];
    const plan = planProbes(image({ exposedPorts: ['8080/tcp'] }), options({ userProbes: user }));
    expect(plan.probes).toEqual(user);
    expect(plan.probes[0]).toBe(user[0]);
    expect(plan.probes[1]).toBe(user[1]);
    expect(plan.publish).toEqual([]);
    expect(plan).not.toHaveProperty('healthcheck');
  });

  it('keeps user probes even when the image has a HEALTHCHECK, but still speeds up its timing', () => {
    const user = [new RunningProbe('running:5s', 5000)];
    const plan = planProbes(image({ healthcheck: { Test: CMD, Interval: 10_000 * NS, Retries: 3 } }), options({ userProbes: user }));
    expect(specs(plan.probes)).toEqual(['running running:5s']);
    expect(plan.healthcheck).toEqual({ Interval: FAST_HEALTH_INTERVAL_MS * NS, Retries: ENGINE_RETRIES_UNBOUNDED });
    expect(plan.healthTolerance).toEqual({ failures: 3, afterMs: 30_000 });
  });

  it('publishes the ports of http and tcp probes, once each, and nothing for other kinds', () => {
    const status = { expectStatus: parseStatusMatcher('2xx') };
    const user: Probe[] = [
      new HttpProbe('http://127.0.0.1:8080/health', status),
      new TcpProbe('tcp://127.0.0.1:5432'),
      new HttpProbe('http://localhost:8080/ready', status),
      new HttpProbe('https://127.0.0.1/secure', status),
      new HttpProbe('http://127.0.0.1/plain', status),
      new ExecProbe('exec:pg_isready', 'pg_isready'),
      new LogProbe('log:ready', /ready/),
    ];
    const plan = planProbes(image(), options({ userProbes: user }));
    expect(plan.publish).toEqual([8080, 5432, 443, 80]);
    expect(plan.probes).toHaveLength(7);
  });

  it('does not add a default HTTP probe next to user probes even with EXPOSEd ports', () => {
    const plan = planProbes(image({ exposedPorts: ['3000/tcp'] }), options({ userProbes: [new TcpProbe('tcp://127.0.0.1:9000')] }));
    expect(specs(plan.probes)).toEqual(['tcp tcp://127.0.0.1:9000']);
    expect(plan.publish).toEqual([9000]);
  });
});

describe('planProbes: defaults', () => {
  it('uses the image HEALTHCHECK when it has one, and nothing else (no default HTTP, nothing published)', () => {
    const plan = planProbes(image({ healthcheck: { Test: CMD }, exposedPorts: ['8080/tcp'] }), options());
    expect(plan.probes).toHaveLength(1);
    expect(plan.probes[0]).toBeInstanceOf(HealthcheckProbe);
    expect(specs(plan.probes)).toEqual(['healthcheck healthcheck']);
    expect(plan.publish).toEqual([]);
  });

  it('treats HEALTHCHECK NONE as no healthcheck: running:10s plus HTTP, and no timing override', () => {
    const plan = planProbes(image({ healthcheck: { Test: ['NONE'], Interval: 5000 * NS }, exposedPorts: ['8080/tcp'] }), options());
    expect(specs(plan.probes)).toEqual(['running running:10s', 'http http://127.0.0.1:8080/']);
    expect(plan).not.toHaveProperty('healthcheck');
    expect(plan.publish).toEqual([8080]);
  });

  it('treats an empty or missing healthcheck test as no healthcheck', () => {
    for (const healthcheck of [{ Test: [] }, {}]) {
      const plan = planProbes(image({ healthcheck }), options());
      expect(specs(plan.probes)).toEqual(['running running:10s']);
      expect(plan).not.toHaveProperty('healthcheck');
    }
  });

  it('without healthcheck and EXPOSE, runs running:10s only', () => {
    const plan = planProbes(image(), options());
    expect(plan.probes).toHaveLength(1);
    const running = plan.probes[0] as RunningProbe;
    expect(running).toBeInstanceOf(RunningProbe);
    expect(running.spec).toBe('running:10s');
    expect(running.durationMs).toBe(10_000);
    expect(plan.publish).toEqual([]);
    expect(plan).not.toHaveProperty('healthcheck');
  });

  it('adds an HTTP GET / on the first EXPOSEd tcp port, skipping udp ports', () => {
    const plan = planProbes(image({ exposedPorts: ['53/udp', '8080/tcp', '9090/tcp'] }), options());
    expect(specs(plan.probes)).toEqual(['running running:10s', 'http http://127.0.0.1:8080/']);
    const http = plan.probes[1] as HttpProbe;
    expect(http).toBeInstanceOf(HttpProbe);
    expect(http.port).toBe(8080);
    expect(plan.publish).toEqual([8080]);
  });

  it('accepts a bare port number as tcp', () => {
    const plan = planProbes(image({ exposedPorts: ['3000'] }), options());
    expect(specs(plan.probes)).toEqual(['running running:10s', 'http http://127.0.0.1:3000/']);
  });

  it('adds no HTTP probe when only udp ports are EXPOSEd', () => {
    const plan = planProbes(image({ exposedPorts: ['53/udp', '123/udp'] }), options());
    expect(specs(plan.probes)).toEqual(['running running:10s']);
    expect(plan.publish).toEqual([]);
  });

  it('adds no HTTP probe with --network none', () => {
    const plan = planProbes(image({ exposedPorts: ['8080/tcp'] }), options({ network: 'none' }));
    expect(specs(plan.probes)).toEqual(['running running:10s']);
    expect(plan.publish).toEqual([]);
  });

  it('adds the HTTP probe with --network host too', () => {
    const plan = planProbes(image({ exposedPorts: ['8080/tcp'] }), options({ network: 'host' }));
    expect(specs(plan.probes)).toEqual(['running running:10s', 'http http://127.0.0.1:8080/']);
  });

  it('adds no HTTP probe with --no-default-http', () => {
    const plan = planProbes(image({ exposedPorts: ['8080/tcp'] }), options({ defaultHttp: false }));
    expect(specs(plan.probes)).toEqual(['running running:10s']);
    expect(plan.publish).toEqual([]);
  });

  it('returns fresh default probes for every plan', () => {
    const a = planProbes(image({ exposedPorts: ['8080/tcp'] }), options());
    const b = planProbes(image({ exposedPorts: ['8080/tcp'] }), options());
    expect(a.probes).not.toBe(b.probes);
    a.probes.push(new LogProbe('log:x', /x/));
    expect(b.probes).toHaveLength(2);
  });
});

describe('planProbes: the default HTTP probe accepts any answer but a server error', () => {
  let server: Server;
  let port: number;
  let status = 200;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.statusCode = status;
      res.end('answer');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function target(clock: FakeClock): ProbeTarget {
    return {
      docker: {} as Docker,
      container: {} as Docker.Container,
      stop: new Promise<string>(() => {}),
      exited: new Promise<ExitInfo>(() => {}),
      logs: LogWatcher.manual(),
      redact: (t) => t,
      // The plan names container port 8080; bridge mode sends it to the local test server.
      publishedPort: (p) => (p === 8080 ? port : undefined),
      networkMode: 'bridge',
      clock,
    };
  }

  async function answerWith(code: number) {
    status = code;
    const plan = planProbes(image({ exposedPorts: ['8080/tcp'] }), options());
    const clock = new FakeClock();
    return plan.probes[1]!.check(target(clock), clock.now() + 1000);
  }

  it('passes on 200 and on 404', async () => {
    expect(await answerWith(200)).toMatchObject({ kind: 'http', ok: true, reason: 'http 200 from /' });
    expect(await answerWith(404)).toMatchObject({ kind: 'http', ok: true, reason: 'http 404 from /' });
  });

  it('fails on 500', async () => {
    const result = await answerWith(500);
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('http 500 from /');
  });
});

describe('planProbes: HEALTHCHECK timing', () => {
  const withCheck = (Interval?: number, Retries?: number) =>
    image({ healthcheck: { Test: CMD, ...(Interval !== undefined ? { Interval } : {}), ...(Retries !== undefined ? { Retries } : {}) } });

  it('uses --health-interval as given, without touching retries', () => {
    const plan = planProbes(withCheck(30_000 * NS, 5), options({ healthIntervalMs: 2500 }));
    expect(plan.healthcheck).toEqual({ Interval: 2500 * NS });
  });

  it('--health-interval also applies below one second', () => {
    const plan = planProbes(withCheck(200 * NS, 3), options({ healthIntervalMs: 100 }));
    expect(plan.healthcheck).toEqual({ Interval: 100 * NS });
  });

  const fast = { Interval: 500 * NS, Retries: ENGINE_RETRIES_UNBOUNDED };

  it('checks every 500 ms when the image interval is longer, keeping its tolerance (interval × retries, retries in a row) for the probe', () => {
    const plan = (interval: number, retries: number) => {
      const p = planProbes(withCheck(interval, retries), options());
      return { healthcheck: p.healthcheck, tolerance: p.healthTolerance };
    };
    expect(plan(5000 * NS, 4)).toEqual({ healthcheck: fast, tolerance: { failures: 4, afterMs: 20_000 } });
    // 2.5s × 3 = 7.5s of tolerance, never less.
    expect(plan(2500 * NS, 3)).toEqual({ healthcheck: fast, tolerance: { failures: 3, afterMs: 7500 } });
    expect(plan(1000 * NS, 2)).toEqual({ healthcheck: fast, tolerance: { failures: 2, afterMs: 2000 } });
    expect(plan(501 * NS, 1)).toEqual({ healthcheck: fast, tolerance: { failures: 1, afterMs: 501 } });
  });

  it("adds the image's start period to the tolerance", () => {
    const plan = planProbes(image({ healthcheck: { Test: CMD, Interval: 2000 * NS, Retries: 2, StartPeriod: 5000 * NS } }), options());
    expect(plan.healthcheck).toEqual(fast);
    expect(plan.healthTolerance).toEqual({ failures: 2, afterMs: 9000 });
  });

  it('leaves the timing alone when the image interval is 500 ms or less', () => {
    for (const interval of [500 * NS, 200 * NS, 1 * NS]) {
      const plan = planProbes(withCheck(interval, 3), options());
      expect(plan).not.toHaveProperty('healthcheck');
      expect(specs(plan.probes)).toEqual(['healthcheck healthcheck']);
    }
  });

  it('takes docker defaults (30s, 3 retries) for a zero or missing interval and retries', () => {
    const tolerance = (interval?: number, retries?: number) => {
      const plan = planProbes(withCheck(interval, retries), options());
      expect(plan.healthcheck).toEqual(fast);
      return plan.healthTolerance;
    };
    expect(tolerance(0, 0)).toEqual({ failures: 3, afterMs: 90_000 });
    expect(tolerance()).toEqual({ failures: 3, afterMs: 90_000 });
    // Only the retries defaulted: 10s × 3.
    expect(tolerance(10_000 * NS, 0)).toEqual({ failures: 3, afterMs: 30_000 });
    // Only the interval defaulted: 30s × 2.
    expect(tolerance(0, 2)).toEqual({ failures: 2, afterMs: 60_000 });
  });

  it('sets no timing without a healthcheck, even with --health-interval', () => {
    expect(planProbes(image(), options({ healthIntervalMs: 2000 }))).not.toHaveProperty('healthcheck');
    expect(planProbes(image({ healthcheck: { Test: ['NONE'] } }), options({ healthIntervalMs: 2000 }))).not.toHaveProperty('healthcheck');
  });
});
