/**
 * Dependency changes that break a deployment, searched end to end through the built CLI on the real
 * engine: histories of ten commits or so (test/fixtures/dependencies-e2e/), each deployed as its
 * Dockerfile says with npm installing vendored packages offline (no registry), on the Node image made
 * from the host's Node (test/helpers/node-image.ts), or with vendored wheels unpacked for the pins of a
 * requirements.txt, on the image made from Debian's Python (test/helpers/python-image.ts). The culprit must be named, with a likely cause
 * that names the package and its versions, and nothing of the run may be left on the engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LABEL_SESSION } from '../../src/docker/labels.js';
import { createRepo } from '../fixtures/app-repo.js';
import { devMoved } from '../fixtures/dependencies-e2e/dev-moved.js';
import { devCommand, esmBump, type History } from '../fixtures/dependencies-e2e/node-histories.js';
import { importBump } from '../fixtures/dependencies-e2e/python-histories.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine } from '../helpers/docker-engine.js';
import { freePort } from '../helpers/free-port.js';
import { ensureNodeImage } from '../helpers/node-image.js';
import { ensurePythonImage } from '../helpers/python-image.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';

interface LikelyCause {
  pattern: string;
  certainty: string;
  summary: string;
  finding: { kind: string; summary: string };
}

const repos: TestRepo[] = [];
const timings: string[] = [];
let image = '';

/** The search of `history` from its first commit to its last, probing /health on a free port; its JSON. */
async function search(name: string, history: History): Promise<{ run: CliRun; result: any; shas: string[] }> {
  const { repo, shas } = createRepo(history.plan);
  repos.push(repo);
  const port = await freePort();
  const args = ['--network', 'host', '--json', '--env', `PORT=${port}`, '--probe', `http://127.0.0.1:${port}/health`, '--timeout', '20s'];
  const started = Date.now();
  const run = await runCli([shas[0]!, shas.at(-1)!, ...args], { cwd: repo.dir });
  let result: any;
  try {
    result = JSON.parse(run.stdout);
  } catch {
    throw new Error(`no JSON (exit ${run.code}):\n${run.stderr}`);
  }
  const cause = result.culprit?.explanation?.likelyCauses?.[0]?.summary ?? 'no likely cause';
  const top = result.prior?.top?.[0];
  const first = top ? `prior's first ${shas.indexOf(top.sha)} (${top.reasons?.[0]})` : 'no prior';
  timings.push(
    `${name}: ${((Date.now() - started) / 1000).toFixed(1)} s, ${shas.length} commits, ${result.builds} builds, ${first}; ${cause}`,
  );
  return { run, result, shas };
}

async function nothingLeft(sessionId: string): Promise<void> {
  const docker = await requireEngine();
  const filters = { label: [`${LABEL_SESSION}=${sessionId}`] };
  expect(await docker.listContainers({ all: true, filters })).toEqual([]);
  expect(await docker.listImages({ all: true, filters })).toEqual([]);
}

afterAll(() => {
  for (const repo of repos) repo.remove();
  console.log(`dependency bumps:\n${timings.join('\n')}`);
});

describe('dependency bumps, end to end on the engine', () => {
  beforeAll(async () => {
    image = await ensureNodeImage(await requireEngine());
  }, 300_000);

  it('webdav 4.11.2 → 5.2.2 (ESM-only) required by the backend: the bump is the culprit, its likely cause names both versions', async () => {
    const history = await esmBump(image);
    const { run, result, shas } = await search('esm-only bump', history);
    expect(run.code, run.stderr).toBe(0);
    expect(result.culprit?.sha, run.stderr).toBe(shas[history.culprit]);
    expect(result.culprit.outcome.evidence?.join?.('\n') ?? JSON.stringify(result.culprit.outcome)).toContain('ERR_REQUIRE_ESM');
    const causes = result.culprit.explanation.likelyCauses as LikelyCause[];
    expect(causes[0]?.pattern, JSON.stringify(causes)).toBe('esm-only-upgrade');
    // As issue 27 asks: "likely cause: webdav 4.11.2 → 5.2.2 (major): webdav 5 is an ES module and … `require()`s it".
    expect(causes[0]!.summary).toMatch(
      /^webdav 4\.11\.2 → 5\.2\.2 \(major\): webdav 5 is an ES module and `scripts\/server-backend\.js:18` `require\(\)`s it \(package\.json line \d+, package-lock\.json line \d+\); the output says "Error \[ERR_REQUIRE_ESM\]/,
    );
    // The prior put the bump first: its package is the one the bad end's output names.
    expect(result.prior.top[0].sha).toBe(shas[history.culprit]);
    expect(result.prior.top[0].reasons[0]).toBe("bumps webdav 4.11.2 → 5.2.2, which the bad end's output names");
    const webdav = (result.culprit.explanation.dependencies as { name: string }[]).find((d) => d.name === 'webdav');
    expect(webdav).toMatchObject({ ecosystem: 'npm', from: '4.11.2', to: '5.2.2', kind: 'upgraded', direct: true });
    await nothingLeft(result.sessionId);
  }, 600_000);

  it('`npm run build` chained to a production install: tsc not found, typescript named as a dev dependency left out', async () => {
    const history = await devCommand(image);
    const { run, result, shas } = await search('dev-dependency command', history);
    expect(run.code, run.stderr).toBe(0);
    expect(result.culprit?.sha, run.stderr).toBe(shas[history.culprit]);
    expect(JSON.stringify(result.culprit.outcome)).toContain('tsc: not found');
    const causes = result.culprit.explanation.likelyCauses as LikelyCause[];
    expect(causes[0]?.pattern, JSON.stringify(causes)).toBe('command-dev-dependency');
    expect(causes[0]!.summary).toMatch(/typescript/);
    expect(causes[0]!.summary).toMatch(/npm install --production/);
    // typescript's bump (5.4.5 → 5.5.4) cannot make tsc missing: the prior does not weigh it as named by the output.
    const reasons = (result.prior.top as { reasons: string[] }[]).flatMap((t) => t.reasons);
    expect(reasons.filter((r) => r.includes('output names'))).toEqual([]);
    await nothingLeft(result.sessionId);
  }, 600_000);

  it('@sveltejs/kit moved to devDependencies under `npm ci --omit=dev`: Cannot find package, the move named', async () => {
    const history = await devMoved(image);
    const { run, result, shas } = await search('moved to dev', history);
    expect(run.code, run.stderr).toBe(0);
    expect(result.culprit?.sha, run.stderr).toBe(shas[history.culprit]);
    expect(JSON.stringify(result.culprit.outcome)).toContain("Cannot find package '@sveltejs/kit'");
    const causes = result.culprit.explanation.likelyCauses as LikelyCause[];
    expect(causes[0]?.pattern, JSON.stringify(causes)).toBe('module-dependency-dev');
    expect(causes[0]!.summary).toContain('this commit moved @sveltejs/kit to dev dependencies, which a production install leaves out');
    expect(result.prior.top[0].sha).toBe(shas[history.culprit]);
    expect(result.prior.top[0].reasons[0]).toBe("moves @sveltejs/kit to dev dependencies, which the bad end's output names");
    const kit = (result.culprit.explanation.dependencies as { name: string }[]).find((d) => d.name === '@sveltejs/kit');
    expect(kit).toMatchObject({ ecosystem: 'npm', kind: 'moved', direct: true });
    await nothingLeft(result.sessionId);
  }, 600_000);
});

describe("a Python dependency bump, end to end on the engine (Debian's Python)", () => {
  let python = '';
  beforeAll(async () => {
    const started = Date.now();
    python = await ensurePythonImage(await requireEngine());
    timings.push(`python image: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 300_000);

  it('Werkzeug 2.3.7 → 3.0.0 removed url_quote, which app.py imports: the bump is the culprit, its likely cause names both versions', async () => {
    const history = importBump(python);
    const { run, result, shas } = await search('python import bump', history);
    expect(run.code, run.stderr).toBe(0);
    expect(result.culprit?.sha, run.stderr).toBe(shas[history.culprit]);
    expect(JSON.stringify(result.culprit.outcome)).toContain("ImportError: cannot import name 'url_quote' from 'werkzeug.urls'");
    const causes = result.culprit.explanation.likelyCauses as LikelyCause[];
    expect(causes[0]?.pattern, JSON.stringify(causes)).toBe('api-major-upgrade');
    expect(causes[0]!.summary).toMatch(
      /^werkzeug 2\.3\.7 → 3\.0\.0 \(major\): a new major version whose API no longer has `url_quote` as the code uses it \(requirements\.txt line 2\)/,
    );
    expect(result.prior.top[0].sha).toBe(shas[history.culprit]);
    expect(result.prior.top[0].reasons[0]).toBe("bumps werkzeug 2.3.7 → 3.0.0, which the bad end's output names");
    const werkzeug = (result.culprit.explanation.dependencies as { name: string }[]).find((d) => d.name === 'werkzeug');
    expect(werkzeug).toMatchObject({ ecosystem: 'python', from: '2.3.7', to: '3.0.0', kind: 'upgraded', direct: true });
    await nothingLeft(result.sessionId);
  }, 600_000);
});
