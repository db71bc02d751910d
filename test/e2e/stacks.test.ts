/**
 * Compose stacks end to end on the Docker engine with host networking (issue 26): each history's culprit
 * sits between services, and is named with no flag but --network host; every service name resolves to
 * 127.0.0.1, dependencies start first as their conditions ask, and nothing of the session is left on the
 * engine (containers, images, networks, volumes).
 */
import { describe, expect, it } from 'vitest';

import { LABEL_SESSION } from '../../src/docker/labels.js';
import {
  healthcheckRemovedHistory,
  imageOnlyHistory,
  migrationFailsHistory,
  movedContextHistory,
  renamedServiceHistory,
  STACK_PORTS,
} from '../fixtures/stack-histories.js';
import { BASE_IMAGE, requireEngine } from '../helpers/docker-engine.js';
import { deploymentLines, expectCulprit, runPlatform, searchedHistory, type PlatformRun } from '../helpers/platform-run.js';
import { runCli } from '../helpers/run-cli.js';

const HOST_NOTE =
  'on the host network every service listens on 127.0.0.1 and its name resolves there: services must listen on distinct ports';

const line = (services: string) => `deploying as docker compose up --wait would: ${services}, from compose.yaml; ${HOST_NOTE}`;

/** Nothing with the run's session label: containers, images, networks, volumes. */
async function expectNothingLeft(r: PlatformRun): Promise<void> {
  const docker = await requireEngine();
  expect(r.result.sessionId).toMatch(/^\w+$/);
  const filters = { label: [`${LABEL_SESSION}=${r.result.sessionId}`] };
  expect(await docker.listContainers({ all: true, filters })).toEqual([]);
  expect(await docker.listImages({ filters })).toEqual([]);
  expect(await docker.listNetworks({ filters })).toEqual([]);
  expect((await docker.listVolumes({ filters })).Volumes ?? []).toEqual([]);
}

/** The outcomes of every evaluated commit, and the culprit's parent. */
function outcomes(r: PlatformRun): any[] {
  return [...r.result.steps.map((s: any) => s.outcome), r.result.culprit?.parent?.outcome].filter(Boolean);
}

describe('a service renamed while another still calls it by its old name', () => {
  const s = searchedHistory(renamedServiceHistory);

  it('names the rename: web cannot resolve db any more, and says so in its output', async () => {
    const { h, r } = s;
    expectCulprit(r, h);
    expect(deploymentLines(r.lines)[0]).toBe(
      line(`database (${BASE_IMAGE}, healthcheck), web (built here, probed: TCP ${STACK_PORTS.renamedWeb})`),
    );
    const outcome = r.result.culprit.outcome;
    expect(outcome.signature).toBe('web: container exited with code 1');
    expect(outcome.logTail).toEqual(expect.arrayContaining([`orders: cannot reach db:${STACK_PORTS.renamedDb}`]));
    expect(outcome.logTail.join('\n')).toContain(`wget: bad address 'db:${STACK_PORTS.renamedDb}'`);
    expect(r.result.culprit.explanation.likelyCauses).toMatchObject([{ pattern: 'compose-service-renamed', certainty: 'strong' }]);
    expect(r.result.culprit.explanation.findings.map((f: any) => f.summary)).toEqual([
      'compose.yaml: database: service db was renamed to database (services.database)',
    ]);
    expect(r.result.culprit.parent.outcome).toMatchObject({ ok: true });
    await expectNothingLeft(r);
  });
});

describe("a dependency's healthcheck removed under service_healthy", () => {
  const s = searchedHistory(healthcheckRemovedHistory);

  it('names the commit, with compose’s own words and the service that waited', async () => {
    const { h, r } = s;
    expectCulprit(r, h);
    const outcome = r.result.culprit.outcome;
    expect(outcome.signature).toBe('db: has no healthcheck configured (web waits for service_healthy)');
    expect(outcome.logTail).toContain('dependency failed to start: container db has no healthcheck configured');
    expect(r.result.culprit.files).toEqual([{ path: 'compose.yaml', status: 'M' }]);
    expect(r.result.culprit.explanation.likelyCauses).toMatchObject([{ pattern: 'compose-healthcheck-removed', certainty: 'strong' }]);
    await expectNothingLeft(r);
  });

  it('narrow says it does not split a stack’s change yet (inconclusive, exit 5), and tries no configuration', async () => {
    const { h } = s;
    const run = await runCli(['narrow', h.culprit, '--network', 'host', '--json'], { cwd: h.repo.dir });
    expect(run.code, run.stderr).toBe(5);
    const result = JSON.parse(run.stdout);
    // Its ends are verified (two builds: the commit fails, its parent passes); no configuration is tried.
    expect(result).toMatchObject({ status: 'inconclusive', changes: [], tests: [], builds: 2 });
    expect(result.reason).toBe(
      `the commit is deployed as a compose stack (compose.yaml), and narrow does not split a stack's change yet (docs/stacks.md); \`deploybisect explain ${h.shas[h.shas.indexOf(h.culprit) - 1]!.slice(0, 12)} ${h.culprit.slice(0, 12)}\` says what changed`,
    );
  });
});

describe('--runs 2 on a stack', () => {
  it('runs every candidate’s stack twice (the second from the same images, nothing built again), each verdict the majority', async () => {
    const h = healthcheckRemovedHistory();
    try {
      const r = await runPlatform(h, ['--runs', '2', '--verbose']);
      expectCulprit(r, h);
      expect(r.result.confidence).toMatchObject({ mode: 'runs', runsPerEvaluation: 2 });
      const runs = r.result.confidence.commits.reduce((sum: number, c: { runs: number }) => sum + c.runs, 0);
      expect(runs).toBe(2 * r.result.steps.length);
      // db says it is ready once per stack brought up: a second run is a stack of its own, not the first run's verdict again.
      expect(r.lines.filter((line) => /db \| db: ready on /.test(line))).toHaveLength(runs);
      expect(r.result.builds).toBeLessThanOrEqual(r.result.steps.length);
      await expectNothingLeft(r);
    } finally {
      h.repo.remove();
    }
  }, 180_000);
});

describe('a migration that now fails under service_completed_successfully', () => {
  const s = searchedHistory(migrationFailsHistory);

  it('names the migration commit, the one-shot service and its exit, with its output', async () => {
    const { h, r } = s;
    expectCulprit(r, h);
    expect(deploymentLines(r.lines)[0]).toBe(
      line(`db (${BASE_IMAGE}, healthcheck), migrate (built here, one-shot), web (built here, probed: TCP ${STACK_PORTS.migrateWeb})`),
    );
    const outcome = r.result.culprit.outcome;
    expect(outcome.signature).toBe("migrate: didn't complete successfully: exit 1 (web waits for service_completed_successfully)");
    expect(outcome.logTail.join('\n')).toContain('migrate: 0042_totals failed: column "total" already exists');
    // Every good verdict had the whole stack up: the migration done, then web probed.
    for (const o of outcomes(r).filter((o) => o.ok))
      expect(o.signature).toBe(`web: tcp connection accepted on port ${STACK_PORTS.migrateWeb}`);
    await expectNothingLeft(r);
  });
});

describe('a stack of published images whose compose.yaml alone changes', () => {
  const s = searchedHistory(imageOnlyHistory);

  it('deploys it though nothing is built here (the repository has no Dockerfile), and names the compose change', async () => {
    const { h, r } = s;
    expectCulprit(r, h);
    expect(deploymentLines(r.lines)[0]).toBe(
      line(`db (${BASE_IMAGE}, healthcheck), web (${BASE_IMAGE}, probed: TCP ${STACK_PORTS.imagesWeb})`),
    );
    const outcome = r.result.culprit.outcome;
    expect(outcome.signature).toBe('web: container exited with code 1');
    expect(outcome.logTail).toContain(`web: cannot reach http://db:${STACK_PORTS.imagesDb + 5}/`);
    expect(r.result.culprit.files).toEqual([{ path: 'compose.yaml', status: 'M' }]);
    // The variable that links web to db, changed in one place, is the likely cause; no Dockerfile is missed.
    const explanation = r.result.culprit.explanation;
    expect(explanation.likelyCauses).toMatchObject([
      { pattern: 'compose-client-port-moved', finding: { summary: expect.stringContaining('(services.web.environment.DB_URL)') } },
    ]);
    expect(explanation.notes).toEqual([]);
    await expectNothingLeft(r);
  });
});

describe("a build context moved mid-history (compose follows it), then a culprit in the app's new place", () => {
  const s = searchedHistory(movedContextHistory);

  it('builds web from . before the move and from ./web after it, and names the app change', async () => {
    const { h, r } = s;
    expectCulprit(r, h);
    const outcome = r.result.culprit.outcome;
    expect(outcome.signature).toBe('web: container exited with code 1');
    expect(outcome.logTail).toContain(`crm: cannot reach db:${STACK_PORTS.movedDb + 7}`);
    expect(r.result.culprit.files).toEqual([{ path: 'web/start.sh', status: 'M' }]);
    // The commits before the move (their web built from the root) were deployed and judged good.
    const movedAt = h.shas[2]!;
    const before = r.result.steps.filter(
      (step: any) => h.shas.indexOf(step.sha) >= 0 && h.shas.indexOf(step.sha) < h.shas.indexOf(movedAt),
    );
    for (const step of before) expect(step.outcome.ok).toBe(true);
    await expectNothingLeft(r);
  });
});
