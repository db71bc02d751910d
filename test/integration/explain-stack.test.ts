/**
 * `deploybisect explain A B` on a repository whose compose file has several services (a stack): what
 * changed between the two stacks, per service and compose key, from git objects only (no engine).
 * The stack is docker/awesome-compose's nginx-golang-mysql (test/fixtures/compose), edited commit by
 * commit: db's healthcheck removed (backend waits for it with service_healthy), then db renamed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { explainChange } from '../../src/explain/explain-change.js';
import { deployedBy } from '../../src/session/deploy/explain-sources.js';
import { prepareDeployments } from '../../src/session/deploy/prepare.js';
import { composeWords, failureSignature } from '../../src/session/evaluate/stack/stack-evidence.js';
import { COMPOSE_FIXTURES } from '../fixtures/compose/fixture-files.js';
import { TestRepo } from '../fixtures/git-repo.js';
import { runCli } from '../helpers/run-cli.js';
import { settingsFor } from '../helpers/settings.js';

const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
const compose = readFileSync(join(COMPOSE_FIXTURES, 'awesome-nginx-golang-mysql', 'compose.yaml'), 'utf8');
const withoutHealthcheck = compose.replace(/ {4}healthcheck:\n(?: {6}.*\n)+/, '');

describe('deploybisect explain on a compose stack', () => {
  let repo: TestRepo;
  const commits: Record<string, string> = {};

  beforeAll(() => {
    repo = new TestRepo();
    commits.good = repo.commit('A stack: backend, db, proxy', {
      'compose.yaml': compose,
      'backend/Dockerfile': 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nCMD ["go", "run", "."]\n',
      'backend/main.go': 'package main\n\nfunc main() {}\n',
      'db/password.txt': 'db-password-fixture\n',
      'proxy/nginx.conf': 'server { listen 80; location / { proxy_pass http://backend:8000; } }\n',
    });
    commits.noHealthcheck = repo.commit('db: drop the healthcheck', { 'compose.yaml': withoutHealthcheck });
    commits.renamed = repo.commit('db is now database', {
      'compose.yaml': withoutHealthcheck.replace(/^ {2}db:$/m, '  database:').replace(/^ {6}db:$/m, '      database:'),
    });
  });
  afterAll(() => repo?.remove());

  it('names the healthcheck removed from db, under the deployment manifest, without an engine', async () => {
    const run = await runCli(['explain', commits.good!, commits.noHealthcheck!], { cwd: repo.dir, env: NO_ENGINE });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('What changed in the deployment manifest:');
    expect(run.stdout).toMatch(
      /- compose\.yaml: db: the healthcheck was removed \(was CMD-SHELL mysqladmin ping .*\) \(services\.db\.healthcheck\)/,
    );
    expect(run.stdout).not.toContain('Likely cause'); // no run, no evidence: nothing is claimed
  });

  it('JSON: the rename (the dependency that follows it is no change), each finding with its service and key', async () => {
    const run = await runCli(['explain', commits.noHealthcheck!, commits.renamed!, '--json'], { cwd: repo.dir, env: NO_ENGINE });
    expect(run.code, run.stderr).toBe(0);
    const { findings } = JSON.parse(run.stdout).explanation as { findings: Record<string, string>[] };
    expect(findings.map((f) => [f.kind, f.service, f.instruction, f.before, f.after])).toEqual([
      ['compose-service', 'database', 'services.database', 'db', 'database'],
    ]);
    expect(run.stdout).not.toContain('db-password-fixture');
  });

  it("the culprit's explanation, as a run builds it: the stack run's words linked to the healthcheck removed", async () => {
    const [parent, culprit] = [commits.good!, commits.noHealthcheck!];
    const { deployments } = await prepareDeployments(settingsFor(repo.dir), { bad: culprit, good: parent });
    const [atParent, atCulprit] = await Promise.all([deployments.at(parent), deployments.at(culprit)]);
    expect(atCulprit.stack?.services.map((s) => s.name)).toEqual(['db', 'backend', 'proxy']);
    const failure = {
      service: 'db',
      reason: 'has no healthcheck configured',
      dependent: { service: 'backend', condition: 'service_healthy' },
    };
    const explanation = await explainChange(
      {
        repoDir: repo.dir,
        ...atCulprit.context,
        before: parent,
        after: culprit,
        ...deployedBy(atParent, atCulprit),
      },
      [composeWords(failure), failureSignature(failure)],
    );
    expect(explanation.findings.map((f) => f.instruction)).toEqual(['services.db.healthcheck']);
    expect(explanation.likelyCauses.map((c) => [c.pattern, c.certainty, c.finding.instruction])).toEqual([
      ['compose-healthcheck-removed', 'strong', 'services.db.healthcheck'],
    ]);
    expect(explanation.notes.join('\n')).not.toContain('No change in this commit is known to cause');
  });
});
