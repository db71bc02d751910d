/**
 * A commit's deployment from its compose stack (src/session/deploy/stack-deployment.ts): every service as
 * compose would start it, the options winning for the probed one, and the key an outcome is remembered
 * by: it changes when a service's environment, healthcheck or dependencies change, and never holds a
 * secret's value, a value taken from the shell, an option's value or a generated one. Real compose files
 * of public projects (test/fixtures/compose/SOURCES.txt), some with one line changed.
 */
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';

import { loadCompose } from '../../src/contract/compose/index.js';
import { composeStackResult } from '../../src/contract/platforms/compose-stack.js';
import type { Deployment } from '../../src/session/deploy/deployment.js';
import { stackDeployment } from '../../src/session/deploy/stack-deployment.js';
import { fixtureFiles, fixtureSource } from '../fixtures/compose/fixture-files.js';
import { settingsFor } from '../helpers/settings.js';

const GENERATED = 'generated-value-never-in-a-key';

async function deploy(
  project: string,
  file: string,
  options: {
    changes?: Record<string, string | null>;
    service?: string;
    buildServices?: Record<string, string>;
    given?: Record<string, unknown>;
  } = {},
): Promise<Deployment> {
  // The files found as compose finds them (override files included).
  const loaded = await loadCompose(fixtureSource(project, options.changes ?? {}));
  if (loaded.kind === 'invalid') throw new Error(loaded.failure.message);
  const read = composeStackResult({
    project: loaded.project,
    manifest: { path: file, blob: 'blob' },
    alsoRead: [],
    ...(options.service !== undefined ? { service: options.service } : {}),
    ...(options.buildServices ? { buildServices: options.buildServices } : {}),
  });
  if (!read.ok) throw new Error(read.problem.message);
  return stackDeployment(read.stack, settingsFor(tmpdir(), { network: 'host', ...options.given }), () => GENERATED);
}

/** The project's file with one replacement made (which must apply). */
function edited(project: string, path: string, from: string | RegExp, to: string): Record<string, string> {
  const text = fixtureFiles(project)[path]!;
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`${String(from)} is not in ${project}/${path}`);
  return { [path]: changed };
}

describe('the stack deployment of netbox-docker', () => {
  const netbox = (options: Parameters<typeof deploy>[2] = {}) => deploy('netbox', 'docker-compose.yml', options);

  it('every service, dependencies first, with its spec; the probed one is netbox; the first line says how', async () => {
    const d = await netbox();
    expect(d.stack?.services.map((s) => s.name)).toEqual([
      'postgres',
      'redis',
      'redis-cache',
      'netbox',
      'netbox-worker',
      'netbox-housekeeping',
    ]);
    expect(d.stack?.main).toBe('netbox');
    expect(d.stack?.watch).toEqual(['docker-compose.yml', 'configuration']);
    const redis = d.stack!.services.find((s) => s.name === 'redis')!;
    expect(redis.image).toEqual({ kind: 'image', ref: 'docker.io/valkey/valkey:8.0-alpine' });
    expect(redis.overrides?.cmd).toEqual(['sh', '-c', 'valkey-server --appendonly yes --requirepass $REDIS_PASSWORD']);
    expect(redis.env).toContain('REDIS_PASSWORD=H733Kdjndks81');
    expect(d.contract?.line).toBe(
      'deploying as docker compose up --wait would: postgres (docker.io/postgres:16-alpine, healthcheck), redis (docker.io/valkey/valkey:8.0-alpine, healthcheck), redis-cache (docker.io/valkey/valkey:8.0-alpine, healthcheck), netbox (docker.io/netboxcommunity/netbox:v4.1-3.0.2, healthcheck, probed: exec ["/bin/sh","-c","curl -f http://localhost:8080/login/ || exit 1"]), netbox-worker (docker.io/netboxcommunity/netbox:v4.1-3.0.2, healthcheck), netbox-housekeeping (docker.io/netboxcommunity/netbox:v4.1-3.0.2, healthcheck), from docker-compose.yml; on the host network every service listens on 127.0.0.1 and its name resolves there: services must listen on distinct ports',
    );
    expect(d.notes.some((n) => n.startsWith('read but not acted on: services.netbox.volumes.0 (not acted on)'))).toBe(true);
  });

  it('the key is the same for the same stack, and for a comment added', async () => {
    const comment = edited('netbox', 'docker-compose.yml', 'services:\n', '# the stack\nservices:\n');
    expect((await netbox({ changes: comment })).key).toBe((await netbox()).key);
  });

  it("the key changes with a service's environment, healthcheck, dependencies or image", async () => {
    const base = (await netbox()).key;
    const variants = {
      environment: edited('netbox', 'env/postgres.env', /POSTGRES_DB=\w+/, 'POSTGRES_DB=netbox2'),
      healthcheck: edited('netbox', 'docker-compose.yml', 'interval: 1s', 'interval: 2s'),
      condition: edited('netbox', 'docker-compose.yml', /(netbox-worker:[\s\S]*?)service_healthy/, '$1service_started'),
      dependency: edited('netbox', 'docker-compose.yml', '      - redis-cache\n', ''),
      image: edited('netbox', 'docker-compose.yml', 'postgres:16-alpine', 'postgres:17-alpine'),
    };
    const keys = await Promise.all(Object.values(variants).map(async (changes) => (await netbox({ changes })).key));
    for (const key of keys) expect(key).not.toBe(base);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("never a secret's value in the key, though a change of it still tells", async () => {
    const d = await netbox();
    // DB_PASSWORD, REDIS_PASSWORD, REDIS_CACHE_PASSWORD, and Django's SECRET_KEY.
    for (const secret of ['J5brHrAXFLQSif0K', 'H733Kdjndks81', 't4Ph722qJ5QHeQ1qfu36', 'r(m)9nLGnz$(_q3N4z1k'])
      expect(d.key).not.toContain(secret);
    expect(d.key).toContain('DB_PASSWORD=sha256:');
    // The container gets the value.
    expect(d.stack!.services.find((s) => s.name === 'netbox')!.env).toContain('DB_PASSWORD=J5brHrAXFLQSif0K');
    const rotated = await netbox({ changes: edited('netbox', 'env/netbox.env', 'DB_PASSWORD=J5brHrAXFLQSif0K', 'DB_PASSWORD=rotated') });
    expect(rotated.key).not.toBe(d.key);
  });

  it("never an option's value or a generated one: --env and --secret-env reach the probed container, not the key", async () => {
    // --secret-env names a variable of deploybisect's environment.
    process.env['SUPERUSER_API_TOKEN'] = 'tok_given_on_the_command_line';
    const given = { env: ['FEATURE_FLAG=on-for-this-run'], secretEnv: ['SUPERUSER_API_TOKEN'] };
    const d = await netbox({ given }).finally(() => delete process.env['SUPERUSER_API_TOKEN']);
    expect(d.run.env).toEqual(
      expect.arrayContaining(['FEATURE_FLAG=on-for-this-run', 'SUPERUSER_API_TOKEN=tok_given_on_the_command_line']),
    );
    expect(d.stack!.services.find((s) => s.name === 'netbox')!.env).toContain('SUPERUSER_API_TOKEN=tok_given_on_the_command_line');
    expect(d.key).not.toContain('tok_given_on_the_command_line');
    expect(d.key).not.toContain('on-for-this-run');
    expect(d.key).not.toContain(GENERATED);
    expect(d.key).toBe((await netbox()).key);
  });
});

describe('a service built here', () => {
  const saved = process.env['NPM_TOKEN'];
  afterEach(() => {
    if (saved === undefined) delete process.env['NPM_TOKEN'];
    else process.env['NPM_TOKEN'] = saved;
  });
  /** nginx-golang-mysql's backend with two build arguments: one set in the file, one left to the environment. */
  const withArgs = edited(
    'awesome-nginx-golang-mysql',
    'compose.yaml',
    '      target: builder\n',
    '      target: builder\n      args:\n        - GO_VERSION=1.22\n        - NPM_TOKEN\n',
  );

  it("a build argument taken from the shell and --build-arg's values are built with, never in the key", async () => {
    process.env['NPM_TOKEN'] = 'npm_value_from_the_shell';
    for (const service of [undefined, 'backend']) {
      const d = await deploy('awesome-nginx-golang-mysql', 'compose.yaml', {
        changes: withArgs,
        ...(service ? { service } : {}),
        given: { buildArg: ['SENTRY_AUTH_TOKEN=sntrys_given'] },
      });
      const backend = d.stack!.services.find((s) => s.name === 'backend')!;
      expect(backend.image).toMatchObject({ kind: 'build', context: { contextDir: 'backend', dockerfile: 'Dockerfile' } });
      expect(backend.image.kind === 'build' && backend.image.build.buildArg).toMatchObject({
        GO_VERSION: '1.22',
        NPM_TOKEN: 'npm_value_from_the_shell',
      });
      expect(d.key).not.toContain('npm_value_from_the_shell');
      expect(d.key).not.toContain('sntrys_given');
      expect(d.key).toContain('GO_VERSION');
    }
  });

  it('the key changes with an argument the file sets, and with the build target', async () => {
    const base = (await deploy('awesome-nginx-golang-mysql', 'compose.yaml', { changes: withArgs })).key;
    const go = { 'compose.yaml': withArgs['compose.yaml']!.replace('GO_VERSION=1.22', 'GO_VERSION=1.23') };
    const target = { 'compose.yaml': withArgs['compose.yaml']!.replace('target: builder', 'target: runtime') };
    expect((await deploy('awesome-nginx-golang-mysql', 'compose.yaml', { changes: go })).key).not.toBe(base);
    expect((await deploy('awesome-nginx-golang-mysql', 'compose.yaml', { changes: target })).key).not.toBe(base);
  });

  it('the probed service built here: its build and probes come from its own contract, --probe winning', async () => {
    const d = await deploy('awesome-django', 'compose.yaml', { given: { probe: ['http://127.0.0.1:8000/health'] } });
    expect(d.context).toEqual({ contextDir: 'app', dockerfile: 'Dockerfile' });
    expect(d.build.target).toBe('builder');
    expect(d.run.probes.map((p) => p.spec)).toEqual(['http://127.0.0.1:8000/health']);
    expect(d.stack?.services.map((s) => s.image.kind)).toEqual(['build']);
  });
});

describe('one-shots, --build-service and the network', () => {
  it('frappe: the configurator is a one-shot in the first line; on a network of its own, no word of distinct ports', async () => {
    const d = await deploy('frappe', 'compose.yaml', { service: 'frontend', given: { network: 'bridge' } });
    expect(d.contract?.line).toMatch(
      /^deploying as docker compose up --wait would: configurator \(frappe\/erpnext:v16\.32\.3, one-shot\), /,
    );
    // frontend declares no port and no healthcheck: nothing to probe but that it runs.
    expect(d.contract?.line).toMatch(/frontend \(frappe\/erpnext:v16\.32\.3, probed\)/);
    expect(d.contract?.line).not.toMatch(/distinct ports/);
    expect(d.stack?.services.find((s) => s.name === 'configurator')?.oneShot).toBe(true);
  });

  it('--build-service: the service built from the repository root with the Dockerfile named; the key says so', async () => {
    const plain = await deploy('netbox', 'docker-compose.yml');
    const d = await deploy('netbox', 'docker-compose.yml', { buildServices: { netbox: 'docker/Dockerfile' } });
    expect(d.stack?.services.find((s) => s.name === 'netbox')?.image).toEqual({
      kind: 'build',
      context: { contextDir: '.', dockerfile: 'docker/Dockerfile' },
      build: { buildArg: {} },
    });
    // The probed service runs an image no more: the first built service's context is the deployment's.
    expect(d.context).toEqual({ contextDir: '.', dockerfile: 'docker/Dockerfile' });
    expect(d.contract?.line).toMatch(/netbox \(built here, healthcheck, probed: /);
    expect(d.key).not.toBe(plain.key);
    expect(d.stack?.watch).toEqual(expect.arrayContaining(['.', 'docker/Dockerfile']));
  });
});
