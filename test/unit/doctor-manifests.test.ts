/**
 * doctor's manifest lines (checkManifests): a compose file of one service says its contract, one of
 * several services says the stack a run would start; read from HEAD's git objects, no engine.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { checkManifests } from '../../src/session/doctor/manifest-check.js';
import { TestRepo } from '../fixtures/git-repo.js';

describe('doctor: what the manifests in HEAD say', () => {
  const repos: TestRepo[] = [];
  afterAll(() => repos.forEach((r) => r.remove()));
  const repoWith = (compose: string) => {
    const repo = new TestRepo('doctor-manifests-');
    repos.push(repo);
    repo.commit('stack', { Dockerfile: 'FROM scratch\n', 'compose.yaml': compose });
    return repo;
  };

  it('a compose file of several services: the stack, dependencies first, as a run would start it', async () => {
    const repo = repoWith(
      'services:\n  web:\n    build: .\n    ports: ["8080:8080"]\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: postgres:16\n    healthcheck:\n      test: ["CMD", "pg_isready"]\n',
    );
    const [check] = await checkManifests({ repo: repo.dir, platform: 'auto', network: 'host' });
    expect(check).toMatchObject({ path: 'compose.yaml', platform: 'compose', used: true });
    expect(check!.says).toMatch(
      /^deploying as docker compose up --wait would: db \(postgres:16, healthcheck\), web \(built here, probed: TCP 8080\), from compose\.yaml; on the host network /,
    );
  });

  it('a compose file of one service: its contract', async () => {
    const repo = repoWith('services:\n  web:\n    build: .\n    ports: ["8080:8080"]\n');
    const [check] = await checkManifests({ repo: repo.dir, platform: 'auto' });
    expect(check!.says).toBe('deploying as Docker Compose would: port 8080, TCP 8080, from compose.yaml');
  });
});
