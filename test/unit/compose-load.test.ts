/**
 * Loading a compose stack (files, .env and the pinned environment, env_file, profiles, failures with
 * their line, keys named as unsupported, secrets) on real projects of test/fixtures/compose.
 */
import { describe, expect, test } from 'vitest';

import {
  loadCompose,
  type ComposeFailure,
  type ComposeLoadOptions,
  type ComposeLoadResult,
  type ComposeProject,
} from '../../src/contract/compose/index.js';
import { fixtureSource } from '../fixtures/compose/fixture-files.js';

async function loaded(
  project: string,
  options: ComposeLoadOptions = {},
  changes: Record<string, string | null> = {},
): Promise<ComposeProject> {
  const result = await loadCompose(fixtureSource(project, changes), options);
  if (result.kind === 'invalid') throw new Error(`${project}: ${result.failure.message}`);
  return result.project;
}

async function refused(project: string, changes: Record<string, string | null>, options: ComposeLoadOptions = {}): Promise<ComposeFailure> {
  const result: ComposeLoadResult = await loadCompose(fixtureSource(project, changes), options);
  if (result.kind === 'loaded') throw new Error(`${project} loaded`);
  return result.failure;
}

describe('files', () => {
  test("netbox: docker-compose.yml then docker-compose.override.yml, found by compose's names", async () => {
    const project = await loaded('netbox');
    expect(project.files).toEqual(['docker-compose.yml', 'docker-compose.override.yml']);
    expect(project.services['netbox']?.ports.map((port) => `${port.published}:${port.target}`)).toEqual(['8000:8080']);
  });

  test('compose.yaml comes first when docker-compose.yml is there too, and the other is named in a warning', async () => {
    const mastodon = fixtureSource('mastodon');
    const text = (await mastodon.read('docker-compose.yml')) ?? '';
    const project = await loaded('mastodon', {}, { 'compose.yaml': text.replace('v4.3.17', 'v4.4.0') });
    expect(project.files).toEqual(['compose.yaml']);
    expect(project.services['web']?.image).toBe('ghcr.io/mastodon/mastodon:v4.4.0');
    expect(project.warnings).toContainEqual({ kind: 'several-candidates', used: 'compose.yaml', ignored: ['docker-compose.yml'] });
  });

  test('no compose file: the no-file failure', async () => {
    const failure = await refused('mastodon', { 'docker-compose.yml': null });
    expect(failure.kind).toBe('no-file');
    expect(failure.message).toMatch(/^no configuration file provided/);
  });

  test('a file named elsewhere: its directory is the project directory, paths and .env are resolved there', async () => {
    const immich = fixtureSource('immich');
    const moved: Record<string, string | null> = { 'docker-compose.yml': null, 'hwaccel.ml.yml': null, '.env': null };
    for (const file of ['docker-compose.yml', 'hwaccel.ml.yml', '.env']) moved[`docker/${file}`] = (await immich.read(file)) ?? '';
    const project = await loaded('immich', { files: ['docker/docker-compose.yml'] }, moved);
    expect(project.projectDir).toBe('docker');
    expect(project.dotenvFile).toBe('docker/.env');
    const server = project.services['immich-server'];
    expect(server?.volumes[0]).toMatchObject({ type: 'bind', source: { kind: 'repository', path: 'docker/library' }, target: '/data' });
    expect(server?.envFiles[0]?.path).toEqual({ kind: 'repository', path: 'docker/.env' });
  });

  test('COMPOSE_FILE in .env names the files when the caller names none', async () => {
    const project = await loaded('taiga', {}, { '.env': `COMPOSE_FILE=docker-compose.yml:docker-compose-inits.yml\n` });
    expect(project.files).toEqual(['docker-compose.yml', 'docker-compose-inits.yml']);
  });
});

describe('variables', () => {
  test('the pinned environment wins over .env; .env fills the rest', async () => {
    const project = await loaded('immich', { environment: { IMMICH_VERSION: 'v1.99.0' } });
    expect(project.services['immich-server']?.image).toBe('ghcr.io/immich-app/immich-server:v1.99.0');
    expect(project.services['database']?.environment['POSTGRES_USER']).toEqual({ value: 'postgres', source: { kind: 'environment' } });
  });

  test("what neither sets is said, never read from this process's environment", async () => {
    process.env['DB_PASSWORD'] = 'from-the-shell';
    try {
      const project = await loaded(
        'immich',
        {},
        { '.env': 'UPLOAD_LOCATION=./library\nDB_DATA_LOCATION=./postgres\nEXPOSE_PORT=2283:2283\n' },
      );
      expect(project.services['database']?.environment['POSTGRES_PASSWORD']?.value).toBe('');
      expect(project.warnings).toContainEqual({
        kind: 'unset-variable',
        variable: 'DB_PASSWORD',
        path: 'services.database.environment.POSTGRES_PASSWORD',
        file: 'docker-compose.yml',
      });
    } finally {
      delete process.env['DB_PASSWORD'];
    }
  });

  test('a bare environment key is resolved from the pinned environment, else null with a warning', async () => {
    const project = await loaded('sentry', { environment: { SENTRY_SYSTEM_SECRET_KEY: 'pinned' } });
    const web = project.services['web'];
    expect(web?.environment['SENTRY_SYSTEM_SECRET_KEY']).toEqual({ value: 'pinned', source: { kind: 'pinned' } });
    expect(web?.environment['SENTRY_MAIL_HOST']).toEqual({ value: null, source: { kind: 'environment' } });
    expect(project.warnings).toContainEqual({ kind: 'unset-environment', service: 'web', variable: 'SENTRY_MAIL_HOST' });
  });
});

describe('env_file', () => {
  test("netbox: the env file's values, with environment: over them", async () => {
    const compose = (await fixtureSource('netbox').read('docker-compose.yml')) ?? '';
    const changed = compose.replace(
      '    env_file: env/netbox.env\n',
      '    env_file: env/netbox.env\n    environment:\n      DB_HOST: db.internal\n',
    );
    const project = await loaded('netbox', {}, { 'docker-compose.yml': changed });
    const environment = project.services['netbox']?.environment ?? {};
    expect(environment['DB_HOST']).toEqual({ value: 'db.internal', source: { kind: 'environment' } });
    expect(environment['DB_NAME']).toEqual({ value: 'netbox', source: { kind: 'env_file', path: 'env/netbox.env' } });
  });

  test('a later env file wins over an earlier one', async () => {
    const compose = (await fixtureSource('netbox').read('docker-compose.yml')) ?? '';
    const changed = compose.replace('    env_file: env/netbox.env\n', '    env_file: [env/netbox.env, env/local.env]\n');
    const project = await loaded('netbox', {}, { 'docker-compose.yml': changed, 'env/local.env': 'DB_NAME=netbox_local\n' });
    expect(project.services['netbox']?.environment['DB_NAME']).toEqual({
      value: 'netbox_local',
      source: { kind: 'env_file', path: 'env/local.env' },
    });
  });

  test('a missing required env file refuses the stack; a missing optional one is a warning', async () => {
    const failure = await refused('mastodon', { '.env.production': null });
    expect(failure).toMatchObject({ kind: 'env-file', file: '.env.production', message: 'env file .env.production not found' });
    const compose = (await fixtureSource('mastodon').read('docker-compose.yml')) ?? '';
    const optional = compose.replaceAll('env_file: .env.production', 'env_file: [{path: .env.production, required: false}]');
    const project = await loaded('mastodon', {}, { '.env.production': null, 'docker-compose.yml': optional });
    expect(project.services['web']?.envFiles).toEqual([
      { path: { kind: 'repository', path: '.env.production' }, required: false, raw: false, found: false },
    ]);
    expect(project.warnings).toContainEqual({ kind: 'missing-optional-env-file', service: 'web', path: '.env.production' });
  });
});

describe("failures carry compose's reason and the line", () => {
  test('YAML that does not parse', async () => {
    const compose = (await fixtureSource('mastodon').read('docker-compose.yml')) ?? '';
    const broken = compose.replace('    image: redis:7-alpine\n', '    image: redis:7-alpine\n   networks: [oops\n');
    const failure = await refused('mastodon', { 'docker-compose.yml': broken });
    expect(failure.kind).toBe('yaml');
    expect(failure.file).toBe('docker-compose.yml');
    expect(failure.line).toBe(21);
  });

  test('a key the schema does not allow, at its own line', async () => {
    const compose = (await fixtureSource('mastodon').read('docker-compose.yml')) ?? '';
    const broken = compose.replace('    shm_size: 256mb\n', '    shm_size: 256mb\n    helthcheck: {}\n');
    const failure = await refused('mastodon', { 'docker-compose.yml': broken });
    expect(failure).toMatchObject({ kind: 'schema', file: 'docker-compose.yml', line: 9 });
    expect(failure.message).toBe("validating docker-compose.yml: services.db additional properties 'helthcheck' not allowed");
  });

  test('a wrong type', async () => {
    const compose = (await fixtureSource('mastodon').read('docker-compose.yml')) ?? '';
    const failure = await refused('mastodon', { 'docker-compose.yml': compose.replace("      - '127.0.0.1:3000:3000'", '      - [3000]') });
    expect(failure.kind).toBe('schema');
    expect(failure.message).toBe('validating docker-compose.yml: services.web.ports.0 must be a mapping, number or string');
    expect(failure.line).toBe(73);
  });

  test('a required variable unset', async () => {
    const compose = (await fixtureSource('immich').read('docker-compose.yml')) ?? '';
    const changed = compose.replace('POSTGRES_PASSWORD: ${DB_PASSWORD}', 'POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD in .env}');
    const dotenv = (await fixtureSource('immich').read('.env'))?.replace('DB_PASSWORD=postgres\n', '') ?? '';
    const failure = await refused('immich', { 'docker-compose.yml': changed, '.env': dotenv });
    expect(failure).toMatchObject({ kind: 'interpolation', file: 'docker-compose.yml', line: 59 });
    expect(failure.message).toContain('required variable DB_PASSWORD is missing a value: set DB_PASSWORD in .env');
  });

  test('a value compose cannot cast (retries from a variable)', async () => {
    const failure = await refused('sentry', {}, { environment: { HEALTHCHECK_RETRIES: 'ten' } });
    expect(failure.kind).toBe('invalid-project');
    expect(failure.message).toMatch(/healthcheck\.retries must be an integer: "ten"/);
    expect(failure.line).toBe(17);
  });

  test('a service with neither image nor build', async () => {
    const compose = (await fixtureSource('mastodon').read('docker-compose.yml')) ?? '';
    const failure = await refused('mastodon', { 'docker-compose.yml': compose.replace('    image: redis:7-alpine\n', '') });
    expect(failure.message).toBe('service "redis" has neither an image nor a build context specified: invalid compose project');
    expect(failure.line).toBe(18);
  });
});

describe('what the model does not carry is named', () => {
  test('sentry: ulimits, shm_size, platform, ... with file and line; x- keys never', async () => {
    const project = await loaded('sentry');
    expect(project.unsupported).toContainEqual({ path: 'services.redis.ulimits', file: 'docker-compose.yml', line: 156 });
    expect(project.unsupported).toContainEqual({ path: 'services.web.ulimits', file: 'docker-compose.yml', line: 475 });
    expect(project.unsupported.some((key) => key.path.startsWith('x-'))).toBe(false);
  });

  test('netbox: a mount option (SELinux `z`), in each service the anchor gives it to, at the line that writes it', async () => {
    const project = await loaded('netbox');
    expect(project.unsupported).toEqual(
      ['netbox', 'netbox-worker', 'netbox-housekeeping'].map((service) => ({
        path: `services.${service}.volumes.0`,
        file: 'docker-compose.yml',
        line: 16,
      })),
    );
  });

  test('immich: keys of the service extended from another file, named in that file', async () => {
    const project = await loaded('immich');
    expect(project.unsupported.map((key) => `${key.file}:${key.path}`)).toEqual([
      'docker-compose.yml:services.database.shm_size',
      'hwaccel.ml.yml:services.openvino.device_cgroup_rules',
      'hwaccel.ml.yml:services.openvino.devices',
    ]);
  });
});

describe('secrets', () => {
  test('zulip: file secrets repository-relative; service secrets at /run/secrets', async () => {
    const project = await loaded('zulip');
    expect(project.secrets['zulip__secret_key']).toEqual({
      source: { kind: 'file', path: { kind: 'repository', path: 'secrets/secret_key.txt' } },
    });
    expect(project.services['database']?.secrets).toEqual([
      { source: 'zulip__postgres_password', target: '/run/secrets/zulip__postgres_password' },
    ]);
  });

  test("zulip's own override (secrets from the environment): the variable is named, its value is nowhere in the model", async () => {
    const original = (await fixtureSource('zulip').read('compose.override.yaml')) ?? '';
    const fromEnvironment = original.replace(
      /file: \.\/secrets\/([a-z_]+)\.txt # shaped for docker-compose 1\.29: was (environment: "[A-Z_]+")/g,
      '$2',
    );
    const project = await loaded(
      'zulip',
      { environment: { ZULIP__SECRET_KEY: 'hunter2-value-xyz' } },
      { 'compose.override.yaml': fromEnvironment },
    );
    expect(project.secrets['zulip__secret_key']).toEqual({ source: { kind: 'environment', variable: 'ZULIP__SECRET_KEY' } });
    expect(JSON.stringify(project)).not.toContain('hunter2-value-xyz');
  });

  test('a secret no top-level secret defines refuses the stack', async () => {
    const failure = await refused('zulip', { 'compose.override.yaml': null });
    expect(failure.message).toBe('service "database" refers to undefined secret zulip__postgres_password: invalid compose project');
  });
});

describe('command and entrypoint', () => {
  test('absent, empty string, empty list, string and list stay five different things', async () => {
    const compose = [
      'services:',
      '  absent: {image: a}',
      "  empty-string: {image: a, command: ''}",
      '  empty-list: {image: a, entrypoint: [], command: []}',
      '  string: {image: a, command: bundle exec puma -C config/puma.rb}',
      '  list: {image: a, entrypoint: [bash, -c], command: ["ls -1 apps > sites/apps.txt"]}',
    ].join('\n');
    const { services } = await loaded('mastodon', { files: ['c.yml'] }, { 'c.yml': compose });
    expect([services['absent']?.command, services['absent']?.entrypoint]).toEqual([null, null]);
    expect(services['empty-string']?.command).toBe('');
    expect([services['empty-list']?.command, services['empty-list']?.entrypoint]).toEqual([[], []]);
    expect(services['string']?.command).toBe('bundle exec puma -C config/puma.rb');
    expect([services['list']?.entrypoint, services['list']?.command]).toEqual([['bash', '-c'], ['ls -1 apps > sites/apps.txt']]);
  });
});

describe('networks and pull_policy', () => {
  test('mastodon: the networks it names, aliases none, no implicit default', async () => {
    const project = await loaded('mastodon');
    expect(Object.keys(project.services['web']?.networks ?? {})).toEqual(['external_network', 'internal_network']);
    expect(project.networks['internal_network']).toEqual({ name: null, external: false, internal: true, driver: null, implicit: false });
    expect(project.networks['default']).toBeUndefined();
  });

  test('netbox: services that name no network join the implicit default, which the model declares', async () => {
    const project = await loaded('netbox');
    expect(project.services['postgres']?.networks).toEqual({ default: { aliases: [], ipv4Address: null, ipv6Address: null } });
    expect(project.networks['default']).toMatchObject({ implicit: true });
  });

  test('pull_policy if_not_present is read as missing, as compose normalises it', async () => {
    const compose = 'services:\n  a: {image: a, pull_policy: if_not_present}\n  b: {image: b, pull_policy: always}\n  c: {image: c}\n';
    const { services } = await loaded('mastodon', { files: ['c.yml'] }, { 'c.yml': compose });
    expect([services['a']?.pullPolicy, services['b']?.pullPolicy, services['c']?.pullPolicy]).toEqual(['missing', 'always', null]);
  });
});
