/**
 * The stack family of the failure patterns (src/explain/cause/patterns-stack.ts): a change between
 * compose services (a real compose file of test/fixtures/compose, edited as a commit would, diffed as
 * `explain` does) and the output of the failure it causes: compose's words as our stack run prints
 * them (stack-evidence.ts), and real clients' output captured here (test/fixtures/failure-output/
 * stack-*.out: BusyBox 1.35, psql 15 (libpq), Node 20.20, Python 3.11, curl 7.88). The likely cause
 * must name the change, with the pattern and how sure it is; unrelated changes must not be linked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadCompose, type ComposeProject } from '../../src/contract/compose/index.js';
import { findLikelyCauses } from '../../src/explain/cause/likely-cause.js';
import { stackCluesOf } from '../../src/explain/cause/stack-clues.js';
import type { Finding } from '../../src/explain/finding.js';
import { stackFindings } from '../../src/explain/manifest/stack-diff.js';
import { composeWords, failureSignature } from '../../src/session/evaluate/stack/stack-evidence.js';
import { COMPOSE_FIXTURES, fixtureSource } from '../fixtures/compose/fixture-files.js';

const output = (name: string) =>
  readFileSync(join(import.meta.dirname, '../fixtures/failure-output', `${name}.out`), 'utf8')
    .replace(/\n$/, '')
    .split('\n');

async function project(name: string, changes: Record<string, string | null> = {}): Promise<ComposeProject> {
  const result = await loadCompose(fixtureSource(name, changes));
  if (result.kind === 'invalid') throw new Error(`${name}: ${result.failure.message}`);
  return result.project;
}

/** The stack findings of an edit of a fixture's compose file. */
async function edited(name: string, edit: (text: string) => string, file = 'compose.yaml'): Promise<Finding[]> {
  const text = readFileSync(join(COMPOSE_FIXTURES, name, file), 'utf8');
  expect(edit(text)).not.toBe(text);
  return stackFindings(await project(name), await project(name, { [file]: edit(text) }));
}

/** [pattern, certainty, the finding's key] of each likely cause. */
const causes = (findings: readonly Finding[], evidence: readonly string[]) =>
  findLikelyCauses(findings, evidence).map((c) => [c.pattern, c.certainty, c.finding.instruction]);

/** What a stack run prints when `service` fails what `dependent` waits for: compose's words, then the signature. */
const stackSays = (service: string, reason: string, dependent?: { service: string; condition: string }) => {
  const failure = { service, reason, ...(dependent ? { dependent } : {}) };
  return [composeWords(failure), failureSignature(failure)];
};

const noHealthcheckLeft = (t: string) => t.replace(/ {4}healthcheck:\n(?: {6}.*\n)+/, '');

describe('a service waited for until healthy', () => {
  it('its healthcheck removed (nginx-golang-mysql: backend waits for db with service_healthy)', async () => {
    const findings = await edited('awesome-nginx-golang-mysql', noHealthcheckLeft);
    const evidence = stackSays('db', 'has no healthcheck configured', { service: 'backend', condition: 'service_healthy' });
    expect(evidence[0]).toBe('dependency failed to start: container db has no healthcheck configured');
    expect(causes(findings, evidence)).toEqual([['compose-healthcheck-removed', 'strong', 'services.db.healthcheck']]);
    const [cause] = findLikelyCauses(findings, evidence);
    expect(cause!.summary).toMatch(
      /^The output says "db: has no healthcheck configured.*", and this commit removed the healthcheck of db \(compose\.yaml, services\.db\.healthcheck; was CMD-SHELL mysqladmin ping/,
    );
    // docker compose's own words name the container with its project: still db's.
    expect(causes(findings, ['dependency failed to start: container shop-db-1 has no healthcheck configured'])[0]?.[0]).toBe(
      'compose-healthcheck-removed',
    );
    // Another service without a healthcheck: not this change.
    expect(
      causes(findings, stackSays('cache', 'has no healthcheck configured', { service: 'backend', condition: 'service_healthy' })),
    ).toEqual([]);
  });

  it('its healthcheck disabled', async () => {
    const findings = await edited('awesome-nginx-golang-mysql', (t) => t.replace('      interval: 3s\n', '      disable: true\n'));
    const [cause] = findLikelyCauses(findings, ['dependency failed to start: container db has no healthcheck configured']);
    expect(cause).toMatchObject({ pattern: 'compose-healthcheck-removed' });
    expect(cause!.summary).toContain('this commit disabled the healthcheck of db');
  });

  it('a dependency made to wait for service_healthy (react-express-mongodb: mongo has no healthcheck)', async () => {
    const findings = await edited('awesome-react-express-mongodb', (t) =>
      t.replace('    depends_on:\n      - mongo\n', '    depends_on:\n      mongo:\n        condition: service_healthy\n'),
    );
    const evidence = stackSays('mongo', 'has no healthcheck configured', { service: 'backend', condition: 'service_healthy' });
    expect(causes(findings, evidence)).toEqual([['compose-depends-condition', 'likely', 'services.backend.depends_on.mongo']]);
    expect(findLikelyCauses(findings, evidence)[0]!.summary).toContain(
      'this commit made backend wait for mongo to be healthy (compose.yaml, services.backend.depends_on.mongo; was mongo: service_started)',
    );
  });

  it('its healthcheck changed and now failing', async () => {
    const findings = await edited('awesome-nginx-golang-mysql', (t) => t.replace('-h 127.0.0.1', '-h db.internal'));
    expect(causes(findings, stackSays('db', 'unhealthy', { service: 'backend', condition: 'service_healthy' }))).toEqual([
      ['compose-healthcheck-changed', 'likely', 'services.db.healthcheck'],
    ]);
    // Exited rather than unhealthy: the healthcheck did not decide.
    expect(causes(findings, stackSays('db', 'container exited with code 1'))).toEqual([]);
  });
});

describe('a one-shot service', () => {
  it('react-express-mongodb: backend made to wait for mongo to exit 0, which keeps running', async () => {
    const findings = await edited('awesome-react-express-mongodb', (t) =>
      t.replace('    depends_on:\n      - mongo\n', '    depends_on:\n      mongo:\n        condition: service_completed_successfully\n'),
    );
    const evidence = stackSays('mongo', 'not completed before the timeout (still running)', {
      service: 'backend',
      condition: 'service_completed_successfully',
    });
    expect(causes(findings, evidence)).toEqual([['compose-depends-condition', 'likely', 'services.backend.depends_on.mongo']]);
    expect(findLikelyCauses(findings, evidence)[0]!.summary).toContain('this commit made backend wait for mongo to exit 0');
  });

  it("frappe: configurator's command changed, and it now exits non-zero under service_completed_successfully", async () => {
    const findings = await edited('frappe', (t) =>
      t.replace('bench set-config -gp db_port $$DB_PORT;', 'bench set-config -gp db_port $$DB_PORT --strict;'),
    );
    const evidence = stackSays('configurator', "didn't complete successfully: exit 1", {
      service: 'backend',
      condition: 'service_completed_successfully',
    });
    expect(evidence[0]).toBe('service "configurator" didn\'t complete successfully: exit 1');
    expect(causes(findings, evidence)).toEqual([['compose-one-shot-command', 'likely', 'services.configurator.command']]);
    // Another service's failure: not this change.
    expect(causes(findings, stackSays('migrate', "didn't complete successfully: exit 1"))).toEqual([]);
  });
});

describe('a service renamed or removed while another still calls it by its old name', () => {
  // gitea-postgres: db renamed to database; gitea's DB_HOST still says db:5432.
  const renamed = () => edited('awesome-gitea-postgres', (t) => t.replace('  db:\n', '  database:\n'));

  it.each([
    ['stack-psql-unknown-host', 'could not translate host name "db" to address: Name or service not known'],
    ['stack-busybox-nc-bad-address', "nc: bad address 'db'"],
    ['stack-node-getaddrinfo-enotfound', 'Error: getaddrinfo ENOTFOUND db'],
  ])('%s', async (fixture, line) => {
    const findings = await renamed();
    expect(findings.map((f) => [f.kind, f.before, f.after])).toEqual([['compose-service', 'db', 'database']]);
    const evidence = output(fixture);
    expect(evidence.join('\n')).toContain(line);
    expect(causes(findings, evidence)).toEqual([['compose-service-renamed', 'strong', 'services.database']]);
    expect(findLikelyCauses(findings, evidence)[0]!.summary).toContain(
      'this commit renamed service db to database (compose.yaml, services.database), and nothing answers to db any more',
    );
  });

  it('removed: named as removed; a name the output does not give links only possibly', async () => {
    const removed = await edited('awesome-gitea-postgres', (t) => t.replace(/ {2}db:\n(?: {4}.*\n| {6}.*\n)+/, ''));
    expect(causes(removed, output('stack-psql-unknown-host'))).toEqual([['compose-service-renamed', 'strong', 'services.db']]);
    expect(findLikelyCauses(removed, output('stack-psql-unknown-host'))[0]!.summary).toContain('this commit removed service db');
    expect(causes(await renamed(), output('stack-python-gaierror'))).toEqual([['compose-service-gone', 'possible', 'services.database']]);
    // Another host: not this change.
    expect(causes(await renamed(), ['Error: getaddrinfo ENOTFOUND cache'])).toEqual([]);
  });

  it('the host as the clients name it: a port after it is dropped', () => {
    expect(stackCluesOf(output('stack-busybox-wget-bad-address')[0]!)).toEqual([
      { kind: 'unknown-host', host: 'api', line: "wget: bad address 'api:8000'" },
    ]);
    expect(stackCluesOf(output('stack-curl-resolve')[0]!)).toMatchObject([{ kind: 'unknown-host', host: 'api' }]);
    expect(stackCluesOf('dial tcp: lookup db on 127.0.0.11:53: no such host')).toMatchObject([{ kind: 'unknown-host', host: 'db' }]);
  });
});

describe("a connection refused on a sibling's port", () => {
  // gitea-postgres: db now listens on 5433 (PGPORT, and expose with it); gitea still calls db:5432.
  const moved = () =>
    edited('awesome-gitea-postgres', (t) =>
      t.replace('      - POSTGRES_DB=gitea\n', '      - POSTGRES_DB=gitea\n      - PGPORT=5433\n').replace('- 5432', '- 5433'),
    );
  /** libpq's words (stack-psql-refused.out) for the host name compose gives, as psycopg and psql print them. */
  const psqlRefused = output('stack-psql-refused').map((line) =>
    line.replace('"localhost" (127.0.0.1), port 5999', '"db" (172.18.0.2), port 5432'),
  );

  it('the port moved by expose, the environment naming no port before', async () => {
    const findings = await moved();
    expect(psqlRefused[0]).toBe('psql: error: connection to server at "db" (172.18.0.2), port 5432 failed: Connection refused');
    expect(causes(findings, psqlRefused)).toEqual([['compose-sibling-port-moved', 'likely', 'services.db.expose']]);
    // "db" names the service (hex letters are no address).
    expect(stackCluesOf(psqlRefused[0]!)).toMatchObject([{ kind: 'refused-service', host: 'db', port: 5432 }]);
    expect(stackCluesOf('Error: connect ECONNREFUSED ::1:5432')[0]).not.toHaveProperty('host');
    expect(findLikelyCauses(findings, psqlRefused)[0]!.summary).toContain(
      'this commit moved db off port 5432, now 5433 (compose.yaml, services.db.expose)',
    );
    // Refused by another service: not this change.
    expect(causes(findings, [psqlRefused[0]!.replace('"db"', '"cache"')])).toEqual([]);
  });

  it('the captured clients: host and port as they print them (an address is no name)', () => {
    expect(stackCluesOf(output('stack-psql-refused')[0]!)).toMatchObject([{ kind: 'refused-service', port: 5999 }]);
    expect(stackCluesOf(output('stack-psql-refused')[0]!)[0]).not.toHaveProperty('host');
    expect(stackCluesOf(output('stack-curl-refused-named')[0]!)).toMatchObject([{ kind: 'refused-service', host: 'api', port: 5999 }]);
    const node = output('stack-node-econnrefused').flatMap(stackCluesOf);
    expect(node).toEqual([{ kind: 'refused-service', port: 5999, line: 'Error: connect ECONNREFUSED 127.0.0.1:5999' }]);
  });

  it("gitea pointed at a port db does not listen on, in the app's own words (cannot reach host:port)", async () => {
    const findings = await edited('awesome-gitea-postgres', (t) => t.replace('DB_HOST=db:5432', 'DB_HOST=db:5437'));
    expect(causes(findings, ['gitea: cannot reach http://db:5437/'])).toEqual([
      ['compose-client-port-moved', 'likely', 'services.gitea.environment.DB_HOST'],
    ]);
    expect(stackCluesOf('Unable to connect to db:5437')).toMatchObject([{ kind: 'refused-service', host: 'db', port: 5437 }]);
  });

  it('frappe: the frontend pointed at a port the backend does not listen on (nginx names the upstream by address)', async () => {
    const findings = await edited('frappe', (t) => t.replace('BACKEND: backend:8000', 'BACKEND: backend:8001'));
    const nginx =
      '2026/12/06 00:41:07 [error] 22#22: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 172.18.0.1, server: , request: "GET / HTTP/1.1", upstream: "http://172.18.0.4:8001/", host: "localhost:8080"';
    expect(causes(findings, [nginx])).toEqual([['compose-client-port-moved', 'likely', 'services.frontend.environment.BACKEND']]);
    expect(findLikelyCauses(findings, [nginx])[0]!.summary).toContain(
      'this commit points frontend at port 8001 (compose.yaml, services.frontend.environment.BACKEND; was BACKEND=backend:8000)',
    );
  });
});

describe('a variable removed from a compose service', () => {
  it('redash: REDASH_DATABASE_URL removed from the server, which needs it', async () => {
    const findings = await edited('redash', (t) =>
      t.replace('      <<: *redash-environment\n      PYTHONUNBUFFERED: 0\n  scheduler', '      PYTHONUNBUFFERED: 0\n  scheduler'),
    );
    const removed = findings.filter((f) => f.instruction === 'services.server.environment.REDASH_DATABASE_URL');
    expect(removed).toHaveLength(1);
    expect(causes(removed, ["KeyError: 'REDASH_DATABASE_URL'"])).toEqual([
      ['manifest-env-removed', 'strong', 'services.server.environment.REDASH_DATABASE_URL'],
    ]);
  });
});

describe('a name or an image of a service', () => {
  const elk = 'awesome-elasticsearch-logstash-kibana';

  it('elasticsearch no longer answers to es (its container_name removed), which kibana calls', async () => {
    const findings = await edited(elk, (t) => t.replace('    container_name: es\n', ''));
    expect(findings.map((f) => [f.kind, f.service, f.instruction, f.before, f.after])).toEqual([
      ['compose-service', 'elasticsearch', 'services.elasticsearch.container_name', 'es', undefined],
    ]);
    const evidence = output('stack-node-getaddrinfo-enotfound').map((line) => line.replace('ENOTFOUND db', 'ENOTFOUND es'));
    expect(causes(findings, evidence)).toEqual([['compose-service-renamed', 'strong', 'services.elasticsearch.container_name']]);
    expect(findLikelyCauses(findings, evidence)[0]!.summary).toContain(
      'this commit removed the name es from elasticsearch (compose.yaml, services.elasticsearch.container_name), and nothing answers to es any more',
    );
  });

  it('elasticsearch unhealthy after its image changed: possible, and only for that service', async () => {
    const findings = await edited(elk, (t) => t.replace('image: elasticsearch:7.16.1', 'image: elasticsearch:8.12.0'));
    const evidence = stackSays('elasticsearch', 'unhealthy', { service: 'kibana', condition: 'service_healthy' });
    expect(causes(findings, evidence)).toEqual([['compose-service-image-changed', 'possible', 'services.elasticsearch.image']]);
    expect(findLikelyCauses(findings, evidence)[0]!.summary).toContain(
      'this commit changed the image of elasticsearch (compose.yaml, services.elasticsearch.image): elasticsearch:7.16.1 → elasticsearch:8.12.0',
    );
    expect(causes(findings, stackSays('kibana', 'container exited with code 1'))).toEqual([]);
  });
});
