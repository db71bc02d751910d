/**
 * depends_on in compose's long form (short form, implied dependencies), profiles and the errors
 * compose gives for them, on mastodon's, sentry's and netbox's compose files.
 */
import { describe, expect, test } from 'vitest';

import { loadCompose, type ComposeLoadOptions, type ComposeProject, type Dependency } from '../../src/contract/compose/index.js';
import { fixtureSource } from '../fixtures/compose/fixture-files.js';

async function loaded(
  project: string,
  options: ComposeLoadOptions = {},
  changes: Record<string, string | null> = {},
): Promise<ComposeProject> {
  const result = await loadCompose(fixtureSource(project, changes), options);
  if (result.kind === 'invalid') throw new Error(result.failure.message);
  return result.project;
}

const started = (from: Dependency['from'] = 'depends_on', restart = false): Dependency => ({
  condition: 'service_started',
  required: true,
  restart,
  from,
});

describe('depends_on', () => {
  test('mastodon: the short form is service_started, required', async () => {
    const web = (await loaded('mastodon')).services['web'];
    expect(web?.dependsOn).toEqual({ db: started(), redis: started() });
  });

  test('netbox: the long form keeps its condition', async () => {
    const worker = (await loaded('netbox')).services['netbox-worker'];
    expect(worker?.dependsOn).toEqual({ netbox: { condition: 'service_healthy', required: true, restart: false, from: 'depends_on' } });
  });

  test('sentry: conditions written through YAML merge keys (<<: *depends_on-healthy)', async () => {
    const web = (await loaded('sentry')).services['web'];
    expect(web?.dependsOn['redis']?.condition).toBe('service_healthy');
    expect(web?.dependsOn['memcached']?.condition).toBe('service_started');
  });

  test('required and restart as written', async () => {
    const compose =
      'services:\n  app:\n    image: a\n    depends_on:\n      db: {condition: service_healthy, restart: true}\n      cache: {condition: service_started, required: false}\n  db: {image: d}\n  cache: {image: c}\n';
    const app = (await loaded('mastodon', { files: ['c.yml'] }, { 'c.yml': compose })).services['app'];
    expect(app?.dependsOn).toEqual({
      db: { condition: 'service_healthy', required: true, restart: true, from: 'depends_on' },
      cache: { condition: 'service_started', required: false, restart: false, from: 'depends_on' },
    });
  });

  test('links, volumes_from and network_mode: service:x are dependencies too (compose-go normalize.go)', async () => {
    const compose = [
      'services:',
      '  app:',
      '    image: a',
      '    links: [db:database]',
      '    volumes_from: [data, "container:legacy"]',
      '  sidecar:',
      '    image: s',
      '    network_mode: service:app',
      '  db: {image: d}',
      '  data: {image: v}',
    ].join('\n');
    const project = await loaded('mastodon', { files: ['c.yml'] }, { 'c.yml': compose });
    expect(project.services['app']?.dependsOn).toEqual({ db: started('links', true), data: started('volumes_from', false) });
    expect(project.services['sidecar']?.dependsOn).toEqual({ app: started('network_mode', true) });
    expect(project.services['sidecar']?.networks).toEqual({});
  });

  test('a dependency on a service that does not exist refuses the stack, at the line of depends_on', async () => {
    const compose = ((await fixtureSource('mastodon').read('docker-compose.yml')) ?? '').replace(
      '      - redis\n      # - es\n',
      '      - redis\n      - es\n',
    );
    const result = await loadCompose(fixtureSource('mastodon', { 'docker-compose.yml': compose }));
    expect(result).toMatchObject({
      kind: 'invalid',
      failure: { kind: 'invalid-project', message: 'service "web" depends on undefined service "es": invalid compose project', line: 74 },
    });
  });

  test('a dependency cycle is refused', async () => {
    const compose = 'services:\n  a: {image: a, depends_on: [b]}\n  b: {image: b, depends_on: [c]}\n  c: {image: c, depends_on: [a]}\n';
    const result = await loadCompose(fixtureSource('mastodon', { 'c.yml': compose }), { files: ['c.yml'] });
    expect(result).toMatchObject({ kind: 'invalid', failure: { message: 'dependency cycle detected: a -> b -> c -> a' } });
  });
});

describe('profiles', () => {
  test('sentry: COMPOSE_PROFILES from .env (feature-complete) when the caller names none', async () => {
    const project = await loaded('sentry');
    expect(project.activeProfiles).toEqual(['feature-complete']);
    expect(project.disabledServices).toEqual([]);
    expect(project.services['vroom']?.profiles).toEqual(['feature-complete']);
  });

  test('sentry with no profile active: the feature-complete services are left out', async () => {
    const project = await loaded('sentry', { profiles: [] });
    expect(project.services['vroom']).toBeUndefined();
    expect(project.disabledServices).toContain('vroom');
    expect(project.services['web']).toBeDefined();
    expect(Object.keys(project.services).length + project.disabledServices.length).toBe(57);
  });

  test('a service left in that depends on one left out: refused as compose says', async () => {
    const compose = ((await fixtureSource('mastodon').read('docker-compose.yml')) ?? '').replace(
      '    image: redis:7-alpine\n',
      '    image: redis:7-alpine\n    profiles: [cache]\n',
    );
    const result = await loadCompose(fixtureSource('mastodon', { 'docker-compose.yml': compose }));
    expect(result).toMatchObject({
      kind: 'invalid',
      failure: {
        message:
          'service "web" depends on undefined service "redis": invalid compose project (it is in profiles cache, none of them active)',
      },
    });
    const active = await loaded('mastodon', { profiles: ['cache'] }, { 'docker-compose.yml': compose });
    expect(active.services['redis']).toBeDefined();
  });

  test('required: false: the dependency is dropped, with a warning', async () => {
    const compose =
      'services:\n  app:\n    image: a\n    depends_on:\n      debug: {condition: service_started, required: false}\n  debug: {image: d, profiles: [debug]}\n';
    const project = await loaded('mastodon', { files: ['c.yml'] }, { 'c.yml': compose });
    expect(project.services['app']?.dependsOn).toEqual({});
    expect(project.warnings).toContainEqual({ kind: 'dropped-optional-dependency', service: 'app', dependency: 'debug' });
  });
});

describe('profiles and env files', () => {
  test('a service the profiles leave out has its env files unread (compose resolves environments after profiles)', async () => {
    const compose = 'services:\n  app: {image: a}\n  debug:\n    image: d\n    profiles: [debug]\n    env_file: debug.env\n';
    const off = await loadCompose(fixtureSource('mastodon', { 'c.yml': compose }), { files: ['c.yml'] });
    expect(off).toMatchObject({ kind: 'loaded', project: { disabledServices: ['debug'] } });
    const on = await loadCompose(fixtureSource('mastodon', { 'c.yml': compose }), { files: ['c.yml'], profiles: ['debug'] });
    expect(on).toMatchObject({ kind: 'invalid', failure: { kind: 'env-file', message: 'env file debug.env not found' } });
  });
});
