import { describe, expect, it } from 'vitest';

import { describeContract } from '../../src/contract/describe.js';
import { readRender } from '../../src/contract/platforms/render.js';
import { failureLine, serviceChoiceError } from '../../src/contract/source/problem.js';
import { UsageError } from '../../src/errors.js';
import { contractOf, failureOf, inline, manifest } from '../helpers/manifest-fixture.js';

const render = (fixture: string, service?: string) =>
  readRender({ manifest: manifest(fixture, 'render.yaml'), ...(service ? { service } : {}) });
const renderText = (text: string, service?: string) =>
  readRender({ manifest: inline('render.yaml', text), ...(service ? { service } : {}) });

describe('Render reader', () => {
  it('hongbomiao: the Dockerfile path, the health check, and an environment left to the dashboard', () => {
    const c = contractOf(render('hongbomiao/render.yaml.01ea8cd'));
    expect(c).toMatchObject({
      platform: 'render',
      service: 'hongbomiao.com',
      manifest: { path: 'render.yaml', blob: 'blob-of-render.yaml' },
    });
    expect(c.build).toMatchObject({
      context: '',
      dockerfile: 'api-node/Dockerfile',
      from: { dockerfile: 'dockerfilePath', context: 'dockerContext' },
    });
    expect(c.health).toEqual([
      expect.objectContaining({
        kind: 'http',
        path: '/health',
        port: 10000,
        method: 'GET',
        successCodes: [{ from: 200, to: 399 }],
        timeoutMs: 5000,
        deadlineMs: 900_000,
      }),
    ]);
    // Every variable is sync: false: unresolved, none with a value; secret-looking names are secrets.
    expect(c.env.every((e) => e.kind === 'unresolved' && e.value === undefined)).toBe(true);
    expect(c.env.find((e) => e.key === 'JWT_SECRET')).toMatchObject({ secret: true, unresolved: { supply: '--secret-env JWT_SECRET' } });
    expect(c.env.find((e) => e.key === 'HOST')).toMatchObject({ secret: false, unresolved: { supply: '--env HOST=…' } });
    // PORT is set in the dashboard: Render routes to it; deploybisect keeps 10000 and says why.
    expect(c.port).toMatchObject({ number: 10000, injectedAsPort: true, source: 'platform-default' });
    expect(c.notes.join(' ')).toMatch(/PORT is set outside render\.yaml/);
    // plan, region, domains, autoDeploy, repo: the platform's business, read past without a word.
    expect(c.unsupported).toEqual([]);
  });

  it('hongbomiao: the Dockerfile that moved (PR #36628) is the new path', () => {
    expect(contractOf(render('hongbomiao/render.yaml.moved')).build.dockerfile).toBe('api/api-node/Dockerfile');
  });

  it('openclaw: startCommand replaces CMD, a literal PORT is the port, a generated value has no value', () => {
    const c = contractOf(render('openclaw/render.yaml'));
    expect(c.run).toEqual({
      cmd: { form: 'words', text: 'node openclaw.mjs gateway --bind lan --port 10000 --allow-unconfigured' },
      from: ['startCommand'],
    });
    expect(c.port).toEqual({ number: 10000, injectedAsPort: true, source: 'manifest', from: 'envVars PORT' });
    expect(c.env.find((e) => e.key === 'OPENCLAW_GATEWAY_TOKEN')).toEqual({
      key: 'OPENCLAW_GATEWAY_TOKEN',
      kind: 'generated',
      secret: true,
      from: 'services[0].envVars[5]',
    });
    expect(c.env.find((e) => e.key === 'PORT')).toMatchObject({ kind: 'literal', value: '10000' });
    expect(c.build).toMatchObject({
      dockerfile: 'Dockerfile',
      context: '',
      from: { dockerfile: 'default ./Dockerfile', context: 'default .' },
    });
    expect(describeContract(c)).toBe('deploying as Render would: PORT=10000, GET /health on 10000 (2xx/3xx, 5.0s), from render.yaml');
  });

  it('the stale manifest: the reader reports the Dockerfile the file names, existing or not', () => {
    const c = contractOf(render('stale-render/render.yaml'));
    expect(c.build.dockerfile).toBe('Dockerfile.render');
    expect(c.env.map((e) => [e.key, e.kind, e.secret])).toEqual([
      ['MODE', 'literal', false],
      ['DATABASE_URL', 'unresolved', true],
      ['SESSION_SECRET', 'generated', true],
      ['STRIPE_API_KEY', 'unresolved', true],
      ['PORT', 'platform', false],
    ]);
    expect(c.env.find((e) => e.key === 'DATABASE_URL')?.unresolved?.reason).toBe('fromDatabase orders-db.connectionString');
  });

  it('applies Render’s defaults when fields are absent (old `env: docker` spelling)', () => {
    const c = contractOf(renderText('services:\n  - type: web\n    name: api\n    env: docker\n'));
    expect(c.build).toMatchObject({ context: '', dockerfile: 'Dockerfile' });
    expect(c.run).toEqual({ from: [] });
    expect(c.env).toEqual([{ key: 'PORT', value: '10000', kind: 'platform', secret: false, from: "Render's PORT default" }]);
    // No healthCheckPath: Render waits for the port to open.
    expect(c.health).toEqual([expect.objectContaining({ kind: 'tcp', port: 10000, deadlineMs: 900_000 })]);
    expect(c.preDeploy).toBeUndefined();
  });

  it('rootDir is the base of dockerfilePath and dockerContext (Apicurio PR #7606); dockerCommand and preDeployCommand replace CMD', () => {
    const c = contractOf(
      renderText(
        'services:\n  - type: web\n    name: chat\n    runtime: docker\n    rootDir: support-chat\n    dockerfilePath: render-registry.Dockerfile\n' +
          '    dockerCommand: ./bin/serve --port 10000\n    preDeployCommand: ./bin/migrate\n    disk:\n      name: data\n      mountPath: /data\n',
      ),
    );
    expect(c.build).toMatchObject({ context: 'support-chat', dockerfile: 'support-chat/render-registry.Dockerfile' });
    expect(c.run.cmd).toEqual({ form: 'words', text: './bin/serve --port 10000' });
    expect(c.preDeploy).toEqual({ command: { form: 'words', text: './bin/migrate' }, replaces: 'cmd', from: 'preDeployCommand' });
    expect(c.unsupported).toEqual([{ key: 'services[0].disk', reason: expect.stringMatching(/persistent disk/) }]);
  });

  it('a worker takes no traffic: no port, no PORT, no check', () => {
    const c = contractOf(renderText('services:\n  - type: worker\n    name: jobs\n    runtime: docker\n'));
    expect(c.port).toBeUndefined();
    expect(c.env).toEqual([]);
    expect(c.health).toEqual([]);
  });

  it('resolves fromGroup from the file’s envVarGroups', () => {
    const text =
      'envVarGroups:\n  - name: shared\n    envVars:\n      - key: LOG_LEVEL\n        value: info\n' +
      'services:\n  - type: web\n    name: api\n    runtime: docker\n    envVars:\n      - fromGroup: shared\n      - fromGroup: elsewhere\n';
    const c = contractOf(renderText(text));
    expect(c.env.slice(0, 2)).toEqual([
      { key: 'LOG_LEVEL', value: 'info', kind: 'literal', secret: false, from: 'envVarGroups[0].envVars[0]' },
      expect.objectContaining({
        kind: 'unresolved',
        unresolved: expect.objectContaining({ reason: "environment group 'elsewhere' is not in the file" }),
      }),
    ]);
  });

  it('several Docker services: the one web service is taken; two web services need --service', () => {
    const two =
      'services:\n  - type: web\n    name: api\n    runtime: docker\n  - type: web\n    name: admin\n    runtime: docker\n  - type: worker\n    name: jobs\n    runtime: docker\n';
    const needed = failureOf(renderText(two));
    expect(needed).toMatchObject({ kind: 'service-needed', services: ['api', 'admin', 'jobs'] });
    expect(needed.message).toBe('render.yaml has 3 services built from a Dockerfile: api, admin, jobs; name one with --service');
    const error = serviceChoiceError(needed);
    expect(error).toBeInstanceOf(UsageError);
    expect(error?.message).toBe('render.yaml has 3 services built from a Dockerfile: api, admin, jobs; name one with --service');
    expect(contractOf(renderText(two, 'admin')).service).toBe('admin');
    expect(failureOf(renderText(two, 'web'))).toMatchObject({
      kind: 'no-service',
      message: "render.yaml has no service 'web': it has api, admin, jobs",
    });
    const oneWeb = 'services:\n  - type: web\n    name: api\n    runtime: docker\n  - type: worker\n    name: jobs\n    runtime: docker\n';
    expect(contractOf(renderText(oneWeb)).service).toBe('api');
  });

  it('a service on a native runtime or a published image is not a Docker deployment', () => {
    const failure = failureOf(
      renderText('services:\n  - type: web\n    name: site\n    runtime: node\n  - type: web\n    name: img\n    runtime: image\n'),
    );
    expect(failure.kind).toBe('not-docker');
    expect(failure.message).toMatch(/site uses the native runtime 'node'; img deploys a published image/);
  });

  it('a manifest that does not parse: the reason with its line and column', () => {
    const failure = failureOf(renderText('services:\n  - type: web\n    name: api\n   runtime: docker\n'));
    expect(failure).toMatchObject({ kind: 'parse', file: 'render.yaml', line: 4 });
    expect(failureLine(failure)).toMatch(/^render\.yaml:4:\d+: not valid YAML: /);
  });

  it('a key of the wrong shape: the key and its line', () => {
    const failure = failureOf(
      renderText('services:\n  - type: web\n    name: api\n    runtime: docker\n    envVars:\n      - key: MODE\n'),
    );
    expect(failureLine(failure)).toBe(
      'render.yaml:6:9: services[0].envVars[0] needs value, generateValue, sync: false, fromDatabase, fromService or fromGroup',
    );
    const port = failureOf(renderText('services:\n  - type: web\n    name: api\n    runtime: docker\n    dockerfilePath: [a]\n'));
    expect(failureLine(port)).toBe('render.yaml:5:5: services[0].dockerfilePath must be a string, not a list');
  });
});
