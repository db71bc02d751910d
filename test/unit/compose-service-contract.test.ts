/**
 * One compose service as a deployment contract (src/contract/platforms/compose-service.ts), on the
 * compose files of public projects (test/fixtures/compose/SOURCES.txt), normalised by the compose loader.
 */
import { describe, expect, it } from 'vitest';

import { loadCompose } from '../../src/contract/compose/index.js';
import type { DeploymentContract } from '../../src/contract/contract.js';
import { describeContract } from '../../src/contract/describe.js';
import { composeFailureResult, composeServiceResult } from '../../src/contract/platforms/compose-service.js';
import { fixtureSource } from '../fixtures/compose/fixture-files.js';

async function read(project: string, file: string, service?: string, changes: Record<string, string | null> = {}) {
  const loaded = await loadCompose(fixtureSource(project, changes), { files: [file] });
  const manifest = { path: file, blob: 'b' };
  if (loaded.kind === 'invalid') return composeFailureResult(loaded.failure, manifest);
  return composeServiceResult({ project: loaded.project, manifest, alsoRead: [], ...(service !== undefined ? { service } : {}) });
}

async function contract(project: string, file: string, service?: string, changes: Record<string, string | null> = {}) {
  const result = await read(project, file, service, changes);
  if (!result.ok) throw new Error(result.failure.message);
  return result.contract;
}

describe('a compose service as a contract', () => {
  it('awesome-compose django: the only service built here; its context, target, published port (a TCP check: compose waits for none)', async () => {
    const c = await contract('awesome-django', 'compose.yaml');
    expect(c.service).toBe('web');
    expect(c.build).toMatchObject({ context: 'app', dockerfile: 'app/Dockerfile', target: 'builder' });
    expect(c.port).toEqual({ number: 8000, injectedAsPort: false, source: 'manifest', from: 'ports' });
    expect(c.health).toEqual([expect.objectContaining({ kind: 'tcp', port: 8000 })]);
    expect(c.notes).toEqual(['compose waits for no check: deploybisect waits for port 8000 to open']);
    expect(describeContract(c)).toBe('deploying as Docker Compose would: port 8000, TCP 8000, from compose.yaml');
  });

  it('two services built here: --service is needed, and the error lists them; an image-only service is not deployable', async () => {
    const needed = await read('awesome-react-express-mongodb', 'compose.yaml');
    expect(needed.ok).toBe(false);
    if (needed.ok) return;
    expect(needed.failure).toMatchObject({ kind: 'service-needed', services: ['frontend', 'backend'] });
    const mongo = await read('awesome-react-express-mongodb', 'compose.yaml', 'mongo');
    expect(!mongo.ok && mongo.failure.kind).toBe('not-docker');
    expect(!mongo.ok && mongo.failure.message).toBe("service 'mongo' runs the image mongo:4.2.0, not built from this repository");
  });

  it('backend: its exposed port, depends_on and volumes named as not acted on, the other services not started', async () => {
    const c = await contract('awesome-react-express-mongodb', 'compose.yaml', 'backend');
    expect(c.port).toMatchObject({ number: 3000, from: 'expose' });
    const keys = c.unsupported.map((u) => u.key);
    expect(keys).toEqual(expect.arrayContaining(['services.backend.depends_on', 'services.backend.volumes', 'services']));
    expect(c.unsupported.find((u) => u.key === 'services')?.reason).toBe('only backend is deployed; not started: frontend, mongo');
  });

  it("redash: merge keys and anchors resolved; command split into words; build args; the .env file's variables", async () => {
    const c = await contract('redash', 'compose.yaml', 'server', { '.env': 'REDASH_COOKIE_SECRET=from-dotenv\n' });
    expect(c.run.cmd).toEqual({ form: 'words', text: 'dev_server' });
    expect(c.build.args).toEqual([{ key: 'skip_frontend_build', value: 'true' }]);
    const env = new Map(c.env.map((e) => [e.key, e]));
    expect(env.get('REDASH_LOG_LEVEL')).toMatchObject({ value: 'INFO', kind: 'literal', secret: false });
    expect(env.get('REDASH_COOKIE_SECRET')).toMatchObject({ kind: 'literal', secret: true, from: '.env' });
    expect(c.port?.number).toBe(5000);
  });

  it("a healthcheck is Docker's: the command in the container, retries × interval after start_period; an entrypoint clears CMD", async () => {
    const compose = [
      'services:',
      '  api:',
      '    build: { context: ., dockerfile: deploy/api.Dockerfile }',
      '    entrypoint: ["/app/start"]',
      '    healthcheck:',
      '      test: ["CMD-SHELL", "wget -q -O- http://127.0.0.1:8080/health"]',
      '      interval: 2s',
      '      retries: 5',
      '      start_period: 10s',
      '',
    ].join('\n');
    const c: DeploymentContract = await contract('awesome-django', 'compose.yaml', undefined, { 'compose.yaml': compose });
    expect(c.build).toMatchObject({ context: '', dockerfile: 'deploy/api.Dockerfile' });
    expect(c.run).toMatchObject({ entrypoint: { form: 'exec', argv: ['/app/start'] }, cmd: 'clear' });
    expect(c.health).toEqual([
      expect.objectContaining({
        kind: 'exec',
        command: ['/bin/sh', '-c', 'wget -q -O- http://127.0.0.1:8080/health'],
        intervalMs: 2000,
        timeoutMs: 30_000,
        graceMs: 10_000,
        failureThreshold: 5,
        from: { keys: ['healthcheck'], defaults: ['timeout'] },
      }),
    ]);
  });

  it("a compose file compose would refuse fails the commit's deployment, with compose's reason and its line", async () => {
    const result = await read('awesome-django', 'compose.yaml', undefined, {
      'compose.yaml': 'services:\n  web:\n    build: .\n    portz: [1]\n',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toMatchObject({ platform: 'compose', kind: 'invalid', file: 'compose.yaml' });
    expect(result.failure.message).toMatch(/portz/);
    const yaml = await read('awesome-django', 'compose.yaml', undefined, { 'compose.yaml': 'services:\n  web: [\n' });
    expect(!yaml.ok && yaml.failure.kind).toBe('parse');
  });
});
