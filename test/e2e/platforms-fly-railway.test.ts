/**
 * Fly.io and Railway end to end (issue 25): each commit deployed as fly.toml or railway.toml/json says
 * at that commit, found with no flag but --network host, on the real engine. One file for both: Fly's
 * internal_port default and Railway's PORT are both 8080 on the host network, so they take turns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { flyAppHistory, flyManifestHistory, flyParseHistory } from '../fixtures/platform-fly.js';
import { PORTS, type History } from '../fixtures/platform-history.js';
import { railwayAppHistory, railwayManifestHistory, railwayParseHistory } from '../fixtures/platform-railway.js';
import {
  expectContracts,
  expectCulprit,
  expectFirstLines,
  expectNothingLeft,
  expectRefusedCulprit,
  manifestFindings,
  runPlatform,
  searchedHistory,
  type PlatformRun,
} from '../helpers/platform-run.js';

describe('Fly.io: the culprit is in the application', () => {
  const s = searchedHistory(flyAppHistory);

  it('finds the commit that listens on $PORT (Fly sets none), across the Dockerfile’s move to deploy/', async () => {
    const { h, r } = s;
    expectCulprit(r, h);
    expectFirstLines(r, ['deploying as Fly.io would: port 8080, GET /health on 8080 (2xx, 1.0s), from fly.toml']);
    expectContracts(r, 'fly', 'fly.toml');
    const outcome = r.result.culprit.outcome;
    expect(outcome.signature).toBe('http connection refused on /health (http://127.0.0.1:8080/health)');
    expect(outcome.logTail).toContain(`catalog: listening on 127.0.0.1:${PORTS.flyFallback}`);
    // Fly injects no PORT: the contract's environment has only what fly.toml sets.
    expect(outcome.contract.env).toEqual(['PRIMARY_REGION']);
    expect(r.result.culprit.files).toEqual([{ path: 'start.sh', status: 'M' }]);
    expect(manifestFindings(r)).toEqual([]);
    await expectNothingLeft(r);
  });
});

describe('Fly.io: the culprit is fly.toml alone (in .dockerignore, as fly launch writes it)', () => {
  const s = {} as { h: History; r: PlatformRun; again: PlatformRun };
  let cacheDir: string;
  beforeAll(async () => {
    s.h = flyManifestHistory();
    cacheDir = mkdtempSync(join(tmpdir(), 'deploybisect-fly-cache-'));
    s.r = await runPlatform(s.h, [], { cacheDir });
    // The same search again, from the verdict cache only (a fresh state: nothing is replayed from it).
    s.again = await runPlatform(s.h, ['--state', join(cacheDir, 'again.json')], { cacheDir });
  }, 120_000);
  afterAll(() => {
    s.h?.repo.remove();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('finds the commit that moved internal_port while the app kept listening on 8080', async () => {
    const { h, r } = s;
    expectCulprit(r, h);
    const line = `deploying as Fly.io would: port ${PORTS.flyMoved}, GET /healthz on ${PORTS.flyMoved} (2xx, 1.0s), from fly.toml`;
    expectFirstLines(r, [line]);
    expectContracts(r, 'fly', 'fly.toml');
    const outcome = r.result.culprit.outcome;
    expect(outcome.signature).toBe(`http connection refused on /healthz (http://127.0.0.1:${PORTS.flyMoved}/healthz)`);
    expect(outcome.logTail).toContain('catalog: listening on 127.0.0.1:8080');
    expect(r.result.culprit.files).toEqual([{ path: 'fly.toml', status: 'M' }]);
    expect(manifestFindings(r)).toContain(
      `manifest-port: fly.toml: the port changed: 8080 → ${PORTS.flyMoved} ([http_service] internal_port)`,
    );
    // The refused connection is linked to the port the manifest moved to.
    expect(r.result.culprit.explanation.likelyCauses).toMatchObject([
      {
        pattern: 'manifest-port-moved',
        certainty: 'strong',
        finding: { kind: 'manifest-port', before: '8080', after: `${PORTS.flyMoved}` },
      },
    ]);
    await expectNothingLeft(r);
  });

  it('remembers each verdict by the deployment: the culprit and its parent share a build context, not a verdict', () => {
    const { h, again } = s;
    expectCulprit(again, h);
    expect(again.result.builds).toBe(0);
    for (const step of again.result.steps) expect(step.outcome.reused, step.sha).toBe('cache');
    expect(again.result.culprit.outcome.ok).toBe(false);
    expect(again.result.culprit.parent.outcome.ok).toBe(true);
    expect(again.result.culprit.outcome.fingerprint).not.toBe(again.result.culprit.parent.outcome.fingerprint);
  });
});

describe('Fly.io: a commit whose fly.toml does not parse', () => {
  const s = searchedHistory(flyParseHistory);

  it('is judged bad with the parse error and its place as evidence, without a build', async () => {
    const { h, r } = s;
    // Line 20 is the second [http_service] (smol-toml places the error one column into it).
    expectRefusedCulprit(r, h, 'Fly.io', 'fly.toml:20:2: not valid TOML: trying to redefine an already defined table or value');
    expectContracts(r, 'fly', 'fly.toml');
    await expectNothingLeft(r);
  });
});

describe('Railway: the culprit is in the application', () => {
  const s = searchedHistory(railwayAppHistory);

  it('finds the commit whose /ready answers with a redirect, which Railway does not count (200 only)', async () => {
    const { h, r } = s;
    expectCulprit(r, h);
    expectFirstLines(r, ['deploying as Railway would: PORT=8080, GET /ready on 8080 (200), from railway.toml']);
    expectContracts(r, 'railway', 'railway.toml');
    expect(r.result.culprit.outcome.signature).toBe('http 302 from /ready');
    expect(r.result.culprit.outcome.contract.env).toEqual(['PORT']);
    expect(manifestFindings(r)).toEqual([]);
    await expectNothingLeft(r);
  });
});

describe('Railway: the culprit is railway.toml alone (not sent to the builder)', () => {
  const s = searchedHistory(railwayManifestHistory);

  it('finds the commit that changed healthcheckPath alone, across the Dockerfile’s move', async () => {
    const { h, r } = s;
    expectCulprit(r, h);
    expectFirstLines(r, ['deploying as Railway would: PORT=8080, GET /healthz on 8080 (200), from railway.toml']);
    expectContracts(r, 'railway', 'railway.toml');
    expect(r.result.culprit.outcome.signature).toBe('http 404 from /healthz');
    expect(r.result.culprit.files).toEqual([{ path: 'railway.toml', status: 'M' }]);
    const findings = manifestFindings(r);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(
      /^manifest-health: railway\.toml: the health check changed: GET \/health on 8080 200.* → GET \/healthz on 8080 200.*\(deploy\.healthcheckPath\)$/,
    );
    expect(r.result.culprit.explanation.likelyCauses).toMatchObject([
      { pattern: 'manifest-health-moved', evidence: 'http 404 from /healthz' },
    ]);
    await expectNothingLeft(r);
  });
});

describe('Railway: a commit whose railway.json does not parse', () => {
  const s = searchedHistory(railwayParseHistory);

  it('is judged bad with the parse error and its place as evidence, without a build', async () => {
    const { h, r } = s;
    expectRefusedCulprit(r, h, 'Railway', /^railway\.json:8:5: not valid /);
    // The parent ran the start command railway.json gave it.
    expect(r.result.culprit.parent.outcome).toMatchObject({
      ok: true,
      contract: { platform: 'railway', manifest: { path: 'railway.json' } },
    });
    expectContracts(r, 'railway', 'railway.json');
    await expectNothingLeft(r);
  });
});
