import { describe, expect, it } from 'vitest';

import { describeContract } from '../../src/contract/describe.js';
import { readDigitalOcean } from '../../src/contract/platforms/digitalocean.js';
import { readHeroku } from '../../src/contract/platforms/heroku.js';
import { readRailway } from '../../src/contract/platforms/railway.js';
import { failureLine } from '../../src/contract/source/problem.js';
import { contractOf, failureOf, inline, manifest } from '../helpers/manifest-fixture.js';

describe('Railway reader', () => {
  it('deltallm (railway.toml): the Dockerfile path, the health check and its timeout, PORT injected', () => {
    const c = contractOf(readRailway({ manifest: manifest('deltallm/railway.toml', 'railway.toml') }));
    expect(c.build).toMatchObject({ context: '', dockerfile: 'deploy/railway/Dockerfile', from: { dockerfile: 'build.dockerfilePath' } });
    expect(c.health).toEqual([
      expect.objectContaining({
        kind: 'http',
        path: '/health/readiness',
        port: 8080,
        successCodes: [{ from: 200, to: 200 }],
        followRedirects: false,
        deadlineMs: 300_000,
        headers: [{ name: 'Host', value: 'healthcheck.railway.app' }],
      }),
    ]);
    expect(c.port).toEqual({ number: 8080, injectedAsPort: true, source: 'chosen', from: 'Railway injects PORT (value undocumented)' });
    expect(c.env).toEqual([{ key: 'PORT', value: '8080', kind: 'platform', secret: false, from: 'injected by Railway' }]);
    expect(c.unsupported.map((u) => u.key)).toEqual(['deploy.restartPolicyType', 'deploy.restartPolicyMaxRetries']);
    expect(describeContract(c)).toBe('deploying as Railway would: PORT=8080, GET /health/readiness on 8080 (200), from railway.toml');
  });

  it('persurl (railway.json): the default timeout of 300 s applies when healthcheckTimeout is absent', () => {
    const c = contractOf(readRailway({ manifest: manifest('persurl/railway.json', 'railway.json') }));
    expect(c.build.dockerfile).toBe('Dockerfile');
    expect(c.health[0]).toMatchObject({
      path: '/s/health',
      deadlineMs: 300_000,
      from: { keys: ['deploy.healthcheckPath'], defaults: expect.arrayContaining(['deadlineMs']) },
    });
  });

  it('startCommand replaces the ENTRYPOINT in exec form (no $PORT expansion); preDeployCommand runs first', () => {
    const c = contractOf(
      readRailway({
        manifest: inline(
          'backend/railway.json',
          '{"build":{"builder":"DOCKERFILE"},"deploy":{"startCommand":"uvicorn main:app --port $PORT","preDeployCommand":["npm run migrate"]}}',
        ),
      }),
    );
    expect(c.run).toEqual({
      entrypoint: { form: 'words', text: 'uvicorn main:app --port $PORT' },
      cmd: 'clear',
      from: ['deploy.startCommand'],
    });
    expect(c.preDeploy).toEqual({
      command: { form: 'words', text: 'npm run migrate' },
      replaces: 'entrypoint',
      from: 'deploy.preDeployCommand',
    });
    expect(c.build).toMatchObject({ context: 'backend', dockerfile: 'backend/Dockerfile' });
    expect(c.health).toEqual([]);
  });

  it('another builder: the Dockerfile Railway finds anyway, or not a Docker deployment', () => {
    const text = '[build]\nbuilder = "NIXPACKS"\n';
    expect(failureOf(readRailway({ manifest: inline('railway.toml', text) }))).toMatchObject({
      kind: 'not-docker',
      message: 'railway.toml builds with NIXPACKS, and there is no Dockerfile',
    });
    const c = contractOf(readRailway({ manifest: inline('railway.toml', text), exists: (p) => p === 'Dockerfile' }));
    expect(c.notes).toContain('builder NIXPACKS, but Railway builds the Dockerfile it finds (Dockerfile).');
  });

  it('a railway.json that does not parse', () => {
    expect(
      failureLine(failureOf(readRailway({ manifest: inline('railway.json', '{\n  "build": {\n    "builder": "DOCKERFILE",\n  }\n') }))),
    ).toMatch(/^railway\.json:\d+:\d+: not valid YAML: /);
  });
});

describe('Heroku reader', () => {
  it('IcaliaLabs: build.config through a << merge key, release and run commands, add-ons left to the user', () => {
    const c = contractOf(readHeroku({ manifest: manifest('icalialabs/heroku.yml', 'heroku.yml') }));
    expect(c.service).toBe('web');
    expect(c.build).toMatchObject({ context: '', dockerfile: 'Dockerfile' });
    expect(c.build.args).toContainEqual({ key: 'RAILS_ENV', value: 'production' });
    expect(c.build.args).toHaveLength(5);
    expect(c.run).toEqual({ cmd: { form: 'shell', script: 'puma -t 2:25 -w 1 -e production' }, from: ['run.web'] });
    expect(c.preDeploy).toEqual({ command: { form: 'shell', script: 'rails db:migrate' }, replaces: 'cmd', from: 'release.command' });
    expect(c.env.find((e) => e.key === 'DATABASE_URL')).toMatchObject({
      kind: 'unresolved',
      secret: true,
      unresolved: { reason: 'add-on heroku-postgresql', supply: '--secret-env DATABASE_URL' },
    });
    expect(c.env.find((e) => e.key === 'RAILS_LOG_TO_STDOUT')).toMatchObject({ kind: 'literal', value: 'true' });
    expect(c.port).toMatchObject({ number: 23456, injectedAsPort: true, source: 'chosen' });
    expect(c.health).toEqual([expect.objectContaining({ kind: 'tcp', port: 23456, deadlineMs: 60_000 })]);
  });

  it('defaults: no run section keeps the image CMD; the context is the Dockerfile’s directory; a worker has no port', () => {
    const text = 'build:\n  docker:\n    web: api/Dockerfile\n    worker:\n      dockerfile: worker/Dockerfile\n      target: worker\n';
    const web = contractOf(readHeroku({ manifest: inline('heroku.yml', text) }));
    expect(web.run).toEqual({ from: [] });
    expect(web.build).toMatchObject({ context: 'api', dockerfile: 'api/Dockerfile' });
    const worker = contractOf(readHeroku({ manifest: inline('heroku.yml', text), service: 'worker' }));
    expect(worker.build).toMatchObject({ dockerfile: 'worker/Dockerfile', target: 'worker' });
    expect(worker.port).toBeUndefined();
  });
});

describe('DigitalOcean reader', () => {
  it('zero-to-production: http_port, the health check’s defaults, bindables left to the user', () => {
    const c = contractOf(readDigitalOcean({ manifest: manifest('zero-to-production/spec.yaml', 'spec.yaml') }));
    expect(c.build).toMatchObject({ context: '', dockerfile: 'Dockerfile' });
    expect(c.port).toEqual({ number: 8000, injectedAsPort: true, source: 'manifest', from: 'http_port' });
    expect(c.env.find((e) => e.key === 'PORT')).toMatchObject({ kind: 'platform', value: '8000' });
    expect(c.health).toEqual([
      expect.objectContaining({
        kind: 'http',
        path: '/health_check',
        port: 8000,
        graceMs: 0,
        intervalMs: 10_000,
        timeoutMs: 1000,
        successThreshold: 1,
        failureThreshold: 9,
      }),
    ]);
    expect(c.env.find((e) => e.key === 'APP_DATABASE__PASSWORD')).toMatchObject({
      kind: 'unresolved',
      secret: true,
      unresolved: { reason: 'bindable ${newsletter.PASSWORD}' },
    });
    expect(c.env.find((e) => e.key === 'APP_APPLICATION__BASE_URL')).toMatchObject({ kind: 'unresolved', secret: false });
    expect(c.notes[0]).toMatch(/declares databases/);
  });

  it('defaults: http_port 8080, a TCP check, BUILD_TIME envs as build arguments, a PRE_DEPLOY job, `spec:` around it', () => {
    const text =
      'spec:\n  name: app\n  services:\n    - name: web\n      dockerfile_path: api/Dockerfile\n      source_dir: api\n' +
      '      envs:\n        - key: NODE_ENV\n          value: production\n          scope: BUILD_TIME\n        - key: TOKEN\n          type: SECRET\n          value: EV[1:abc]\n' +
      '  jobs:\n    - name: migrate\n      kind: PRE_DEPLOY\n      dockerfile_path: api/Dockerfile\n      source_dir: api\n      run_command: npm run migrate\n';
    const c = contractOf(readDigitalOcean({ manifest: inline('.do/app.yaml', text) }));
    // TOKEN's default scope is RUN_AND_BUILD_TIME: a build argument too, its value (a secret) from the environment.
    expect(c.build).toMatchObject({
      context: 'api',
      dockerfile: 'api/Dockerfile',
      args: [{ key: 'NODE_ENV', value: 'production' }, { key: 'TOKEN' }],
    });
    expect(c.port).toMatchObject({ number: 8080, source: 'platform-default' });
    expect(c.health).toEqual([expect.objectContaining({ kind: 'tcp', port: 8080, failureThreshold: 9 })]);
    expect(c.env.map((e) => [e.key, e.kind, e.secret])).toEqual([
      ['TOKEN', 'unresolved', true],
      ['PORT', 'platform', false],
    ]);
    expect(c.preDeploy).toEqual({ command: { form: 'words', text: 'npm run migrate' }, replaces: 'cmd', from: 'spec.jobs[0].run_command' });
  });

  it('a component built with buildpacks is not a Docker deployment; a wrong type has its line', () => {
    expect(
      failureOf(readDigitalOcean({ manifest: inline('spec.yaml', 'services:\n  - name: web\n    github:\n      repo: a/b\n') })).kind,
    ).toBe('not-docker');
    const failure = failureOf(
      readDigitalOcean({
        manifest: inline('spec.yaml', 'services:\n  - name: web\n    dockerfile_path: Dockerfile\n    http_port: eighty\n'),
      }),
    );
    expect(failureLine(failure)).toBe('spec.yaml:4:5: services[0].http_port must be a whole number, not "eighty"');
  });
});
