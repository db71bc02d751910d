/**
 * What changed between two compose stacks, as findings (src/explain/manifest/stack-diff.ts): real
 * compose files of test/fixtures/compose, normalised as a run reads them, with an edit applied as a
 * commit would make it. Each finding names the service and its compose key; secret values are masked.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadCompose, type ComposeLoadOptions, type ComposeProject } from '../../src/contract/compose/index.js';
import type { Finding } from '../../src/explain/finding.js';
import { stackFindings } from '../../src/explain/manifest/stack-diff.js';
import { COMPOSE_FIXTURES, fixtureSource } from '../fixtures/compose/fixture-files.js';

const text = (project: string, file = 'compose.yaml') => readFileSync(join(COMPOSE_FIXTURES, project, file), 'utf8');

async function project(
  name: string,
  changes: Record<string, string | null> = {},
  options: ComposeLoadOptions = {},
): Promise<ComposeProject> {
  const result = await loadCompose(fixtureSource(name, changes), options);
  if (result.kind === 'invalid') throw new Error(`${name}: ${result.failure.message}`);
  return result.project;
}

/** The findings of an edit of the project's compose file: [kind, service, key, before, after]. */
async function edited(name: string, edit: (text: string) => string, file = 'compose.yaml'): Promise<Finding[]> {
  const after = edit(text(name, file));
  expect(after, 'the edit changes the file').not.toBe(text(name, file));
  return stackFindings(await project(name), await project(name, { [file]: after }));
}

const rows = (findings: readonly Finding[]) => findings.map((f) => [f.kind, f.service, f.instruction, f.before, f.after]);

describe('stack findings', () => {
  it('the same stack twice: nothing, for every project of the fixtures', async () => {
    const projects = readdirSync(COMPOSE_FIXTURES).filter((name) => statSync(join(COMPOSE_FIXTURES, name)).isDirectory());
    expect(projects.length).toBeGreaterThanOrEqual(20);
    for (const name of projects) {
      const result = await loadCompose(fixtureSource(name));
      if (result.kind === 'invalid') continue; // a project the loader refuses without its environment: another test's business
      expect(stackFindings(result.project, result.project), name).toEqual([]);
      expect(stackFindings(result.project, structuredClone(result.project)), name).toEqual([]);
    }
  });

  it('nginx-golang-mysql: the healthcheck of db removed (backend waits for it with service_healthy)', async () => {
    const findings = await edited('awesome-nginx-golang-mysql', (t) => t.replace(/ {4}healthcheck:\n(?: {6}.*\n)+/, ''));
    expect(rows(findings)).toEqual([
      [
        'compose-healthcheck',
        'db',
        'services.db.healthcheck',
        'CMD-SHELL mysqladmin ping -h 127.0.0.1 --password="$(cat /run/secrets/db-password)" --silent (interval 3.0s, timeout 30s, retries 5, start_period 30s)',
        undefined,
      ],
    ]);
    expect(findings[0]).toMatchObject({ stage: '(manifest)', path: 'compose.yaml' });
    expect(findings[0]!.summary).toMatch(/^compose\.yaml: db: the healthcheck was removed \(was CMD-SHELL mysqladmin/);
    expect(findings[0]!.summary).toMatch(/\(services\.db\.healthcheck\)$/);
  });

  it('nginx-golang-mysql: the healthcheck disabled, and its timing changed', async () => {
    const disabled = await edited('awesome-nginx-golang-mysql', (t) => t.replace('      interval: 3s\n', '      disable: true\n'));
    expect(rows(disabled)[0]?.slice(0, 3)).toEqual(['compose-healthcheck', 'db', 'services.db.healthcheck']);
    expect(disabled[0]!.after).toBe('disabled (disable: true)');
    expect(disabled[0]!.summary).toContain('the healthcheck was disabled');
    const slower = await edited('awesome-nginx-golang-mysql', (t) => t.replace('retries: 5', 'retries: 1'));
    expect(slower[0]!.summary).toContain('retries 5, start_period 30s) → CMD-SHELL mysqladmin');
    expect(slower[0]!.after).toContain('retries 1');
  });

  it('react-express-mongodb: backend now waits for mongo to be healthy', async () => {
    const findings = await edited('awesome-react-express-mongodb', (t) =>
      t.replace('    depends_on:\n      - mongo\n', '    depends_on:\n      mongo:\n        condition: service_healthy\n'),
    );
    expect(rows(findings)).toEqual([
      ['compose-depends-on', 'backend', 'services.backend.depends_on.mongo', 'mongo: service_started', 'mongo: service_healthy'],
    ]);
    expect(findings[0]!.summary).toBe(
      'compose.yaml: backend: now waits for mongo: service_healthy (was mongo: service_started) (services.backend.depends_on.mongo)',
    );
  });

  it('redash: postgres renamed to db (same image, most keys equal); a dependency that follows the rename is no change', async () => {
    const findings = await edited('redash', (t) =>
      t
        .replace('  postgres:\n    image:', '  db:\n    image:')
        .replace('      - postgres\n', '      - db\n')
        .replace('@postgres/postgres', '@db/postgres'),
    );
    expect(rows(findings)).toEqual([
      ['compose-service', 'db', 'services.db', 'postgres', 'db'],
      [
        'compose-env',
        'server',
        'services.server.environment.REDASH_DATABASE_URL',
        'REDASH_DATABASE_URL=postgresql://postgres@postgres/postgres',
        'REDASH_DATABASE_URL=postgresql://postgres@db/postgres',
      ],
      ...['scheduler', 'worker'].map((svc) => [
        'compose-env',
        svc,
        `services.${svc}.environment.REDASH_DATABASE_URL`,
        'REDASH_DATABASE_URL=postgresql://postgres@postgres/postgres',
        'REDASH_DATABASE_URL=postgresql://postgres@db/postgres',
      ]),
    ]);
    expect(findings[0]!.summary).toBe('compose.yaml: db: service postgres was renamed to db (services.db)');
  });

  it('a dependency on a renamed service whose condition changed too: one finding, old and new names', async () => {
    const findings = await edited('awesome-nginx-golang-mysql', (t) =>
      t
        .replace(/^ {2}db:$/m, '  database:')
        .replace('      db:\n        condition: service_healthy', '      database:\n        condition: service_started'),
    );
    expect(rows(findings)).toEqual([
      ['compose-service', 'database', 'services.database', 'db', 'database'],
      ['compose-depends-on', 'backend', 'services.backend.depends_on.database', 'db: service_healthy', 'database: service_started'],
    ]);
  });

  it('redash: a service replaced by another image is a removal and an addition, not a rename', async () => {
    const findings = await edited('redash', (t) =>
      t
        .replace('  redis:\n    image: redis:7-alpine', '  valkey:\n    image: valkey/valkey:8')
        .replace('      - redis\n', '      - valkey\n'),
    );
    expect(rows(findings)).toEqual([
      ['compose-service', 'redis', 'services.redis', 'redis', undefined],
      ['compose-service', 'valkey', 'services.valkey', undefined, 'valkey'],
      ['compose-depends-on', 'server', 'services.server.depends_on.redis', 'redis: service_started', undefined],
      ['compose-depends-on', 'server', 'services.server.depends_on.valkey', undefined, 'valkey: service_started'],
    ]);
    expect(findings.slice(0, 2).map((f) => f.summary)).toEqual([
      'compose.yaml: redis: service redis was removed (was redis:7-alpine) (services.redis)',
      'compose.yaml: valkey: service valkey was added (valkey/valkey:8) (services.valkey)',
    ]);
  });

  it('gitea-postgres: the image tag, the exposed port and the environment, secret values masked', async () => {
    const findings = await edited('awesome-gitea-postgres', (t) =>
      t
        .replace('image: postgres:alpine', 'image: postgres:17-alpine')
        .replace('      - 5432', '      - 5433')
        .replace('POSTGRES_PASSWORD=gitea', 'POSTGRES_PASSWORD=hunter2')
        .replace('DB_PASSWD=gitea', 'DB_PASSWD=hunter2')
        .replace('DB_HOST=db:5432', 'DB_HOST=db:5433'),
    );
    expect(rows(findings)).toEqual([
      ['compose-env', 'gitea', 'services.gitea.environment.DB_HOST', 'DB_HOST=db:5432', 'DB_HOST=db:5433'],
      ['compose-env', 'gitea', 'services.gitea.environment.DB_PASSWD', 'DB_PASSWD=***', 'DB_PASSWD=***'],
      ['compose-image', 'db', 'services.db.image', 'postgres:alpine', 'postgres:17-alpine'],
      ['compose-env', 'db', 'services.db.environment.POSTGRES_PASSWORD', 'POSTGRES_PASSWORD=***', 'POSTGRES_PASSWORD=***'],
      ['compose-ports', 'db', 'services.db.expose', '5432', '5433'],
    ]);
    expect(JSON.stringify(findings)).not.toMatch(/hunter2|PASSW(?:OR)?D=gitea/);
    expect(findings[1]!.summary).toBe('compose.yaml: gitea: DB_PASSWD changed (a secret) (services.gitea.environment.DB_PASSWD)');
  });

  it('a password in a URL is masked', async () => {
    const findings = await edited('redash', (t) =>
      t.replaceAll('postgresql://postgres@postgres', 'postgresql://postgres:hunter2@postgres'),
    );
    expect(findings).toHaveLength(3);
    expect(findings[0]!.after).toBe('REDASH_DATABASE_URL=postgresql://postgres:***@postgres/postgres');
    expect(JSON.stringify(findings)).not.toContain('hunter2');
  });

  it("a value the pinned environment gives is masked (it is not in the repository), whatever its key's name", async () => {
    const bare = (t: string) => t.replace('      - DB_USER=gitea', '      - DB_USER');
    const before = await project('awesome-gitea-postgres');
    const after = await project(
      'awesome-gitea-postgres',
      { 'compose.yaml': bare(text('awesome-gitea-postgres')) },
      { environment: { DB_USER: 'alice' } },
    );
    expect(rows(stackFindings(before, after))).toEqual([
      ['compose-env', 'gitea', 'services.gitea.environment.DB_USER', 'DB_USER=gitea', 'DB_USER=***'],
    ]);
    const unset = await project('awesome-gitea-postgres', { 'compose.yaml': bare(text('awesome-gitea-postgres')) });
    expect(stackFindings(before, unset)[0]!.after).toBe('DB_USER (set nowhere)');
  });

  it('redash: the command of a service and the published ports', async () => {
    const findings = await edited('redash', (t) =>
      t.replace('command: dev_scheduler', 'command: [dev_scheduler, --once]').replace('"15432:5432"', '"15433:5433"'),
    );
    expect(rows(findings)).toEqual([
      ['compose-command', 'scheduler', 'services.scheduler.command', 'dev_scheduler', '["dev_scheduler","--once"]'],
      ['compose-ports', 'postgres', 'services.postgres.ports', '15432:5432', '15433:5433'],
    ]);
  });

  it('nginx-golang-mysql: the build context moved (compose updated with it), and the target', async () => {
    const before = await project('awesome-nginx-golang-mysql');
    const after = await project('awesome-nginx-golang-mysql', {
      'compose.yaml': text('awesome-nginx-golang-mysql').replace(
        'context: backend\n      target: builder',
        'context: api\n      target: runtime',
      ),
      'api/Dockerfile': 'FROM scratch\n',
    });
    expect(rows(stackFindings(before, after))).toEqual([
      ['compose-build', 'backend', 'services.backend.build.context', 'backend', 'api'],
      ['compose-build', 'backend', 'services.backend.build.dockerfile', 'backend/Dockerfile', 'api/Dockerfile'],
      ['compose-build', 'backend', 'services.backend.build.target', 'builder', 'runtime'],
    ]);
  });

  it('a compose file added or removed, and an override file appearing', async () => {
    const django = await project('awesome-django');
    expect(stackFindings(undefined, django).map((f) => [f.kind, f.summary])).toEqual([
      ['manifest-platform', 'compose file compose.yaml (services web) was added'],
    ]);
    expect(stackFindings(django, undefined)[0]!.summary).toBe('compose file compose.yaml (services web) was removed');
    const override = await project('awesome-django', {
      'compose.override.yaml': 'services:\n  web:\n    command: ["python", "manage.py", "runserver"]\n',
    });
    expect(rows(stackFindings(django, override))).toEqual([
      ['manifest-platform', undefined, 'files', 'compose.yaml', 'compose.yaml, compose.override.yaml'],
      ['compose-command', 'web', 'services.web.command', undefined, '["python","manage.py","runserver"]'],
    ]);
  });

  it('react-express-mongodb: a network alias given to mongo, then a service renamed keeping its old name as an alias', async () => {
    const aliased = (t: string) =>
      t.replace(
        '    networks:\n      - express-mongo\n    expose:\n      - 27017',
        '    networks:\n      express-mongo:\n        aliases: [database]\n    expose:\n      - 27017',
      );
    expect(rows(await edited('awesome-react-express-mongodb', aliased))).toEqual([
      ['compose-service', 'mongo', 'services.mongo.networks.express-mongo.aliases', undefined, 'database'],
    ]);
    const renamedKeepingName = (t: string) =>
      t
        .replace('  mongo:\n', '  mongodb:\n')
        .replace('      - mongo\n', '      - mongodb\n')
        .replace(
          '    networks:\n      - express-mongo\n    expose:\n      - 27017',
          '    networks:\n      express-mongo:\n        aliases: [mongo]\n    expose:\n      - 27017',
        );
    expect(rows(await edited('awesome-react-express-mongodb', renamedKeepingName))).toEqual([
      ['compose-service', 'mongodb', 'services.mongodb', 'mongo', 'mongodb'],
    ]);
  });
});
