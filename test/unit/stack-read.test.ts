/**
 * A compose stack read at a commit (src/contract/at-commit/read-stack-at.ts → compose-stack.ts), from a
 * real git repository holding the compose files of public projects (test/fixtures/compose/SOURCES.txt):
 * the services in compose's start order, their conditions and healthchecks (compose's defaults filled
 * in), profiles, override files, `--build-service`, and the service the probes target.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { activeServices, readStackAt, type StackAsked } from '../../src/contract/at-commit/read-stack-at.js';
import type { StackContract } from '../../src/contract/platforms/compose-stack.js';
import { fixtureFiles } from '../fixtures/compose/fixture-files.js';
import { TestRepo } from '../fixtures/git-repo.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

/** A repository whose first commit holds the project's files, then the given commits' changes. */
function history(project: string, ...later: Record<string, string | null>[]): { repo: TestRepo; shas: string[] } {
  const repo = new TestRepo(`deploybisect-stack-read-${project}-`);
  repos.push(repo);
  const shas = [repo.commit(project, fixtureFiles(project))];
  later.forEach((changes, i) => shas.push(repo.commit(`change ${i + 1}`, changes)));
  return { repo, shas };
}

async function stackAt(
  repo: TestRepo,
  sha: string,
  manifest: string,
  asked: StackAsked = {},
  files: string[] = [],
): Promise<StackContract> {
  const read = await readStackAt(repo.dir, sha, { manifest, files }, asked);
  if (!read.ok) throw new Error(`${read.failure.kind}: ${read.failure.message}`);
  return read.stack;
}

const service = (stack: StackContract, name: string) => {
  const found = stack.services.find((s) => s.name === name);
  if (!found) throw new Error(`no service ${name} in ${stack.services.map((s) => s.name).join(', ')}`);
  return found;
};

describe('netbox-docker: six services, an override file, env files', () => {
  const netbox = history('netbox');
  const read = (asked: StackAsked = {}) => stackAt(netbox.repo, netbox.shas[0]!, 'docker-compose.yml', asked);

  it('dependencies first (the file order among equals), each with its condition', async () => {
    const stack = await read();
    expect(stack.services.map((s) => s.name)).toEqual([
      'postgres',
      'redis',
      'redis-cache',
      'netbox',
      'netbox-worker',
      'netbox-housekeeping',
    ]);
    expect(service(stack, 'netbox').dependsOn).toEqual([
      { service: 'postgres', condition: 'service_started', required: true },
      { service: 'redis', condition: 'service_started', required: true },
      { service: 'redis-cache', condition: 'service_started', required: true },
    ]);
    // The merge key (<<: *netbox) brings netbox's keys; the worker's own depends_on replaces netbox's.
    expect(service(stack, 'netbox-worker').dependsOn).toEqual([{ service: 'netbox', condition: 'service_healthy', required: true }]);
    expect(stack.services.every((s) => !s.oneShot)).toBe(true);
  });

  it("healthchecks with compose's defaults for what the file leaves out (retries 3, start_interval 5s)", async () => {
    const stack = await read();
    expect(service(stack, 'netbox').healthcheck).toEqual({
      kind: 'check',
      test: { kind: 'CMD-SHELL', command: 'curl -f http://localhost:8080/login/ || exit 1' },
      intervalMs: 15_000,
      timeoutMs: 3_000,
      retries: 3,
      startPeriodMs: 90_000,
      startIntervalMs: 5_000,
      given: expect.arrayContaining(['test', 'start_period', 'timeout', 'interval']),
    });
    expect(service(stack, 'redis').healthcheck).toMatchObject({ intervalMs: 1_000, timeoutMs: 3_000, retries: 5, startPeriodMs: 5_000 });
    // The anchor (*redis-healthcheck) gives redis-cache the same check.
    expect(service(stack, 'redis-cache').healthcheck).toEqual(service(stack, 'redis').healthcheck);
    // The probed service's check is the probe, with the keys compose defaulted named.
    expect(service(stack, 'netbox').health).toEqual([
      expect.objectContaining({
        kind: 'exec',
        failureThreshold: 3,
        graceMs: 90_000,
        from: { keys: ['healthcheck'], defaults: ['retries'] },
      }),
    ]);
  });

  it('the override file is merged: its published port makes netbox the probed service; its files are read', async () => {
    const stack = await read();
    expect(stack.main).toBe('netbox');
    expect(service(stack, 'netbox').port).toEqual({ number: 8080, injectedAsPort: false, source: 'manifest', from: 'ports' });
    expect(stack.manifest).toEqual({ path: 'docker-compose.yml', blob: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(stack.alsoRead.map((f) => f.path)).toEqual(
      expect.arrayContaining(['docker-compose.override.yml', 'env/netbox.env', 'env/postgres.env']),
    );
    expect(stack.alsoRead.every((f) => /^[0-9a-f]{40}$/.test(f.blob))).toBe(true);
    expect(stack.mainContract).toBeUndefined();
  });

  it('without the override file no service publishes a port and none is built here: the probed service cannot be chosen', async () => {
    const bare = history('netbox', { 'docker-compose.override.yml': null });
    const read = await readStackAt(bare.repo.dir, bare.shas[1]!, { manifest: 'docker-compose.yml', files: [] });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.failure).toMatchObject({ kind: 'service-needed', platform: 'compose', file: 'docker-compose.yml' });
    expect(read.failure.message).toBe(
      'docker-compose.yml: which service do the probes target? postgres, redis, redis-cache, netbox, netbox-worker, netbox-housekeeping could be: name one with --service',
    );
    const named = await stackAt(bare.repo, bare.shas[1]!, 'docker-compose.yml', { service: 'redis' });
    expect(named.main).toBe('redis');
  });

  it("env files become each service's environment; named volumes fresh per candidate; a bind mount of the repository", async () => {
    const stack = await read();
    const env = new Map(service(stack, 'netbox').env.map((e) => [e.key, e]));
    expect(env.get('DB_HOST')).toMatchObject({ value: 'postgres', secret: false, from: 'env/netbox.env' });
    expect(env.get('DB_PASSWORD')).toMatchObject({ secret: true });
    expect(stack.volumes).toEqual(expect.arrayContaining(['netbox-postgres-data', 'netbox-media-files']));
    expect(service(stack, 'netbox').mounts).toContainEqual({
      kind: 'tree',
      path: 'configuration',
      target: '/etc/netbox/config',
      readOnly: true,
    });
    expect(service(stack, 'postgres').mounts).toEqual([
      { kind: 'volume', volume: 'netbox-postgres-data', target: '/var/lib/postgresql/data', readOnly: false },
    ]);
    expect(stack.paths).toEqual(['configuration']);
  });

  it('--build-service maps an image-only service to a Dockerfile of the repository (built from the root)', async () => {
    const stack = await read({ buildServices: { netbox: 'Dockerfile' } });
    expect(service(stack, 'netbox').image).toEqual({
      kind: 'build',
      from: '--build-service',
      build: {
        context: '',
        dockerfile: 'Dockerfile',
        args: [],
        secrets: [],
        from: { dockerfile: '--build-service', context: '--build-service (the repository root)' },
      },
    });
    expect(service(stack, 'netbox-worker').image).toEqual({ kind: 'image', ref: 'docker.io/netboxcommunity/netbox:v4.1-3.0.2' });
    // The whole repository is the context now: every commit may change it.
    expect(stack.paths).toEqual(expect.arrayContaining(['.', 'Dockerfile']));
    const unknown = await readStackAt(
      netbox.repo.dir,
      netbox.shas[0]!,
      { manifest: 'docker-compose.yml', files: [] },
      { buildServices: { web: 'Dockerfile' } },
    );
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) {
      expect(unknown.failure.kind).toBe('no-service');
      expect(unknown.failure.message).toBe(
        "--build-service web: docker-compose.yml has no service 'web' (it has netbox, netbox-worker, netbox-housekeeping, postgres, redis, redis-cache)",
      );
    }
  });

  it('--service naming a service the file lacks is a no-service failure that lists the services', async () => {
    const read = await readStackAt(netbox.repo.dir, netbox.shas[0]!, { manifest: 'docker-compose.yml', files: [] }, { service: 'web' });
    expect(read).toMatchObject({ ok: false, failure: { kind: 'no-service', services: expect.arrayContaining(['netbox', 'redis']) } });
  });
});

describe('which service the probes target', () => {
  it('awesome-compose nginx-golang-mysql: the only service with published ports (the proxy), though the backend is built here', async () => {
    const { repo, shas } = history('awesome-nginx-golang-mysql');
    const stack = await stackAt(repo, shas[0]!, 'compose.yaml');
    expect(stack.services.map((s) => s.name)).toEqual(['db', 'backend', 'proxy']);
    expect(stack.main).toBe('proxy');
    expect(service(stack, 'backend').dependsOn).toEqual([{ service: 'db', condition: 'service_healthy', required: true }]);
    expect(service(stack, 'backend').image).toMatchObject({
      kind: 'build',
      from: 'build',
      build: { context: 'backend', dockerfile: 'backend/Dockerfile', target: 'builder' },
    });
    expect(service(stack, 'db').restart).toBe('always');
    expect(service(stack, 'db').ports).toEqual([3306]);
    expect(service(stack, 'proxy').mounts).toEqual([
      { kind: 'tree', path: 'proxy/nginx.conf', target: '/etc/nginx/conf.d/default.conf', readOnly: true },
    ]);
    expect(stack.paths).toEqual(['backend', 'backend/Dockerfile', 'proxy/nginx.conf']);
  });

  it('awesome-compose django: a single service built here, probed; its own contract carries its notes', async () => {
    const { repo, shas } = history('awesome-django');
    const stack = await stackAt(repo, shas[0]!, 'compose.yaml');
    expect(stack.main).toBe('web');
    expect(stack.mainContract).toMatchObject({ service: 'web', build: { context: 'app', target: 'builder' } });
    expect(stack.notes).toEqual(['compose waits for no check: deploybisect waits for port 8000 to open']);
  });

  it('no published port anywhere, one service built here: that one (its expose: port)', async () => {
    const compose = fixtureFiles('awesome-react-express-mongodb')['compose.yaml']!;
    const { repo, shas } = history('awesome-react-express-mongodb', {
      'compose.yaml': compose.replace(/ {2}frontend:\n(?: {4}.*\n| {6}.*\n)+/, ''),
    });
    const stack = await stackAt(repo, shas[1]!, 'compose.yaml');
    expect(stack.services.map((s) => s.name)).toEqual(['mongo', 'backend']);
    expect(stack.main).toBe('backend');
    expect(service(stack, 'backend').port).toMatchObject({ number: 3000, from: 'expose' });
  });
});

describe('one-shot services', () => {
  it('frappe: the configurator, which the others wait for with service_completed_successfully, is expected to exit 0', async () => {
    const { repo, shas } = history('frappe');
    const stack = await stackAt(repo, shas[0]!, 'compose.yaml', { service: 'frontend' });
    expect(stack.services[0]?.name).toBe('configurator');
    expect(stack.services.filter((s) => s.oneShot).map((s) => s.name)).toEqual(['configurator']);
    expect(service(stack, 'backend').dependsOn).toEqual([
      { service: 'configurator', condition: 'service_completed_successfully', required: true },
    ]);
    expect(service(stack, 'frontend').image).toEqual({ kind: 'image', ref: 'frappe/erpnext:v16.32.3' });
    // Its own restart policy over the anchor's (RESTART_POLICY's default).
    expect(service(stack, 'configurator').restart).toBe('on-failure');
    expect(service(stack, 'backend').restart).toBe('unless-stopped');
  });
});

describe('override files, profiles and compose failures across commits', () => {
  it('zulip: compose.override.yaml found by its name and merged (its environment), secrets named, not mounted', async () => {
    const { repo, shas } = history('zulip');
    const stack = await stackAt(repo, shas[0]!, 'compose.yaml');
    expect(stack.alsoRead.map((f) => f.path)).toContain('compose.override.yaml');
    const env = new Map(service(stack, 'zulip').env.map((e) => [e.key, e.value]));
    expect(env.get('SETTING_EXTERNAL_HOST')).toBe('zulip.example.com');
    expect(stack.unsupported).toContainEqual({ key: 'services.zulip.secrets', reason: 'not mounted: secret values are never read' });
    // Its build context is the repository root: every path of a commit may change it.
    expect(stack.paths).toEqual(['.', 'Dockerfile']);
  });

  it("sentry: the profiles .env's COMPOSE_PROFILES turns on, and --profile instead", async () => {
    const { repo, shas } = history('sentry');
    const where = { manifest: 'docker-compose.yml', files: [] };
    const all = await activeServices(repo.dir, shas[0]!, where, []);
    const errorsOnly = await activeServices(repo.dir, shas[0]!, where, ['errors-only']);
    expect(all).toContain('snuba-transactions-consumer');
    expect(errorsOnly).not.toContain('snuba-transactions-consumer');
    expect(errorsOnly).toContain('snuba-errors-consumer');
    expect(errorsOnly.length).toBeLessThan(all.length);
    const stack = await stackAt(repo, shas[0]!, 'docker-compose.yml', { profiles: ['errors-only'] });
    expect(stack.services.map((s) => s.name)).toEqual(expect.arrayContaining(errorsOnly));
    expect(stack.services).toHaveLength(errorsOnly.length);
    expect(stack.main).toBe('nginx');
  });

  it("a commit whose compose file does not validate is a failure in compose's words; a later fixed one reads again", async () => {
    const compose = fixtureFiles('awesome-django')['compose.yaml']!;
    const { repo, shas } = history(
      'awesome-django',
      { 'compose.yaml': compose.replace('services:', 'services:\n  broken:\n    image: [1]') },
      { 'compose.yaml': compose },
    );
    const broken = await readStackAt(repo.dir, shas[1]!, { manifest: 'compose.yaml', files: [] });
    expect(broken.ok).toBe(false);
    if (!broken.ok) {
      expect(broken.failure).toMatchObject({ kind: 'invalid', platform: 'compose', file: 'compose.yaml' });
      expect(broken.failure.message).toMatch(/services\.broken\.image/);
    }
    expect((await stackAt(repo, shas[2]!, 'compose.yaml')).main).toBe('web');
  });

  it('a healthcheck removed at one commit is gone there and back at the next (each commit from its own tree)', async () => {
    const compose = fixtureFiles('awesome-nginx-golang-mysql')['compose.yaml']!;
    const without = compose.replace(/ {4}healthcheck:\n(?: {6}.*\n)+/, '');
    expect(without).not.toBe(compose);
    const { repo, shas } = history('awesome-nginx-golang-mysql', { 'compose.yaml': without }, { 'compose.yaml': compose });
    const at = async (i: number) => service(await stackAt(repo, shas[i]!, 'compose.yaml'), 'db').healthcheck;
    expect(await at(0)).toMatchObject({ kind: 'check', intervalMs: 3_000, retries: 5, startPeriodMs: 30_000, timeoutMs: 30_000 });
    expect(await at(1)).toBeNull();
    expect(await at(2)).toEqual(await at(0));
  });

  it("a named file that the commit lacks is the caller's error", async () => {
    const { repo, shas } = history('awesome-django');
    await expect(readStackAt(repo.dir, shas[0]!, { manifest: 'deploy/compose.yaml', files: ['deploy/compose.yaml'] })).rejects.toThrow(
      /deploy\/compose\.yaml does not exist at [0-9a-f]{7,}/,
    );
  });
});
