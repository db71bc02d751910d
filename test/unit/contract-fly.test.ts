import { describe, expect, it } from 'vitest';

import { describeContract } from '../../src/contract/describe.js';
import { parseGoDuration } from '../../src/contract/go-duration.js';
import { readFly } from '../../src/contract/platforms/fly.js';
import { failureLine } from '../../src/contract/source/problem.js';
import { contractOf, failureOf, inline, manifest } from '../helpers/manifest-fixture.js';

const fly = (fixture: string, path = 'fly.toml') => readFly({ manifest: manifest(fixture, path) });
const flyText = (text: string, options: { path?: string; service?: string } = {}) =>
  readFly({ manifest: inline(options.path ?? 'fly.toml', text), ...(options.service ? { service: options.service } : {}) });

describe('Fly reader', () => {
  it('epic-stack after #808: [build] dockerfile and ignorefile are joined with fly.toml’s directory', () => {
    const c = contractOf(fly('epic-stack/fly.toml.06f908b'));
    expect(c.build).toMatchObject({
      context: '',
      dockerfile: 'other/Dockerfile',
      ignoreFile: 'other/Dockerfile.dockerignore',
      from: { dockerfile: '[build] dockerfile' },
    });
    expect(c.port).toEqual({ number: 8080, injectedAsPort: false, source: 'manifest', from: 'services[0] internal_port' });
    expect(c.health.map((h) => [h.kind, h.path, h.graceMs, h.intervalMs, h.timeoutMs])).toEqual([
      ['tcp', undefined, 1000, 15_000, 2000],
      ['http', '/resources/healthcheck', 5000, 10_000, 2000],
      ['http', '/litefs/health', 10_000, 30_000, 5000],
    ]);
    expect(c.health[1]).toMatchObject({
      method: 'GET',
      successCodes: [{ from: 200, to: 299 }],
      followRedirects: false,
      deadlineMs: 300_000,
    });
    expect(c.unsupported.map((u) => u.key)).toEqual(['swap_size_mb', 'mounts']);
    expect(c.env).toEqual([{ key: 'PRIMARY_REGION', value: 'sjc', kind: 'platform', secret: false, from: 'primary_region' }]);
    expect(describeContract(c)).toBe(
      'deploying as Fly.io would: port 8080, TCP 8080 and GET /resources/healthcheck on 8080 (2xx, 2.0s) and GET /litefs/health on 8080 (2xx, 5.0s), from fly.toml',
    );
  });

  it('epic-stack before #808: no [build], so Fly’s default ./Dockerfile (the Dockerfile path moved between the two)', () => {
    const c = contractOf(fly('epic-stack/fly.toml.dffa1e6'));
    expect(c.build).toMatchObject({ dockerfile: 'Dockerfile', from: { dockerfile: 'default Dockerfile' } });
    expect(c.build.ignoreFile).toBeUndefined();
    // `processes = [ ]` (an old config) reads as no process groups: the default group `app`.
    expect(c.service).toBe('app');
  });

  it('metagram: release_command runs first, [env] is literal, kill_timeout as 60 or "1m0s" is accepted', () => {
    for (const version of ['d544cf7', '24c53db', 'e2cbf50']) {
      const c = contractOf(fly(`metagram/fly.toml.${version}`));
      expect(c.preDeploy).toEqual({
        command: { form: 'words', text: 'squill migrate' },
        replaces: 'cmd',
        timeoutMs: 300_000,
        from: '[deploy] release_command',
      });
      expect(c.env).toContainEqual({ key: 'BASE_URL', value: 'https://metagram.net/', kind: 'literal', secret: false, from: '[env]' });
      expect(c.port?.number).toBe(8000);
      expect(c.health.map((h) => `${h.kind} ${h.path ?? ''}`.trim())).toEqual(['tcp', 'http /.well-known/health-check']);
    }
    expect(contractOf(fly('metagram/fly.toml.60c00f7')).preDeploy?.command).toEqual({ form: 'words', text: 'drift migrate' });
  });

  it('drinks: an http check’s timings', () => {
    const [check] = contractOf(fly('drinks/fly.toml')).health;
    expect(check).toMatchObject({
      kind: 'http',
      path: '/_/healthcheck',
      intervalMs: 5000,
      timeoutMs: 2000,
      graceMs: 5000,
      from: { keys: ['services[0].http_checks[0]'] },
    });
  });

  it('a fly.toml in a subdirectory: the Dockerfile (a leading / too) and the context are under it', () => {
    expect(contractOf(flyText('[build]\ndockerfile = "/docker/Dockerfile"\n', { path: 'apps/web/fly.toml' })).build).toMatchObject({
      context: 'apps/web',
      dockerfile: 'apps/web/docker/Dockerfile',
    });
    expect(contractOf(flyText('app = "x"\n', { path: 'apps/web/fly.toml' })).build.dockerfile).toBe('apps/web/Dockerfile');
  });

  it('[http_service]: its checks, unitless durations in milliseconds, wait_timeout as the deadline, defaults where absent', () => {
    const c = contractOf(
      flyText(
        '[deploy]\nwait_timeout = "2m"\n[http_service]\ninternal_port = 3000\n[[http_service.checks]]\ninterval = 10000\ngrace_period = "1m0s"\npath = "/up"\n',
      ),
    );
    expect(c.port?.from).toBe('[http_service] internal_port');
    expect(c.health).toEqual([
      expect.objectContaining({
        kind: 'http',
        port: 3000,
        path: '/up',
        intervalMs: 10_000,
        graceMs: 60_000,
        timeoutMs: 2000,
        deadlineMs: 120_000,
      }),
    ]);
    expect(c.health[0]?.from.defaults).toEqual(['timeoutMs', 'successCodes', 'followRedirects']);
  });

  it('no checks and no internal_port: Fly’s 8080 and nothing to wait for but the start', () => {
    const c = contractOf(flyText('[http_service]\nforce_https = true\n'));
    expect(c.port).toMatchObject({ number: 8080, source: 'platform-default' });
    expect(c.health).toEqual([]);
  });

  it('[processes]: the group served by [http_service] is taken, its command replaces CMD; another group is a worker', () => {
    const text =
      '[processes]\nweb = "bin/server --port 8080"\nworker = "bin/worker --queue default"\n[http_service]\ninternal_port = 8080\nprocesses = ["web"]\n';
    const web = contractOf(flyText(text));
    expect(web.service).toBe('web');
    expect(web.run).toEqual({ cmd: { form: 'words', text: 'bin/server --port 8080' }, from: ['[processes] web'] });
    const worker = contractOf(flyText(text, { service: 'worker' }));
    expect(worker.run.cmd).toEqual({ form: 'words', text: 'bin/worker --queue default' });
    expect(worker.port).toBeUndefined();
    expect(failureOf(flyText(text, { service: 'cron' }))).toMatchObject({ kind: 'no-service', services: ['web', 'worker'] });
  });

  it('[experimental] cmd and entrypoint; top-level [checks] are monitoring only', () => {
    const c = contractOf(
      flyText('[experimental]\ncmd = ["node", "server.js"]\nentrypoint = ["/init"]\n[checks.db]\ntype = "tcp"\nport = 5432\n'),
    );
    expect(c.run).toEqual({
      entrypoint: { form: 'exec', argv: ['/init'] },
      cmd: { form: 'exec', argv: ['node', 'server.js'] },
      from: ['[experimental] entrypoint', '[experimental] cmd'],
    });
    expect(c.unsupported).toContainEqual({ key: 'checks', reason: expect.stringMatching(/monitoring only/) });
  });

  it('a published image or buildpacks is not a Docker deployment of this repository', () => {
    expect(failureOf(flyText('[build]\nimage = "flyio/hellofly:latest"\n'))).toMatchObject({
      kind: 'not-docker',
      message: 'fly.toml deploys the published image flyio/hellofly:latest ([build] image)',
    });
    expect(failureOf(flyText('[build]\nbuilder = "paketobuildpacks/builder:base"\n')).kind).toBe('not-docker');
  });

  it('the published schema judges the keys read: internal_port as text fails, with its line', () => {
    const failure = failureOf(flyText('app = "x"\n\n[http_service]\n  internal_port = "8080"\n'));
    expect(failure.kind).toBe('invalid');
    expect(failureLine(failure)).toBe('fly.toml:4:3: http_service.internal_port must be integer');
    // An unknown key is no error (flyctl knows keys the schema does not), nor an odd value elsewhere.
    const c = contractOf(
      flyText('[deploy]\nrelease_command_timeout = "10m"\nrelease_command = "bin/migrate"\n[[vm]]\nsize = "shared-cpu-3x"\n'),
    );
    expect(c.preDeploy?.timeoutMs).toBe(600_000);
    expect(c.notes).toEqual([
      expect.stringMatching(/^fly\.toml: 1 key the published schema does not accept, not acted on \(vm\[0\]\.size must be one of/),
    ]);
  });

  it('a fly.toml that does not parse: TOML’s reason with its line and column', () => {
    const failure = failureOf(flyText('app = "x"\n[http_service]\ninternal_port = \n'));
    expect(failure).toMatchObject({ kind: 'parse', line: 3 });
    expect(failureLine(failure)).toMatch(/^fly\.toml:3:\d+: not valid TOML: /);
  });

  it('a duration that is not one', () => {
    expect(failureLine(failureOf(flyText('[[services]]\ninternal_port = 8080\n[[services.tcp_checks]]\ninterval = "often"\n')))).toBe(
      'fly.toml:4:1: services[0].tcp_checks[0].interval is not a duration: "often" (use 10s, 1m0s or milliseconds)',
    );
  });
});

describe('Go durations', () => {
  it('reads what time.ParseDuration reads', () => {
    expect([
      parseGoDuration('1m0s'),
      parseGoDuration('1.5s'),
      parseGoDuration('300ms'),
      parseGoDuration('2h45m'),
      parseGoDuration('0'),
    ]).toEqual([60_000, 1500, 300, 9_900_000, 0]);
    expect([parseGoDuration('10'), parseGoDuration('5 s'), parseGoDuration('')]).toEqual([undefined, undefined, undefined]);
  });
});
