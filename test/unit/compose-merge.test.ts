/**
 * Merging several compose files (compose-spec 13-merge.md), `extends` and `include`, on real projects:
 * frappe's base file with its overrides, netbox's override, immich's hardware-acceleration file,
 * mastodon and taiga included in one repository; and the merge rules one by one on netbox's file.
 */
import { describe, expect, test } from 'vitest';

import { loadCompose, mapFileSource, type ComposeLoadOptions, type ComposeProject } from '../../src/contract/compose/index.js';
import { fixtureFiles, fixtureSource } from '../fixtures/compose/fixture-files.js';

const FRAPPE_FILES = ['compose.yaml', 'overrides/compose.mariadb.yaml', 'overrides/compose.redis.yaml', 'overrides/compose.noproxy.yaml'];

async function load(project: string, options: ComposeLoadOptions = {}, changes: Record<string, string | null> = {}) {
  return loadCompose(fixtureSource(project, changes), options);
}

async function loaded(
  project: string,
  options: ComposeLoadOptions = {},
  changes: Record<string, string | null> = {},
): Promise<ComposeProject> {
  const result = await load(project, options, changes);
  if (result.kind === 'invalid') throw new Error(result.failure.message);
  return result.project;
}

/** netbox with an override file of our own after its own override. */
const netboxWith = (override: string) =>
  loaded('netbox', { files: ['docker-compose.yml', 'docker-compose.override.yml', 'extra.yml'] }, { 'extra.yml': override });

describe('frappe: a base file and three overrides', () => {
  test('services and top-level volumes of every file are in the stack', async () => {
    const project = await loaded('frappe', { files: FRAPPE_FILES });
    expect(Object.keys(project.services).sort()).toEqual(
      [
        'backend',
        'configurator',
        'db',
        'frontend',
        'queue-long',
        'queue-short',
        'redis-cache',
        'redis-queue',
        'scheduler',
        'websocket',
      ].sort(),
    );
    expect(Object.keys(project.volumes).sort()).toEqual(['db-data', 'redis-queue-data', 'sites']);
  });

  test('mappings merge key by key: environment and depends_on of configurator gather all three files', async () => {
    const configurator = (await loaded('frappe', { files: FRAPPE_FILES })).services['configurator'];
    expect(configurator?.environment['DB_HOST']?.value).toBe('db');
    expect(configurator?.environment['REDIS_CACHE']?.value).toBe('redis-cache:6379');
    expect(configurator?.environment['SOCKETIO_PORT']?.value).toBe('9000');
    expect(Object.fromEntries(Object.entries(configurator?.dependsOn ?? {}).map(([name, d]) => [name, d.condition]))).toEqual({
      db: 'service_healthy',
      'redis-cache': 'service_started',
      'redis-queue': 'service_started',
    });
  });

  test('the files apply in the order given: without the mariadb override there is no db', async () => {
    const project = await loaded('frappe', { files: ['compose.yaml', 'overrides/compose.noproxy.yaml'] });
    expect(project.services['db']).toBeUndefined();
    expect(project.services['frontend']?.ports.map((port) => `${port.published}:${port.target}`)).toEqual(['8080:8080']);
  });
});

describe('merge rules', () => {
  test('command and entrypoint are replaced, not appended', async () => {
    const project = await netboxWith(
      'services:\n  netbox-worker:\n    command: [/opt/netbox/venv/bin/python, manage.py, rqworker, high]\n',
    );
    expect(project.services['netbox-worker']?.command).toEqual(['/opt/netbox/venv/bin/python', 'manage.py', 'rqworker', 'high']);
  });

  test('healthcheck merges key by key, its test is replaced', async () => {
    const project = await netboxWith(
      'services:\n  netbox:\n    healthcheck:\n      test: [CMD, curl, -f, http://localhost:8080/api/]\n      retries: 7\n',
    );
    expect(project.services['netbox']?.healthcheck).toMatchObject({
      test: { kind: 'CMD', argv: ['curl', '-f', 'http://localhost:8080/api/'] },
      retries: 7,
      intervalMs: 15_000,
      startPeriodMs: 90_000,
    });
  });

  test('ports: one entry per address, published port, target and protocol; a new one is appended', async () => {
    const project = await netboxWith('services:\n  netbox:\n    ports: ["8000:8080", "8001:8081"]\n');
    expect(project.services['netbox']?.ports.map((port) => `${port.published}:${port.target}`)).toEqual(['8000:8080', '8001:8081']);
  });

  test("volumes: one per target, the later file's taking the earlier's place", async () => {
    const project = await netboxWith('services:\n  netbox:\n    volumes: ["./media:/opt/netbox/netbox/media"]\n');
    const volumes = project.services['netbox']?.volumes ?? [];
    expect(volumes).toHaveLength(4);
    expect(volumes[1]).toEqual({
      type: 'bind',
      source: { kind: 'repository', path: 'media' },
      target: '/opt/netbox/netbox/media',
      readOnly: false,
    });
  });

  test('!reset removes a value; !override replaces a list instead of merging it', async () => {
    const reset = await netboxWith('services:\n  netbox:\n    ports: !reset []\n    depends_on: !reset []\n');
    expect(reset.services['netbox']?.ports).toEqual([]);
    expect(reset.services['netbox']?.dependsOn).toEqual({});
    const replaced = await netboxWith('services:\n  netbox:\n    ports: !override ["9000:8080"]\n');
    expect(replaced.services['netbox']?.ports.map((port) => `${port.published}:${port.target}`)).toEqual(['9000:8080']);
  });

  test('a scalar cannot override a mapping: the stack is refused, naming the file', async () => {
    const files = { 'base.yml': 'x-defaults: {restart: always}\nservices:\n  a: {image: busybox}\n', 'extra.yml': 'x-defaults: none\n' };
    const result = await load('netbox', { files: ['base.yml', 'extra.yml'] }, files);
    expect(result).toMatchObject({
      kind: 'invalid',
      failure: { kind: 'invalid-project', file: 'extra.yml', message: 'cannot override x-defaults' },
    });
  });
});

describe('extends', () => {
  test("immich: the machine-learning service extends openvino from hwaccel.ml.yml; the service's own keys win", async () => {
    const ml = (await loaded('immich')).services['immich-machine-learning'];
    expect(ml?.image).toBe('ghcr.io/immich-app/immich-machine-learning:release');
    expect(ml?.volumes.map((volume) => volume.target)).toEqual(['/dev/bus/usb', '/cache']);
    expect(ml?.volumes[0]).toMatchObject({ type: 'bind', source: { kind: 'host', path: '/dev/bus/usb' } });
  });

  test("a relative path of the extended file is that file's directory's", async () => {
    const project = await loaded(
      'immich',
      {},
      {
        'docker-compose.yml': ((await fixtureSource('immich').read('docker-compose.yml')) ?? '').replace(
          'file: hwaccel.ml.yml',
          'file: accel/ml.yml',
        ),
        'accel/ml.yml': 'services:\n  openvino:\n    build: ./openvino\n    volumes: [./models:/models]\n',
      },
    );
    const ml = project.services['immich-machine-learning'];
    expect(ml?.build?.context).toEqual({ kind: 'repository', path: 'accel/openvino' });
    expect(ml?.volumes[0]).toMatchObject({ source: { kind: 'repository', path: 'accel/models' }, target: '/models' });
  });

  test('in the same file, through a chain', async () => {
    const project = await netboxWith(
      'services:\n  base:\n    image: busybox\n    environment: {A: "1", B: "1"}\n  middle:\n    extends: base\n    environment: {B: "2"}\n  top:\n    extends: {service: middle}\n    command: sleep 1\n',
    );
    const top = project.services['top'];
    expect(top?.image).toBe('busybox');
    expect(top?.command).toBe('sleep 1');
    expect(Object.fromEntries(Object.entries(top?.environment ?? {}).map(([key, value]) => [key, value.value]))).toEqual({
      A: '1',
      B: '2',
    });
  });

  test("a cycle, a missing service, a missing file: refused with compose's reason", async () => {
    const cases: [string, RegExp][] = [
      ['services:\n  a:\n    extends: b\n    image: x\n  b:\n    extends: a\n', /circular reference with extends/],
      ['services:\n  a:\n    extends: nowhere\n    image: x\n', /cannot extend service "a" in extra\.yml: service "nowhere" not found/],
      ['services:\n  a:\n    extends: {service: x, file: gone.yml}\n', /cannot read gone\.yml/],
    ];
    for (const [text, reason] of cases) {
      const result = await load('netbox', { files: ['docker-compose.yml', 'extra.yml'] }, { 'extra.yml': text });
      expect(result.kind, text).toBe('invalid');
      if (result.kind === 'invalid') expect(result.failure).toMatchObject({ kind: 'extends', message: expect.stringMatching(reason) });
    }
  });
});

describe('include', () => {
  /** mastodon/ and taiga/ as two applications of one repository, and a compose.yaml at the root including both. */
  function monorepo(root: string): Record<string, string> {
    const files: Record<string, string> = { 'compose.yaml': root };
    for (const project of ['mastodon', 'taiga']) {
      for (const [path, text] of Object.entries(fixtureFiles(project))) files[`${project}/${path}`] = text;
    }
    return files;
  }

  async function include(root: string, options: ComposeLoadOptions = {}) {
    return loadCompose(mapFileSource(monorepo(root)), options);
  }

  test('each included application keeps its own project directory and its own .env', async () => {
    const result = await include('include:\n  - mastodon/docker-compose.yml\n  - taiga/docker-compose.yml\n');
    if (result.kind === 'invalid') throw new Error(result.failure.message);
    const { services } = result.project;
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['web', 'sidekiq', 'taiga-db', 'taiga-back']));
    expect(services['web']?.envFiles[0]?.path).toEqual({ kind: 'repository', path: 'mastodon/.env.production' });
    expect(services['db']?.volumes[0]).toMatchObject({ source: { kind: 'repository', path: 'mastodon/postgres14' } });
    expect(services['taiga-db']?.environment['POSTGRES_USER']?.value).toBe('taiga');
  });

  test("the including project's variables win over an included .env", async () => {
    const result = await include('include:\n  - taiga/docker-compose.yml\n', { environment: { POSTGRES_USER: 'pinned' } });
    expect(result.kind === 'loaded' && result.project.services['taiga-db']?.environment['POSTGRES_USER']?.value).toBe('pinned');
  });

  test('a service the including file defines too merges over the imported one', async () => {
    const result = await include(
      'include: [mastodon/docker-compose.yml]\nservices:\n  web:\n    image: ghcr.io/mastodon/mastodon:v9.9.9\n',
    );
    if (result.kind === 'invalid') throw new Error(result.failure.message);
    expect(result.project.services['web']?.image).toBe('ghcr.io/mastodon/mastodon:v9.9.9');
    expect(result.project.services['web']?.command).toBe('bundle exec puma -C config/puma.rb');
  });

  test('an include cycle is refused', async () => {
    const files = monorepo('include: [a/compose.yaml]\n');
    files['a/compose.yaml'] = 'include: [../compose.yaml]\nservices:\n  a: {image: a}\n';
    const result = await loadCompose(mapFileSource(files));
    expect(result).toMatchObject({
      kind: 'invalid',
      failure: { message: 'include cycle detected: compose.yaml include a/compose.yaml include compose.yaml' },
    });
  });
});

test('a remote include is refused, naming it', async () => {
  const result = await loadCompose(
    mapFileSource({ 'compose.yaml': 'include: [oci://docker.io/example/app:latest]\nservices: {a: {image: a}}\n' }),
  );
  expect(result).toMatchObject({
    kind: 'invalid',
    failure: { message: expect.stringContaining('include of a remote application (oci://docker.io/example/app:latest)') },
  });
});
