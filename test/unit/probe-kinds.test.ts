import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LogWatcher } from '../../src/docker/log-watcher.js';
import type { ExitInfo } from '../../src/docker/run-container.js';
import type { Clock } from '../../src/probes/clock.js';
import { execOnce, ExecProbe } from '../../src/probes/exec-probe.js';
import { ExitProbe } from '../../src/probes/exit-probe.js';
import { LogProbe } from '../../src/probes/log-probe.js';
import type { ProbeResult, ProbeTarget } from '../../src/probes/probe.js';
import { TcpProbe } from '../../src/probes/tcp-probe.js';
import { redactor } from '../../src/session/redact.js';
import { deferred, FakeClock, ManualClock, settle } from '../helpers/fake-clock.js';

const NEVER = new Promise<never>(() => {});

interface TargetOptions {
  clock: Clock;
  container?: unknown;
  stop?: Promise<string>;
  exited?: Promise<ExitInfo>;
  logs?: LogWatcher;
  networkMode?: string;
  publishedPort?: (port: number) => number | undefined;
  redact?: (text: string) => string;
}

function target(options: TargetOptions): ProbeTarget {
  return {
    docker: {} as Docker,
    container: (options.container ?? {}) as Docker.Container,
    stop: options.stop ?? NEVER,
    exited: options.exited ?? NEVER,
    logs: options.logs ?? LogWatcher.manual(),
    redact: options.redact ?? ((text) => text),
    publishedPort:
      options.publishedPort ??
      (() => {
        throw new Error('publishedPort must not be called');
      }),
    networkMode: options.networkMode ?? 'host',
    clock: options.clock,
  };
}

/** Runs a check and tracks whether it has settled. */
function begin(promise: Promise<ProbeResult>) {
  const state: { result?: ProbeResult } = {};
  void promise.then((r) => (state.result = r));
  return { state, promise };
}

/** One frame of Docker's multiplexed stream format: [type, 0, 0, 0, size (uint32 BE)] + payload. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** The engine client's own demultiplexer (no connection is made). */
const modem = new Docker({ socketPath: '/nonexistent/docker.sock' }).modem;

describe('LogWatcher', () => {
  it('firstMatch finds the first matching line already seen', async () => {
    const logs = LogWatcher.manual();
    logs.push('boot 1');
    logs.push('ready on :8080');
    logs.push('ready again');
    expect(await logs.firstMatch(/ready/).found).toBe('ready on :8080');
  });

  it('firstMatch waits for a later line, skipping lines that do not match', async () => {
    const logs = LogWatcher.manual();
    logs.push('boot');
    let found: string | undefined;
    const match = logs.firstMatch(/^listening/);
    void match.found.then((line) => (found = line));
    logs.push('loading config');
    await settle();
    expect(found).toBeUndefined();
    logs.push('listening on 3000');
    logs.push('listening on 3001');
    await settle();
    expect(found).toBe('listening on 3000');
  });

  it('cancel stops waiting: a later match no longer resolves it', async () => {
    const logs = LogWatcher.manual();
    let found: string | undefined;
    const match = logs.firstMatch(/ready/);
    void match.found.then((line) => (found = line));
    match.cancel();
    logs.push('ready');
    await settle();
    expect(found).toBeUndefined();
    // Other watchers still get the line.
    expect(await logs.firstMatch(/ready/).found).toBe('ready');
  });

  it('onLine calls the listener for later lines until unsubscribed', () => {
    const logs = LogWatcher.manual();
    logs.push('before');
    const seen: string[] = [];
    const off = logs.onLine((line) => seen.push(line));
    logs.push('a');
    logs.push('b');
    off();
    logs.push('c');
    expect(seen).toEqual(['a', 'b']);
    expect(logs.lines()).toEqual(['before', 'a', 'b', 'c']);
  });

  it('keeps only the last 10,000 lines', () => {
    const logs = LogWatcher.manual();
    for (let i = 0; i < 10_005; i++) logs.push(`line ${i}`);
    const lines = logs.lines();
    expect(lines).toHaveLength(10_000);
    expect(lines[0]).toBe('line 5');
    expect(lines.at(-1)).toBe('line 10004');
  });

  it('ended resolves on end(), not before', async () => {
    const logs = LogWatcher.manual();
    let ended = false;
    void logs.ended.then(() => (ended = true));
    logs.push('x');
    await settle();
    expect(ended).toBe(false);
    logs.end();
    await settle();
    expect(ended).toBe(true);
  });

  it('stop() ends it and drops the listeners', async () => {
    const logs = LogWatcher.manual();
    const seen: string[] = [];
    logs.onLine((line) => seen.push(line));
    let found: string | undefined;
    void logs.firstMatch(/late/).found.then((line) => (found = line));
    logs.stop();
    await logs.ended;
    logs.push('late');
    await settle();
    expect(seen).toEqual([]);
    expect(found).toBeUndefined();
  });

  it('follow() reads the container output (stdout and stderr), applies the transform, and ends with the stream', async () => {
    const stream = new PassThrough();
    let logsOptions: unknown;
    const container = {
      modem,
      logs: async (options: unknown) => {
        logsOptions = options;
        return stream;
      },
    } as unknown as Docker.Container;
    const logs = LogWatcher.follow(container, redactor(['s3cret']));
    expect(logsOptions).toMatchObject({ stdout: true, stderr: true, follow: true });
    let ended = false;
    void logs.ended.then(() => (ended = true));
    const ready = logs.firstMatch(/^token=\*\*\*$/);
    stream.write(frame(1, 'starting\ntoken=s3cret\n'));
    stream.write(frame(2, 'warning: s3cret exposed'));
    stream.write(frame(2, ' twice\n'));
    expect(await ready.found).toBe('token=***');
    await settle();
    expect(ended).toBe(false);
    stream.end(frame(1, 'bye\n'));
    await logs.ended;
    expect(logs.lines()).toEqual(['starting', 'token=***', 'warning: *** exposed twice', 'bye']);
    expect(logs.lines().join('\n')).not.toContain('s3cret');
  });

  it('follow() does not wait for the engine to answer (Podman answers a silent container only at its first line); stop() aborts the request', async () => {
    let signal: AbortSignal | undefined;
    const container = {
      modem,
      logs: (options: { abortSignal?: AbortSignal }) => {
        signal = options.abortSignal;
        return new Promise(() => undefined);
      },
    } as unknown as Docker.Container;
    const logs = LogWatcher.follow(container);
    expect(logs.lines()).toEqual([]);
    expect(signal?.aborted).toBe(false);
    logs.stop();
    expect(signal?.aborted).toBe(true);
    await logs.ended;
  });
});

describe('LogProbe', () => {
  it('passes on a line seen before the check began', async () => {
    const clock = new ManualClock();
    const logs = LogWatcher.manual();
    logs.push('booting');
    logs.push('server ready on :8080');
    const result = await new LogProbe('log:ready on', /ready on/).check(target({ clock, logs }), clock.now() + 5000);
    expect(result).toEqual({
      kind: 'log',
      spec: 'log:ready on',
      ok: true,
      elapsedMs: 0,
      reason: 'log matched /ready on/',
      evidence: { line: 'server ready on :8080' },
    });
  });

  it('passes on a later line, as soon as it arrives', async () => {
    const clock = new ManualClock();
    const logs = LogWatcher.manual();
    const run = begin(new LogProbe('log:^ready$', /^ready$/).check(target({ clock, logs }), clock.now() + 5000));
    logs.push('almost ready');
    await clock.advance(1500);
    expect(run.state.result).toBeUndefined();
    logs.push('ready');
    const result = await run.promise;
    expect(result).toMatchObject({ ok: true, elapsedMs: 1500, reason: 'log matched /^ready$/', evidence: { line: 'ready' } });
    expect(clock.pending()).toEqual([]); // the deadline timer was cancelled
  });

  it('fails at the deadline with "log did not match /…/"', async () => {
    const clock = new ManualClock();
    const logs = LogWatcher.manual();
    const run = begin(new LogProbe('log:x', /x/).check(target({ clock, logs }), clock.now() + 5000));
    logs.push('nothing here');
    await clock.advance(4999);
    expect(run.state.result).toBeUndefined();
    await clock.advance(1);
    expect(await run.promise).toEqual({ kind: 'log', spec: 'log:x', ok: false, elapsedMs: 5000, reason: 'log did not match /x/' });
  });

  it('passes on a line that reads "timeout"', async () => {
    const clock = new ManualClock();
    const logs = LogWatcher.manual();
    logs.push('timeout');
    const result = await new LogProbe('log:^timeout$', /^timeout$/).check(target({ clock, logs }), clock.now() + 5000);
    expect(result).toMatchObject({ ok: true, reason: 'log matched /^timeout$/', evidence: { line: 'timeout' } });
  });

  it('when the container stops, waits for the log stream to end and passes if the line arrived late', async () => {
    const clock = new ManualClock();
    const logs = LogWatcher.manual();
    const stop = deferred<string>();
    const run = begin(new LogProbe('log:migrated', /migrated/).check(target({ clock, logs, stop: stop.promise }), clock.now() + 30_000));
    await clock.advance(800);
    stop.resolve('container exited with code 0');
    await settle();
    logs.push('migrated 3 tables');
    await settle();
    expect(run.state.result).toBeUndefined(); // decided at the stream's end
    logs.end();
    const result = await run.promise;
    expect(result).toMatchObject({ ok: true, elapsedMs: 800, reason: 'log matched /migrated/', evidence: { line: 'migrated 3 tables' } });
    expect(clock.pending()).toEqual([]);
  });

  it('when the container stops and the line never comes, fails with the stop reason at the stream end', async () => {
    const clock = new ManualClock();
    const logs = LogWatcher.manual();
    const stop = deferred<string>();
    const run = begin(new LogProbe('log:ready', /ready/).check(target({ clock, logs, stop: stop.promise }), clock.now() + 30_000));
    logs.push('error: config missing');
    stop.resolve('container exited with code 1');
    await settle();
    expect(run.state.result).toBeUndefined();
    logs.end();
    expect(await run.promise).toEqual({ kind: 'log', spec: 'log:ready', ok: false, elapsedMs: 0, reason: 'container exited with code 1' });
  });

  it('when the container stops and the stream does not end, gives up after 2s with the stop reason', async () => {
    const clock = new ManualClock();
    const logs = LogWatcher.manual();
    const stop = deferred<string>();
    const run = begin(new LogProbe('log:ready', /ready/).check(target({ clock, logs, stop: stop.promise }), clock.now() + 30_000));
    stop.resolve('OOM killed (memory limit 32 MiB)');
    await settle();
    await clock.advance(1999);
    expect(run.state.result).toBeUndefined();
    await clock.advance(1);
    expect(await run.promise).toMatchObject({ ok: false, elapsedMs: 2000, reason: 'OOM killed (memory limit 32 MiB)' });
    expect(clock.pending()).toEqual([]);
  });
});

describe('ExitProbe', () => {
  const exitInfo = (code: number | undefined): ExitInfo => ({
    code,
    oomKilled: false,
    reason: `container exited with code ${code ?? 'unknown'}`,
  });

  it('waits for the exit', () => {
    expect(new ExitProbe('exit:0', 0).waitsForExit).toBe(true);
  });

  it('passes on the expected exit code', async () => {
    const clock = new ManualClock();
    const result = await new ExitProbe('exit:0', 0).check(target({ clock, exited: Promise.resolve(exitInfo(0)) }), clock.now() + 5000);
    expect(result).toEqual({
      kind: 'exit',
      spec: 'exit:0',
      ok: true,
      elapsedMs: 0,
      reason: 'container exited with code 0',
      evidence: { exitCode: 0 },
    });
  });

  it('passes on a non-zero expected code', async () => {
    const clock = new FakeClock();
    const result = await new ExitProbe('exit:3', 3).check(target({ clock, exited: Promise.resolve(exitInfo(3)) }), clock.now() + 5000);
    expect(result).toMatchObject({ ok: true, reason: 'container exited with code 3' });
  });

  it('fails on another code, naming both', async () => {
    const clock = new ManualClock();
    const exited = deferred<ExitInfo>();
    const run = begin(new ExitProbe('exit:0', 0).check(target({ clock, exited: exited.promise }), clock.now() + 5000));
    await clock.advance(1200);
    exited.resolve(exitInfo(3));
    expect(await run.promise).toEqual({
      kind: 'exit',
      spec: 'exit:0',
      ok: false,
      elapsedMs: 1200,
      reason: 'container exited with code 3, expected 0',
      evidence: { exitCode: 3 },
    });
  });

  it('fails on an unknown code', async () => {
    const clock = new FakeClock();
    const result = await new ExitProbe('exit:0', 0).check(
      target({ clock, exited: Promise.resolve(exitInfo(undefined)) }),
      clock.now() + 5000,
    );
    expect(result).toMatchObject({
      ok: false,
      reason: 'container exited with code unknown, expected 0',
      evidence: { exitCode: undefined },
    });
  });

  it('fails with the OOM reason, even when the code is the expected one', async () => {
    const clock = new FakeClock();
    const oom: ExitInfo = { code: 137, oomKilled: true, reason: 'OOM killed (memory limit 32 MiB)' };
    const result = await new ExitProbe('exit:137', 137).check(target({ clock, exited: Promise.resolve(oom) }), clock.now() + 5000);
    expect(result).toMatchObject({ ok: false, reason: 'OOM killed (memory limit 32 MiB)', evidence: { exitCode: 137 } });
  });

  it('fails at the deadline when the container is still running', async () => {
    const clock = new FakeClock();
    const result = await new ExitProbe('exit:0', 0).check(target({ clock }), clock.now() + 5000);
    expect(result).toEqual({
      kind: 'exit',
      spec: 'exit:0',
      ok: false,
      elapsedMs: 5000,
      reason: 'container still running after 5.0s, expected exit code 0',
    });
    const long = await new ExitProbe('exit:2', 2).check(target({ clock }), clock.now() + 90_000);
    expect(long.reason).toBe('container still running after 1m30s, expected exit code 2');
  });

  it('when stopped, lets an exit that follows within a second decide', async () => {
    const clock = new ManualClock();
    const exited = deferred<ExitInfo>();
    const stop = deferred<string>();
    const run = begin(new ExitProbe('exit:0', 0).check(target({ clock, exited: exited.promise, stop: stop.promise }), clock.now() + 5000));
    stop.resolve('container exited with code 0');
    await settle();
    await clock.advance(300);
    exited.resolve(exitInfo(0));
    expect(await run.promise).toMatchObject({ ok: true, reason: 'container exited with code 0', elapsedMs: 300 });
    expect(clock.pending()).toEqual([]);
  });

  it('when stopped and no exit follows within a second, fails with the stop reason', async () => {
    const clock = new ManualClock();
    const stop = deferred<string>();
    const run = begin(new ExitProbe('exit:0', 0).check(target({ clock, stop: stop.promise }), clock.now() + 5000));
    await clock.advance(200);
    stop.resolve('stopped: another check failed (log matched --fail-on-log /FATAL/)');
    await settle();
    await clock.advance(999);
    expect(run.state.result).toBeUndefined();
    await clock.advance(1);
    expect(await run.promise).toEqual({
      kind: 'exit',
      spec: 'exit:0',
      ok: false,
      elapsedMs: 1200,
      reason: 'stopped: another check failed (log matched --fail-on-log /FATAL/)',
    });
  });
});

describe('TcpProbe', () => {
  let server: Server;
  let port: number;
  let closedPort: number;
  let connections = 0;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    // A port nobody listens on: bind, note it, close.
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    closedPort = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
  });

  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('parses host and port from the spec', () => {
    const probe = new TcpProbe('tcp://[::1]:6379');
    expect(probe.kind).toBe('tcp');
    expect(probe.host).toBe('::1');
    expect(probe.port).toBe(6379);
  });

  it('passes when a connection is accepted', async () => {
    const clock = new FakeClock();
    const before = connections;
    const result = await new TcpProbe(`tcp://127.0.0.1:${port}`).check(target({ clock }), clock.now() + 5000);
    expect(result).toEqual({
      kind: 'tcp',
      spec: `tcp://127.0.0.1:${port}`,
      ok: true,
      elapsedMs: 0,
      reason: `tcp connection accepted on port ${port}`,
      evidence: { host: '127.0.0.1', port },
    });
    await settle();
    expect(connections).toBe(before + 1);
    expect(clock.sleeps).toEqual([]);
  });

  it('fails at the deadline with "tcp connection refused on port N", retrying every 250ms', async () => {
    const clock = new FakeClock();
    const result = await new TcpProbe(`tcp://127.0.0.1:${closedPort}`).check(target({ clock }), clock.now() + 1000);
    expect(result).toEqual({
      kind: 'tcp',
      spec: `tcp://127.0.0.1:${closedPort}`,
      ok: false,
      elapsedMs: 1000,
      reason: `tcp connection refused on port ${closedPort}`,
      evidence: { host: '127.0.0.1', port: closedPort },
    });
    expect(clock.sleeps).toEqual([250, 250, 250, 250]);
  });

  it('in bridge mode goes to the published host port, naming the container port', async () => {
    const clock = new FakeClock();
    const asked: number[] = [];
    const publishedPort = (p: number) => {
      asked.push(p);
      return p === 5432 ? port : undefined;
    };
    for (const spec of ['tcp://127.0.0.1:5432', 'tcp://localhost:5432']) {
      const result = await new TcpProbe(spec).check(target({ clock, networkMode: 'bridge', publishedPort }), clock.now() + 1000);
      expect(result).toMatchObject({ ok: true, reason: 'tcp connection accepted on port 5432', evidence: { host: '127.0.0.1', port } });
    }
    expect(asked).toEqual([5432, 5432]);
  });

  it('in bridge mode connects as given when the port is not published', async () => {
    const clock = new FakeClock();
    const result = await new TcpProbe(`tcp://127.0.0.1:${port}`).check(
      target({ clock, networkMode: 'bridge', publishedPort: () => undefined }),
      clock.now() + 1000,
    );
    expect(result).toMatchObject({ ok: true, evidence: { host: '127.0.0.1', port } });
  });

  it('does not rewrite in host mode', async () => {
    const clock = new FakeClock();
    // publishedPort throws if called (host mode must not consult it).
    const result = await new TcpProbe(`tcp://localhost:${closedPort}`).check(target({ clock, networkMode: 'host' }), clock.now() + 250);
    expect(result.ok).toBe(false);
    expect(result.evidence).toEqual({ host: 'localhost', port: closedPort });
  });

  it('fails at once with the stop reason', async () => {
    const clock = new FakeClock();
    const result = await new TcpProbe(`tcp://127.0.0.1:${closedPort}`).check(
      target({ clock, stop: Promise.resolve('container exited with code 1') }),
      clock.now() + 60_000,
    );
    expect(result).toMatchObject({ ok: false, reason: 'container exited with code 1', elapsedMs: 0 });
  });
});

describe('ExecProbe (fake container speaking the engine exec protocol)', () => {
  type Run = { code: number | null; frames?: Buffer[] } | Error;

  /** A container whose exec() answers the runs in turn (repeating the last); records the commands. */
  function execContainer(runs: Run[]) {
    const commands: unknown[] = [];
    const container = {
      modem,
      exec: async (options: { Cmd: string[]; AttachStdout: boolean; AttachStderr: boolean; Tty: boolean }) => {
        const run = runs[Math.min(commands.length, runs.length - 1)]!;
        commands.push(options);
        if (run instanceof Error) throw run;
        return {
          start: async (startOptions: unknown) => {
            expect(startOptions).toMatchObject({ hijack: true, stdin: false });
            const stream = new PassThrough();
            setImmediate(() => {
              for (const f of run.frames ?? []) stream.write(f);
              stream.end();
            });
            return stream;
          },
          inspect: async () => ({ ExitCode: run.code }),
        };
      },
    };
    return { container, commands };
  }

  it('execOnce collects stdout and stderr and the exit code', async () => {
    const { container, commands } = execContainer([{ code: 7, frames: [frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')] }]);
    const run = await execOnce(container as unknown as Docker.Container, ['sh', '-c', 'check']);
    expect(run).toEqual({ exitCode: 7, output: 'out 1\nerr 1\nout 2\n' });
    expect(commands).toEqual([{ Cmd: ['sh', '-c', 'check'], AttachStdout: true, AttachStderr: true, Tty: false }]);
  });

  it('passes when the command exits 0, with its output as evidence', async () => {
    const clock = new FakeClock();
    const { container, commands } = execContainer([{ code: 0, frames: [frame(1, 'accepting connections\n')] }]);
    const result = await new ExecProbe('exec:pg_isready -h 127.0.0.1', 'pg_isready -h 127.0.0.1').check(
      target({ clock, container }),
      clock.now() + 5000,
    );
    expect(result).toEqual({
      kind: 'exec',
      spec: 'exec:pg_isready -h 127.0.0.1',
      ok: true,
      elapsedMs: 0,
      reason: "exec 'pg_isready -h 127.0.0.1' exited with code 0",
      evidence: { exitCode: 0, output: 'accepting connections\n' },
    });
    expect(commands).toHaveLength(1);
  });

  it('retries every 500ms until the command succeeds', async () => {
    const clock = new FakeClock();
    const { container, commands } = execContainer([{ code: 1 }, { code: 1 }, { code: 0, frames: [frame(1, 'up\n')] }]);
    const result = await new ExecProbe('exec:check', 'check').check(target({ clock, container }), clock.now() + 5000);
    expect(result).toMatchObject({ ok: true, elapsedMs: 1000, evidence: { exitCode: 0, output: 'up\n' } });
    expect(commands).toHaveLength(3);
    expect(clock.sleeps).toEqual([500, 500]);
  });

  it('fails at the deadline with the last exit code and output', async () => {
    const clock = new FakeClock();
    const { container, commands } = execContainer([{ code: 2, frames: [frame(2, 'no response\n')] }]);
    const result = await new ExecProbe('exec:pg_isready', 'pg_isready').check(target({ clock, container }), clock.now() + 2000);
    expect(result).toEqual({
      kind: 'exec',
      spec: 'exec:pg_isready',
      ok: false,
      elapsedMs: 2000,
      reason: "exec 'pg_isready' exited with code 2",
      evidence: { exitCode: 2, output: 'no response\n' },
    });
    expect(commands).toHaveLength(5);
  });

  it('reports a command that could not run with the first line of the error', async () => {
    const clock = new FakeClock();
    const { container } = execContainer([new Error('container 1234 is not running\nmore detail')]);
    const result = await new ExecProbe('exec:true', 'true').check(target({ clock, container }), clock.now() + 500);
    expect(result).toMatchObject({
      ok: false,
      reason: "exec 'true' could not run (container 1234 is not running)",
      evidence: { exitCode: undefined, output: '' },
    });
  });

  it('masks secrets in the output and keeps only its last 4000 characters', async () => {
    const clock = new FakeClock();
    const long = `${'a'.repeat(1000)}${'b'.repeat(3990)}TOKEN=hunter2\n`;
    const { container } = execContainer([{ code: 1, frames: [frame(1, long)] }]);
    const result = await new ExecProbe('exec:x', 'x').check(target({ clock, container, redact: redactor(['hunter2']) }), clock.now() + 100);
    const output = result.evidence!.output as string;
    expect(output).toHaveLength(4000);
    expect(output).toBe(`${'b'.repeat(3990)}TOKEN=***\n`.slice(-4000));
    expect(output.endsWith('TOKEN=***\n')).toBe(true);
    expect(output).not.toContain('hunter2');
    expect(output).not.toContain('a');
  });

  it('leaves no part of a secret that straddles the 4000-character cut', async () => {
    const clock = new FakeClock();
    const text = `${'x'.repeat(10)}hunter2${'b'.repeat(3997)}`;
    const { container } = execContainer([{ code: 1, frames: [frame(1, text)] }]);
    const result = await new ExecProbe('exec:x', 'x').check(target({ clock, container, redact: redactor(['hunter2']) }), clock.now() + 100);
    expect(result.evidence!.output).toBe(`***${'b'.repeat(3997)}`);
  });

  it('keeps the output as a terminal shows it, cleaned before masking: codes cannot hide a secret', async () => {
    const clock = new FakeClock();
    const { container } = execContainer([
      { code: 1, frames: [frame(1, '\u001b[33mTOKEN=hun\u001b[1m'), frame(2, 'ter2\u001b[0m\r\n0%\r100%\n')] },
    ]);
    const result = await new ExecProbe('exec:x', 'x').check(target({ clock, container, redact: redactor(['hunter2']) }), clock.now() + 100);
    expect(result.evidence!.output).toBe('TOKEN=***\n100%\n');
  });

  it('fails at once with the stop reason', async () => {
    const clock = new FakeClock();
    const { container } = execContainer([{ code: 1 }]);
    const result = await new ExecProbe('exec:x', 'x').check(
      target({ clock, container, stop: Promise.resolve('container exited with code 1') }),
      clock.now() + 60_000,
    );
    expect(result).toMatchObject({ ok: false, reason: 'container exited with code 1' });
  });
});
