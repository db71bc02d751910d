/**
 * Render end to end (issue 25): each commit deployed as render.yaml says at that commit, found with no
 * flag but --network host, on the real engine. Ports: test/fixtures/platform-history.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PORTS, type History } from '../fixtures/platform-history.js';
import {
  renderAppHistory,
  renderManifestHistory,
  renderParseHistory,
  renderSecretHistory,
  staleRenderHistory,
} from '../fixtures/platform-render.js';
import {
  deploymentLines,
  expectContracts,
  expectCulprit,
  expectFirstLines,
  expectNothingLeft,
  expectRefusedCulprit,
  manifestFindings,
  runPlatform,
  type PlatformRun,
} from '../helpers/platform-run.js';
import { runCli } from '../helpers/run-cli.js';

const RENDER_LINE = 'deploying as Render would: PORT=10000, GET /health on 10000 (2xx/3xx, 5.0s), from render.yaml';

describe('Render: the culprit is in the application', () => {
  let h: History;
  let r: PlatformRun;
  beforeAll(async () => {
    h = renderAppHistory();
    r = await runPlatform(h);
  }, 120_000);
  afterAll(() => h?.repo.remove());

  it('finds the commit that reads APP_MODE, deploying every commit’s orders-api with the MODE and PORT render.yaml gives', async () => {
    expectCulprit(r, h);
    expectFirstLines(r, [RENDER_LINE, 'also found docker-compose.yml (--platform compose to use it, --platform none for none)']);
    expectContracts(r, 'render', 'render.yaml');
    const outcome = r.result.culprit.outcome;
    expect(outcome.signature).toBe('container exited with code 1');
    expect(outcome.logTail).toContain("orders-api: MODE must be production, got ''");
    expect(outcome.contract.env).toEqual(['MODE', 'PORT']);
    // Before the admin site was retired render.yaml had two web services: the bad commit's one is deployed.
    for (const step of r.result.steps) expect(step.outcome.contract.service).toBe('orders-api');
    // The parent was checked on the health path of its own render.yaml.
    expect(r.result.culprit.parent.outcome.ok).toBe(true);
    expect(r.result.culprit.parent.outcome.contract.health).toEqual(['GET /health on 10000 (2xx/3xx, 5.0s)']);
    expect(manifestFindings(r)).toEqual([]);
    await expectNothingLeft(r);
  });
});

describe('Render: the culprit is render.yaml alone (not sent to the builder)', () => {
  let h: History;
  let r: PlatformRun;
  beforeAll(async () => {
    h = renderManifestHistory();
    r = await runPlatform(h);
  }, 120_000);
  afterAll(() => h?.repo.remove());

  it('finds the commit that set MODE=prod, though its build context is its parent’s', async () => {
    expectCulprit(r, h);
    expectFirstLines(r, [RENDER_LINE]);
    expectContracts(r, 'render', 'render.yaml');
    expect(r.result.culprit.outcome.logTail).toContain("orders-api: MODE must be production, got 'prod'");
    expect(r.result.culprit.files).toEqual([{ path: 'render.yaml', status: 'M' }]);
    expect(manifestFindings(r)).toEqual(['manifest-env: render.yaml: MODE=production → MODE=prod']);
    expect(r.report).toContain('render.yaml: MODE=production → MODE=prod');
    await expectNothingLeft(r);
  });

  it('deployed the commits before the port moved on the PORT render.yaml set', () => {
    const early = r.result.steps.filter((s: any) => s.outcome.contract?.port === PORTS.renderSet);
    for (const step of early) expect(step.outcome.contract.health).toEqual([`GET /health on ${PORTS.renderSet} (2xx/3xx, 5.0s)`]);
  });
});

describe('Render: a commit whose render.yaml does not parse', () => {
  let h: History;
  let r: PlatformRun;
  beforeAll(async () => {
    h = renderParseHistory();
    r = await runPlatform(h);
  }, 120_000);
  afterAll(() => h?.repo.remove());

  it('is judged bad with the parse error and its place as evidence, without a build', async () => {
    expectRefusedCulprit(r, h, 'Render', 'render.yaml:9:1: not valid YAML: A block sequence may not be used as an implicit map key');
    expectContracts(r, 'render', 'render.yaml');
    expect(r.result.culprit.parent.outcome).toMatchObject({ ok: true, contract: { line: RENDER_LINE } });
    await expectNothingLeft(r);
  });
});

describe('Render: render.yaml names a Dockerfile that never existed (the seed team’s repository)', () => {
  let h: History;
  let auto: PlatformRun;
  let forced: PlatformRun;
  beforeAll(async () => {
    h = staleRenderHistory();
    auto = await runPlatform(h);
    forced = await runPlatform(h, ['--platform', 'render']);
  }, 120_000);
  afterAll(() => h?.repo.remove());

  it('says the manifest did not deploy the good commit, and follows ./Dockerfile', async () => {
    expectCulprit(auto, h);
    expectFirstLines(auto, [
      `render.yaml names ./Dockerfile.render, which the good commit ${h.good.slice(0, 12)} does not have, yet it deployed: Render did not build it by this manifest (a dashboard setting, most likely); deploying as without a manifest (--platform render deploys by it)`,
    ]);
    expect(auto.result.culprit.outcome.signature).toBe('healthcheck unhealthy');
    for (const step of auto.result.steps) expect(step.outcome.contract).toBeUndefined();
    // Explained from ./Dockerfile's context: the start script it copies, no manifest finding.
    expect(auto.result.culprit.explanation.files.inContext.map((f: any) => f.path)).toEqual(['start.sh']);
    expect(manifestFindings(auto)).toEqual([]);
    await expectNothingLeft(auto);
  });

  it('deploys by the manifest with --platform render, and then the good commit fails', async () => {
    expect(forced.run.code, forced.run.stderr).toBe(4);
    expect(forced.result.status).toBe('good-is-unhealthy');
    // The variables render.yaml leaves to the dashboard are named, with how to pass them; never guessed.
    const [first, ...notes] = deploymentLines(forced.lines);
    expect(first).toBe(RENDER_LINE);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(
      /^DATABASE_URL is not in render\.yaml \(fromDatabase orders-db\.connectionString\): pass it with --secret-env DATABASE_URL/,
    );
    expect(notes[1]).toMatch(/^STRIPE_API_KEY is not in render\.yaml \(sync: false.*\): pass it with --secret-env STRIPE_API_KEY/);
    expect(forced.result.verification.good).toMatchObject({
      ok: false,
      phase: 'build',
      signature: "build failed: no Dockerfile at 'Dockerfile.render'",
    });
    await expectNothingLeft(forced);
  });
});

describe('Render: a generated secret (generateValue: true) the app prints', () => {
  let h: History;
  let server: Server;
  const received: string[] = [];
  let text: { code: number | null; stdout: string; stderr: string };
  let r: PlatformRun;
  let again: PlatformRun;
  let cacheDir: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(PORTS.leak, '127.0.0.1', resolve));
    h = renderSecretHistory();
    cacheDir = mkdtempSync(join(tmpdir(), 'deploybisect-secret-cache-'));
    // The text output with every container line (--verbose), then JSON, the report and the state.
    text = await runCli([h.good, h.bad, '--network', 'host', '--verbose'], { cwd: h.repo.dir });
    r = await runPlatform(h, [], { cacheDir });
    // Once more with the same verdict cache and a fresh state: a generated value is no part of a verdict's key.
    again = await runPlatform(h, ['--state', join(cacheDir, 'again.json')], { cacheDir });
  }, 120_000);
  afterAll(async () => {
    h?.repo.remove();
    rmSync(cacheDir, { recursive: true, force: true });
    await new Promise((resolve) => server?.close(resolve));
  });

  it('reaches the app: a fresh value per run, 44 characters (32 random bytes, base64)', () => {
    expect(text.code, text.stderr).toBe(0);
    expectCulprit(r, h);
    const values = [...new Set(received)];
    expect(values).toHaveLength(2);
    for (const value of values) expect(value).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(text.stderr).toContain('orders-api: session secret *** (44 characters)');
    expect(r.result.culprit.outcome.logTail).toContain('orders-api: refusing the session secret ***: sessions are signed with HS512 now');
    expect(r.result.culprit.outcome.contract.env).toEqual(['MODE', 'SESSION_SECRET', 'PORT']);
  });

  it('never shows the value: not in the text, the JSON, the report or the saved state', () => {
    const files = listFiles(cacheDir);
    expect(files.some((f) => f.includes(`${join('deploybisect', 'state')}`))).toBe(true);
    expect(files.some((f) => f.includes(`${join('deploybisect', 'verdicts')}`))).toBe(true);
    const places = {
      text: text.stdout + text.stderr,
      json: r.run.stdout + r.run.stderr,
      report: r.report,
      'the run from the cache': again.run.stdout + again.run.stderr + again.report,
      'file names': files.join('\n'),
      ...Object.fromEntries(files.map((f) => [f, readFileSync(f, 'utf8')])),
    };
    for (const value of received) {
      for (const [where, content] of Object.entries(places)) expect(content.includes(value), where).toBe(false);
    }
  });

  it('keys verdicts without the value: a run with another value reuses them', () => {
    expectCulprit(again, h);
    expect(again.result.builds).toBe(0);
    for (const step of again.result.steps) expect(step.outcome.reused, step.sha).toBe('cache');
    expect(new Set(received).size).toBe(2);
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
