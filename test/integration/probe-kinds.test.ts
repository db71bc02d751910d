/**
 * Every probe kind through the CLI on the real engine, passing and failing, with tiny busybox images.
 * Failing cases also pin how fast the verdict comes: a container that exits, prints a fatal line or
 * runs out of memory must not cost the full timeout.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRepo, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine } from '../helpers/docker-engine.js';
import { freePort } from '../helpers/free-port.js';
import { runCli } from '../helpers/run-cli.js';

const repos: TestRepo[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'deploybisect-kinds-'));
afterAll(() => {
  repos.forEach((r) => r.remove());
  rmSync(scratch, { recursive: true, force: true });
});

/** One commit with this Dockerfile (plus files); `deploybisect test` on it with `args`. */
async function probe(dockerfile: string, args: string[], files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) {
  const { repo, shas } = createRepo([{ subject: 'app', changes: { Dockerfile: dockerfile, ...files } }]);
  repos.push(repo);
  const started = Date.now();
  const run = await runCli(['test', shas[0]!, '--json', ...args], { cwd: repo.dir, env });
  const wallMs = Date.now() - started;
  expect([0, 1], run.stderr).toContain(run.code);
  const result = JSON.parse(run.stdout);
  return { code: run.code, outcome: result.outcome, wallMs, stdout: run.stdout, stderr: run.stderr };
}

/** Serves /www on 127.0.0.1:port (host network) with busybox httpd; CGI scripts under /www/cgi-bin. */
function httpd(port: number, setup: string): string {
  return shellApp(`mkdir -p /www/cgi-bin; ${setup}; exec httpd -f -p 127.0.0.1:${port} -h /www`);
}

const timings: string[] = [];
afterAll(() => {
  // For the closing note: how long each failing case took to decide.
  if (timings.length > 0) console.log(`probe timings:\n${timings.join('\n')}`);
});
const timed = (name: string, outcome: { probes: { elapsedMs: number }[] }, wallMs: number) =>
  timings.push(`  ${name}: decided after ${outcome.probes[0]?.elapsedMs ?? '?'} ms of probing (${wallMs} ms for the whole command)`);

describe('probe kinds on a real engine', () => {
  beforeAll(async () => {
    await requireEngine();
  });

  describe('tcp', () => {
    it('passes when the port accepts a connection', async () => {
      const port = await freePort();
      const { code, outcome } = await probe(httpd(port, 'true'), ['--network', 'host', '--probe', `tcp://127.0.0.1:${port}`]);
      expect(code).toBe(0);
      expect(outcome.probes[0]).toMatchObject({ kind: 'tcp', ok: true, reason: `tcp connection accepted on port ${port}` });
    });

    it('fails at the timeout for a service that never listens', async () => {
      const port = await freePort();
      const { code, outcome, wallMs } = await probe(shellApp('echo "starting"; sleep 300'), [
        '--network',
        'host',
        '--timeout',
        '4s',
        '--probe',
        `tcp://127.0.0.1:${port}`,
      ]);
      expect(code).toBe(1);
      expect(outcome.signature).toBe(`tcp connection refused on port ${port}`);
      expect(outcome.probes[0].elapsedMs).toBeGreaterThanOrEqual(3500);
      expect(outcome.probes[0].elapsedMs).toBeLessThan(8000);
      timed('tcp, never listens (--timeout 4s)', outcome, wallMs);
    });
  });

  describe('http', () => {
    it('fails with the status for a service that answers 500', async () => {
      const port = await freePort();
      const cgi = `printf '#!/bin/sh\\nprintf "Status: 500 Internal Server Error\\\\r\\\\n\\\\r\\\\ndatabase is down\\\\n"\\n' > /www/cgi-bin/health; chmod +x /www/cgi-bin/health`;
      const { code, outcome, wallMs } = await probe(httpd(port, cgi), [
        '--network',
        'host',
        '--timeout',
        '4s',
        '--probe',
        `http://127.0.0.1:${port}/cgi-bin/health`,
      ]);
      expect(code).toBe(1);
      expect(outcome.signature).toBe('http 500 from /cgi-bin/health');
      expect(outcome.probes[0].evidence).toMatchObject({ status: 500, body: 'database is down\n' });
      timed('http, answers 500 (--timeout 4s)', outcome, wallMs);
    });

    it('sends --header values (the service sees them)', async () => {
      const port = await freePort();
      const cgi = `printf '#!/bin/sh\\nif [ "$HTTP_X_TOKEN" = "letmein" ]; then printf "Content-Type: text/plain\\\\r\\\\n\\\\r\\\\nok\\\\n"; else printf "Status: 401 Unauthorized\\\\r\\\\n\\\\r\\\\nno\\\\n"; fi\\n' > /www/cgi-bin/health; chmod +x /www/cgi-bin/health`;
      const url = `http://127.0.0.1:${port}/cgi-bin/health`;
      const without = await probe(httpd(port, cgi), ['--network', 'host', '--timeout', '2s', '--probe', url]);
      expect(without.outcome.signature).toBe('http 401 from /cgi-bin/health');
      const port2 = await freePort();
      const withHeader = await probe(httpd(port2, cgi), [
        '--network',
        'host',
        '--probe',
        url.replace(String(port), String(port2)),
        '--header',
        'X-Token: letmein',
      ]);
      expect(withHeader.code).toBe(0);
    });

    it('https: refuses a self-signed certificate unless --insecure', async () => {
      // busybox has no TLS server: the https service runs on the host, on 127.0.0.1, beside the container.
      const keyPath = join(scratch, 'key.pem');
      const certPath = join(scratch, 'cert.pem');
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1'],
        { stdio: 'ignore' },
      );
      const server = createServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, (_req, res) => res.end('secure ok'));
      const port = await new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
      );
      try {
        const url = `https://127.0.0.1:${port}/`;
        const strict = await probe(shellApp('sleep 300'), ['--network', 'host', '--timeout', '2s', '--probe', url]);
        expect(strict.code).toBe(1);
        expect(strict.outcome.signature).toBe(`http self-signed certificate (use --insecure) on / (${url})`);
        const insecure = await probe(shellApp('sleep 300'), [
          '--network',
          'host',
          '--probe',
          url,
          '--insecure',
          '--expect-body',
          '^secure ok$',
        ]);
        expect(insecure.code).toBe(0);
      } finally {
        server.close();
      }
    });
  });

  describe('exec', () => {
    it('passes once the command exits 0 inside the container, and keeps its output', async () => {
      const { code, outcome } = await probe(shellApp('sleep 1; touch /tmp/ready; sleep 300'), [
        '--network',
        'none',
        '--probe',
        'exec:test -f /tmp/ready && echo ready-to-serve',
      ]);
      expect(code).toBe(0);
      expect(outcome.probes[0]).toMatchObject({ kind: 'exec', ok: true, evidence: { exitCode: 0, output: 'ready-to-serve\n' } });
    });

    it('fails with the exit code and output of the last attempt', async () => {
      const { code, outcome, wallMs } = await probe(shellApp('sleep 300'), [
        '--network',
        'none',
        '--timeout',
        '3s',
        '--probe',
        'exec:echo "migrations pending" >&2; exit 4',
      ]);
      expect(code).toBe(1);
      expect(outcome.signature).toBe(`exec 'echo "migrations pending" >&2; exit 4' exited with code 4`);
      expect(outcome.probes[0].evidence).toEqual({ exitCode: 4, output: 'migrations pending\n' });
      timed('exec, command keeps failing (--timeout 3s)', outcome, wallMs);
    });
  });

  describe('log and --fail-on-log', () => {
    it('log: passes when a line of output matches', async () => {
      const { code, outcome } = await probe(shellApp('echo "booting"; sleep 1; echo "server ready on :8080" >&2; sleep 300'), [
        '--network',
        'none',
        '--probe',
        'log:ready on :\\d+',
      ]);
      expect(code).toBe(0);
      expect(outcome.probes[0]).toMatchObject({ kind: 'log', ok: true, evidence: { line: 'server ready on :8080' } });
    });

    it('--fail-on-log: a fatal line fails the commit at once, while the container keeps running', async () => {
      const { code, outcome, wallMs } = await probe(
        shellApp('echo "starting"; sleep 1; echo "FATAL: cannot connect to database" >&2; sleep 300'),
        ['--network', 'none', '--probe', 'running:60s', '--timeout', '90s', '--fail-on-log', 'Traceback|FATAL|panic:'],
      );
      expect(code).toBe(1);
      expect(outcome.signature).toBe('log matched --fail-on-log /Traceback|FATAL|panic:/');
      expect(outcome.probes[0]).toMatchObject({ kind: 'fail-on-log', evidence: { line: 'FATAL: cannot connect to database' } });
      expect(wallMs).toBeLessThan(15_000);
      timed('--fail-on-log, fatal line then keeps running (--timeout 90s)', outcome, wallMs);
    });

    it('log: a container that exits without the line fails at once', async () => {
      const { code, outcome, wallMs } = await probe(shellApp('echo "config error"; exit 1'), ['--network', 'none', '--probe', 'log:ready']);
      expect(code).toBe(1);
      expect(outcome.signature).toBe('container exited with code 1');
      expect(wallMs).toBeLessThan(15_000);
      timed('log:ready, container exits without the line (--timeout 60s)', outcome, wallMs);
    });
  });

  describe('exit', () => {
    it('passes when a one-shot container exits with the code, even though it stopped', async () => {
      const { code, outcome } = await probe(shellApp('echo "migrated 3 tables"; exit 0'), [
        '--network',
        'none',
        '--probe',
        'exit:0',
        '--probe',
        'log:migrated \\d+ tables',
      ]);
      expect(code).toBe(0);
      expect(outcome.probes.map((p: { kind: string; ok: boolean }) => [p.kind, p.ok])).toEqual([
        ['exit', true],
        ['log', true],
      ]);
    });

    it('fails with the actual code, without waiting for the timeout', async () => {
      const { code, outcome, wallMs } = await probe(shellApp('sleep 1; exit 3'), [
        '--network',
        'none',
        '--probe',
        'exit:0',
        '--timeout',
        '60s',
      ]);
      expect(code).toBe(1);
      expect(outcome.signature).toBe('container exited with code 3, expected 0');
      expect(wallMs).toBeLessThan(15_000);
      timed('exit:0, job exits 3 after 1s (--timeout 60s)', outcome, wallMs);
    });

    it('fails when the job is still running at the timeout', async () => {
      const { code, outcome } = await probe(shellApp('sleep 300'), ['--network', 'none', '--probe', 'exit:0', '--timeout', '2s']);
      expect(code).toBe(1);
      expect(outcome.signature).toMatch(/^container still running after 2\.\ds, expected exit code 0$/);
    });
  });

  describe('running, early exit, limits', () => {
    it('a container that exits with 1 after a second fails every probe at once', async () => {
      const { code, outcome, wallMs } = await probe(shellApp('echo "loading"; sleep 1; echo "cannot bind" >&2; exit 1'), [
        '--network',
        'none',
        '--probe',
        'running:30s',
        '--probe',
        'exec:true',
        '--timeout',
        '60s',
      ]);
      expect(code).toBe(1);
      expect(outcome.signature).toBe('container exited with code 1');
      expect(outcome.logTail).toEqual(['loading', 'cannot bind']);
      expect(wallMs).toBeLessThan(15_000);
      timed('running:30s, exits 1 after 1s (--timeout 60s)', outcome, wallMs);
    });

    it('a container that leaks memory past --memory is reported as OOM killed', async () => {
      const { code, outcome, wallMs } = await probe(shellApp('echo "caching everything"; tail /dev/zero'), [
        '--network',
        'none',
        '--memory',
        '16m',
        '--probe',
        'running:30s',
      ]);
      expect(code).toBe(1);
      expect(outcome.signature).toBe('OOM killed (memory limit 16 MiB)');
      expect(wallMs).toBeLessThan(15_000);
      timed('running:30s, leaks memory past --memory 16m', outcome, wallMs);
    });

    it('--pids-limit caps the processes a container may start', async () => {
      const script = 'for i in $(seq 1 40); do sleep 30 & done 2>/dev/null || { echo "fork failed"; exit 7; }; sleep 300';
      const limited = await probe(shellApp(script), ['--network', 'none', '--pids-limit', '10', '--probe', 'running:3s']);
      expect(limited.outcome.signature).toMatch(/^container exited with code [1-9]/);
      const unlimited = await probe(shellApp(script), ['--network', 'none', '--pids-limit', '100', '--probe', 'running:3s']);
      expect(unlimited.code).toBe(0);
    });
  });

  describe('healthcheck', () => {
    it('a health command that fails is recognised fast with --health-interval', async () => {
      const { code, outcome, wallMs } = await probe(
        shellApp('sleep 300', 'HEALTHCHECK --interval=30s --retries=3 CMD wget -qO- http://127.0.0.1:8080/ || exit 1\n'),
        ['--network', 'none', '--health-interval', '500ms', '--timeout', '60s'],
      );
      expect(code).toBe(1);
      expect(outcome.signature).toBe('healthcheck unhealthy');
      expect(outcome.probes[0].evidence.lastOutput).toMatch(/Connection refused|can't connect/);
      expect(wallMs).toBeLessThan(15_000);
      timed('healthcheck, health command fails (--health-interval 500ms)', outcome, wallMs);
    });
  });

  describe('the container environment', () => {
    it('--env-file and --secret-env reach the container; the secret is masked everywhere', async () => {
      const envFile = join(scratch, 'app.env');
      writeFileSync(envFile, '# app settings\nMODE=prod\nGREETING=hello world\n');
      const { code, outcome, stdout, stderr } = await probe(
        shellApp('echo "mode=$MODE greeting=$GREETING token=$API_TOKEN"; test "${#API_TOKEN}" = 10 && sleep 300'),
        ['--network', 'none', '--probe', 'running:2s', '--env-file', envFile, '--secret-env', 'API_TOKEN', '-v'],
        {},
        { API_TOKEN: 'tok-3f9a1c' },
      );
      expect(code, stderr).toBe(0);
      expect(outcome.logTail).toEqual(['mode=prod greeting=hello world token=***']);
      expect(stdout).not.toContain('tok-3f9a1c');
      expect(stderr).not.toContain('tok-3f9a1c');
      expect(stderr).toContain('container | mode=prod greeting=hello world token=***');
    });

    it('--image-platform is passed to the build and the run', async () => {
      const { code, outcome } = await probe(shellApp('sleep 300'), [
        '--network',
        'none',
        '--probe',
        'running:1s',
        '--image-platform',
        'linux/amd64',
      ]);
      expect(code).toBe(0);
      expect(outcome.ok).toBe(true);
    });
  });

  describe('defaults', () => {
    it('without --probe and HEALTHCHECK: running:10s plus GET / on the first EXPOSEd port', async () => {
      const port = await freePort();
      const dockerfile = httpd(port, 'echo home > /www/index.html').replace('CMD', `EXPOSE ${port}\nCMD`);
      const { code, outcome } = await probe(dockerfile, ['--network', 'host']);
      expect(code).toBe(0);
      expect(outcome.probes.map((p: { spec: string }) => p.spec).sort()).toEqual(['running:10s', `http://127.0.0.1:${port}/`].sort());
      const off = await probe(dockerfile.replace(String(port), String(await freePort())), ['--network', 'host', '--no-default-http']);
      expect(off.outcome.probes.map((p: { spec: string }) => p.spec)).toEqual(['running:10s']);
    });
  });
});
