/** Which engine deploybisect talks to: --docker-host, DOCKER_HOST (+ TLS variables), the docker context, the default. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { currentContextEndpoint } from '../../src/docker/docker-context.js';
import { EnginePool } from '../../src/docker/engine-pool.js';
import { engineFor, type Engine } from '../../src/docker/engine.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A Docker config directory with a context `name` pointing at `host`, as `docker context create` writes it. */
function configWithContext(name: string, host: string, options: { current?: boolean; tls?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'deploybisect-docker-config-'));
  dirs.push(dir);
  const id = createHash('sha256').update(name).digest('hex');
  mkdirSync(join(dir, 'contexts', 'meta', id), { recursive: true });
  writeFileSync(
    join(dir, 'contexts', 'meta', id, 'meta.json'),
    JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }),
  );
  if (options.tls) {
    mkdirSync(join(dir, 'contexts', 'tls', id, 'docker'), { recursive: true });
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, 'contexts', 'tls', id, 'docker', file), `${file}\n`);
  }
  if (options.current !== false) writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: name }));
  return dir;
}

describe('the current docker context', () => {
  it('is read from config.json and the context store', () => {
    const dir = configWithContext('remote', 'tcp://build.example:2376', { tls: true });
    const endpoint = currentContextEndpoint({ DOCKER_CONFIG: dir });
    expect(endpoint?.name).toBe('remote');
    expect(endpoint?.host).toBe('tcp://build.example:2376');
    expect(endpoint?.tls?.ca?.toString()).toBe('ca.pem\n');
  });

  it('DOCKER_CONTEXT names another context than config.json', () => {
    const dir = configWithContext('other', 'unix:///run/other.sock', { current: false });
    expect(currentContextEndpoint({ DOCKER_CONFIG: dir })).toBeUndefined();
    expect(currentContextEndpoint({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'other' })?.host).toBe('unix:///run/other.sock');
  });

  it('"default" and a missing config mean no context', () => {
    const dir = configWithContext('default', 'unix:///ignored.sock');
    expect(currentContextEndpoint({ DOCKER_CONFIG: dir })).toBeUndefined();
    expect(currentContextEndpoint({ DOCKER_CONFIG: join(dir, 'nothing-here') })).toBeUndefined();
  });

  it('a context that does not exist is a clear error', () => {
    const dir = configWithContext('real', 'unix:///x.sock');
    expect(() => currentContextEndpoint({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'gone' })).toThrow(
      /^the current docker context 'gone' cannot be read \(ENOENT at .*meta\.json\): run `docker context use default` or pass --docker-host$/,
    );
  });
});

describe('engineFor', () => {
  const modem = (engine: Engine) =>
    (engine.docker as unknown as { modem: { socketPath?: string; host?: string; port?: number; protocol?: string } }).modem;

  it('--docker-host wins over DOCKER_HOST, which wins over the context', () => {
    const dir = configWithContext('ctx', 'unix:///from/context.sock');
    expect(modem(engineFor('unix:///from/flag.sock', { DOCKER_HOST: 'unix:///from/env.sock', DOCKER_CONFIG: dir })).socketPath).toBe(
      '/from/flag.sock',
    );
    expect(modem(engineFor(undefined, { DOCKER_HOST: 'unix:///from/env.sock', DOCKER_CONFIG: dir })).socketPath).toBe('/from/env.sock');
    const fromContext = engineFor(undefined, { DOCKER_CONFIG: dir });
    expect(modem(fromContext).socketPath).toBe('/from/context.sock');
    expect(fromContext.endpoint).toBe('unix:///from/context.sock (docker context ctx)');
    expect(modem(engineFor(undefined, { DOCKER_CONFIG: join(dir, 'none') })).socketPath).toBe('/var/run/docker.sock');
  });

  it('tcp uses TLS with DOCKER_TLS_VERIFY and the files in DOCKER_CERT_PATH', () => {
    const certs = mkdtempSync(join(tmpdir(), 'deploybisect-certs-'));
    dirs.push(certs);
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, file), file);
    const plain = modem(engineFor('tcp://127.0.0.1:2375', {}));
    expect([plain.protocol, plain.port]).toEqual(['http', 2375]);
    const tls = modem(engineFor('tcp://127.0.0.1', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }));
    expect([tls.protocol, tls.port]).toEqual(['https', 2376]);
    expect(() => engineFor('tcp://127.0.0.1', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(certs, 'missing') })).toThrow(
      /cannot read the TLS files in DOCKER_CERT_PATH=.*missing \(ENOENT\)/,
    );
  });

  it("knows which engines share this machine's network", () => {
    expect(engineFor('unix:///a.sock').machine).toBe('local');
    expect(engineFor('tcp://localhost:2375').machine).toBe('local');
    expect(engineFor('tcp://build-1.example:2375').machine).toBe('build-1.example');
    expect(engineFor('ssh://me@build-2.example').machine).toBe('build-2.example');
  });

  it('rejects what is not an endpoint', () => {
    expect(() => engineFor('not a url')).toThrow("invalid Docker host 'not a url'");
    expect(() => engineFor('ftp://x')).toThrow("unsupported Docker host 'ftp://x'");
  });
});

describe('EnginePool', () => {
  it('gives each piece of work the least busy engine', async () => {
    const pool = new EnginePool([engineFor('unix:///a.sock'), engineFor('unix:///b.sock')], 'abcd1234');
    const used: string[] = [];
    const releases: Array<() => void> = [];
    const work = () =>
      pool.use(async (lane) => {
        used.push(lane.engine.endpoint);
        await new Promise<void>((resolve) => releases.push(resolve));
      });
    const a = work();
    const b = work();
    const c = work();
    expect(used).toEqual(['unix:///a.sock', 'unix:///b.sock', 'unix:///a.sock']);
    releases[1]!(); // b's work ends: the next goes to b
    await b;
    const d = work();
    expect(used.at(-1)).toBe('unix:///b.sock');
    for (const release of releases) release();
    await Promise.all([a, c, d]);
    expect(pool.lanes.map((l) => l.active)).toEqual([0, 0]);
    expect(pool.endpoint).toBe('unix:///a.sock, unix:///b.sock');
  });
});
