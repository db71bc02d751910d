/**
 * `narrow` over a deployment manifest's change: the file split per key (real manifests of public
 * projects, test/fixtures/manifests/), each configuration's text of it (all keys: the commit's text),
 * its patch (`git apply` takes it), its place in the build context when the builder receives it, and
 * the deployment read from the parent with the configuration's keys.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { manifestTextsOf, overlayOf, patchOf } from '../../src/explain/narrow/change-set.js';
import { manifestParts, manifestPatches, manifestTexts, type ManifestEdit } from '../../src/explain/narrow/manifest-edits.js';
import { overlayPlan } from '../../src/git/overlay-context.js';
import { chooseDeployment } from '../../src/session/deploy/choose-deployment.js';
import { Deployments } from '../../src/session/deploy/deployments.js';
import { manifestChanges } from '../../src/session/narrow/manifest-changes.js';
import { narrowEnds } from '../../src/session/narrow/narrow-deployments.js';
import { splitChanges, type SplitChanges } from '../../src/session/narrow/split-changes.js';
import { fixtureFiles } from '../fixtures/compose/fixture-files.js';
import { TestRepo } from '../fixtures/git-repo.js';
import { manifest } from '../helpers/manifest-fixture.js';
import { settingsFor } from '../helpers/settings.js';

const OPENCLAW = manifest('openclaw/render.yaml', 'render.yaml').text;
/** openclaw's render.yaml with its health path moved and two variables changed. */
const OPENCLAW_CHANGED = OPENCLAW.replace('healthCheckPath: /health', 'healthCheckPath: /healthz')
  .replace('value: lan', 'value: loopback')
  .replace('value: /tmp/.openclaw', 'value: /var/lib/openclaw');

/** `text` at `path` after `git apply` of `patch` on a repository whose file is `before`. */
function gitApplied(path: string, before: string | null, patch: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'narrow-manifest-apply-'));
  try {
    execFileSync('git', ['init', '-q'], { cwd: dir });
    if (before !== null) writeFileSync(join(dir, path), before);
    writeFileSync(join(dir, 'p.diff'), patch);
    execFileSync('git', ['apply', 'p.diff'], { cwd: dir });
    try {
      return readFileSync(join(dir, path), 'utf8');
    } catch {
      return null;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function editOf(path: string, before: string | null, after: string | null, patch = ''): ManifestEdit {
  const parts = manifestParts(path, before, after);
  return { format: path.endsWith('.toml') ? 'toml' : 'yaml', before, after, keys: parts.filter((p) => p.change).length, patch };
}

describe('a manifest split per key (pure)', () => {
  it("openclaw's render.yaml: the health path and each variable on its own, in the file's order, with the file's path", () => {
    const parts = manifestParts('render.yaml', OPENCLAW, OPENCLAW_CHANGED);
    expect(parts.map((p) => p.change?.key)).toEqual([
      '[0].services[name=openclaw].healthCheckPath',
      '[0].services[name=openclaw].envVars[key=OPENCLAW_GATEWAY_BIND].value',
      '[0].services[name=openclaw].envVars[key=OPENCLAW_STATE_DIR].value',
    ]);
    expect(parts[0]!.summary).toBe('render.yaml: [0].services[name=openclaw].healthCheckPath: "/health" → "/healthz"');
  });

  it('a configuration has the chosen keys alone; all of them give the commit’s text exactly (comments and layout too)', () => {
    const edits = new Map([['render.yaml', editOf('render.yaml', OPENCLAW, OPENCLAW_CHANGED)]]);
    const parts = manifestParts('render.yaml', OPENCLAW, OPENCLAW_CHANGED);
    const health = manifestTexts(edits, [parts[0]!]).get('render.yaml')!;
    const service = (parseYaml(health) as { services: { healthCheckPath: string; envVars: { key: string; value?: unknown }[] }[] })
      .services[0]!;
    expect(service.healthCheckPath).toBe('/healthz');
    expect(service.envVars.find((e) => e.key === 'OPENCLAW_GATEWAY_BIND')?.value).toBe('lan');
    expect(health).toContain('# ADD ANY OTHER MISSING KEYS HERE:');
    expect(manifestTexts(edits, parts).get('render.yaml')).toBe(OPENCLAW_CHANGED);
    expect(manifestTexts(edits, [parts[2]!, parts[0]!, parts[1]!]).get('render.yaml')).toBe(OPENCLAW_CHANGED);
    expect(manifestTexts(edits, []).size).toBe(0);
    // Its patch: the parent's text → the configuration's, as `git apply` takes it.
    const patches = manifestPatches(edits, [parts[0]!]);
    expect(patches.map(([path]) => path)).toEqual(['render.yaml']);
    expect(gitApplied('render.yaml', OPENCLAW, patches[0]![1])).toBe(health);
  });

  it('secret-looking values are masked in summaries', () => {
    const after = OPENCLAW.replace(
      '- key: OPENCLAW_GATEWAY_TOKEN\n        generateValue: true',
      '- key: OPENCLAW_GATEWAY_TOKEN\n        value: s3cr3t-token-value',
    );
    const summaries = manifestParts('render.yaml', OPENCLAW, after).map((p) => p.summary);
    expect(summaries.join('\n')).toContain('OPENCLAW_GATEWAY_TOKEN].value added: ***');
    expect(summaries.join('\n')).not.toContain('s3cr3t');
  });

  it('a file that does not parse at the commit, one added, one changed in its comments only: each one change as a whole', () => {
    const broken = OPENCLAW.replace('    plan: free\n', '    plan: free\n\tbroken: [\n');
    const whole = manifestParts('render.yaml', OPENCLAW, broken);
    expect(whole).toEqual([
      { kind: 'key', path: 'render.yaml', summary: 'render.yaml changed as a whole (it does not parse at the commit)' },
    ]);
    expect(manifestParts('render.yaml', broken, OPENCLAW)[0]!.summary).toBe(
      'render.yaml changed as a whole (it does not parse at the parent)',
    );
    expect(manifestParts('render.yaml', null, OPENCLAW)[0]!.summary).toBe('render.yaml added');
    const commented = OPENCLAW.replace('# Override default CMD', '# Override the image’s CMD');
    expect(manifestParts('render.yaml', OPENCLAW, commented)[0]!.summary).toBe('render.yaml changed in its comments or layout only');
    const edits = new Map([['render.yaml', editOf('render.yaml', OPENCLAW, broken, 'git-patch')]]);
    expect(manifestTexts(edits, whole).get('render.yaml')).toBe(broken);
    expect(manifestPatches(edits, whole)).toEqual([['render.yaml', 'git-patch']]);
  });

  it("metagram's fly.toml (v1 → Apps v2): one key applied is written back from the parsed value (comments lost), still valid TOML", () => {
    const before = manifest('metagram/fly.toml.d544cf7', 'fly.toml').text;
    const after = manifest('metagram/fly.toml.24c53db', 'fly.toml').text;
    const parts = manifestParts('fly.toml', before, after);
    const edits = new Map([['fly.toml', editOf('fly.toml', before, after)]]);
    const kill = parts.find((p) => p.change?.key === 'kill_timeout')!;
    const text = manifestTexts(edits, [kill]).get('fly.toml')!;
    expect(text).toContain('kill_timeout = "1m0s"');
    expect(text).not.toContain('#');
    expect(gitApplied('fly.toml', before, manifestPatches(edits, [kill])[0]![1])).toBe(text);
    expect(manifestTexts(edits, parts).get('fly.toml')).toBe(after);
  });
});

const APP = 'FROM scratch\nCOPY . /app\nCMD ["/app/start"]\n';

describe('a commit that changes render.yaml (sent to the builder) and a file of the context', () => {
  let repo: TestRepo;
  let parent: string;
  let commit: string;
  let split: SplitChanges;
  beforeAll(async () => {
    repo = new TestRepo('narrow-manifest-');
    parent = repo.commit('deploy on Render', { Dockerfile: APP, 'render.yaml': OPENCLAW, 'start.sh': 'echo one\necho two\n' });
    commit = repo.commit('move the health check, change two variables and the start script', {
      'render.yaml': OPENCLAW_CHANGED,
      'start.sh': 'echo one\necho three\n',
    });
    const manifests = await manifestChanges({ repoDir: repo.dir, parent, commit, paths: ['render.yaml'] });
    split = await splitChanges({ repoDir: repo.dir, parent, commit, contextDir: '.', dockerfile: 'Dockerfile', manifests });
  });
  afterAll(() => repo?.remove());

  it('are numbered by path: the keys of render.yaml in its order (no hunk of it), then the hunk of start.sh', () => {
    expect(split.set.changes.map((c) => [c.id, c.kind, c.path])).toEqual([
      [1, 'key', 'render.yaml'],
      [2, 'key', 'render.yaml'],
      [3, 'key', 'render.yaml'],
      [4, 'hunk', 'start.sh'],
    ]);
    expect(split.set.manifests?.get('render.yaml')?.context?.contextPath).toBe('render.yaml');
  });

  it("in the context, render.yaml is the configuration's text: none applied the parent's context, all the commit's", () => {
    const { set, parentPlan, commitPlan } = split;
    expect(overlayPlan(parentPlan, overlayOf(set, [])).fingerprint).toBe(parentPlan.fingerprint);
    expect(overlayPlan(parentPlan, overlayOf(set, [1, 2, 3, 4])).fingerprint).toBe(commitPlan.fingerprint);
    const health = overlayOf(set, [1]).get('render.yaml');
    expect(health?.type).toBe('inline');
    const text = health?.type === 'inline' ? health.content.toString('utf8') : '';
    expect(text).toBe(manifestTextsOf(set, [1]).get('render.yaml'));
    expect(text).toContain('healthCheckPath: /healthz');
    expect(text).toContain('value: lan');
    expect(overlayOf(set, [4]).has('render.yaml')).toBe(false);
  });

  it('patches: one key alone, and all changes, rebuild their configuration with git apply', () => {
    const dir = mkdtempSync(join(tmpdir(), 'narrow-manifest-clone-'));
    try {
      execFileSync('git', ['clone', '-q', repo.dir, dir]);
      execFileSync('git', ['checkout', '-q', parent], { cwd: dir });
      writeFileSync(join(dir, '.git', 'one.diff'), patchOf(split.set, [1, 4]));
      execFileSync('git', ['apply', join('.git', 'one.diff')], { cwd: dir });
      expect(readFileSync(join(dir, 'render.yaml'), 'utf8')).toBe(manifestTextsOf(split.set, [1]).get('render.yaml'));
      expect(readFileSync(join(dir, 'start.sh'), 'utf8')).toBe('echo one\necho three\n');
      execFileSync('git', ['checkout', '-q', '.'], { cwd: dir });
      writeFileSync(join(dir, '.git', 'all.diff'), patchOf(split.set, [1, 2, 3, 4]));
      execFileSync('git', ['apply', join('.git', 'all.diff')], { cwd: dir });
      expect(execFileSync('git', ['diff', commit, '--stat'], { cwd: dir, encoding: 'utf8' })).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('each configuration is deployed as the parent with its keys: the health path alone; all keys the commit’s deployment', async () => {
    const settings = settingsFor(repo.dir, { network: 'host' }, 'narrow');
    const deployments = new Deployments(settings, await chooseDeployment(settings, { bad: commit, good: parent }));
    const health = await deployments.withFiles(parent, manifestTextsOf(split.set, [1]));
    expect(health.contract?.health).toEqual(['GET /healthz on 10000 (2xx/3xx, 5.0s)']);
    expect(health.run.env).toContain('OPENCLAW_GATEWAY_BIND=lan');
    expect(health.contract?.manifest.blob).not.toBe(repo.git('rev-parse', `${commit}:render.yaml`));
    // The same texts: the same deployment (and the same generated token); all keys: the commit's key and blob.
    expect(await deployments.withFiles(parent, manifestTextsOf(split.set, [1]))).toBe(health);
    const all = await deployments.withFiles(parent, manifestTextsOf(split.set, [1, 2, 3]));
    const atCommit = await deployments.at(commit);
    expect(all.key).toBe(atCommit.key);
    expect(all.contract?.manifest.blob).toBe(repo.git('rev-parse', `${commit}:render.yaml`));
    const token = (d: typeof all) => d.run.env.find((e) => e.startsWith('OPENCLAW_GATEWAY_TOKEN='));
    expect(token(all)).toBe(token(atCommit));
    expect(await deployments.withFiles(parent, new Map())).toBe(await deployments.at(parent));
    // Without the manifest (a configuration of a commit that deletes or renames it): deployed as without one.
    const none = await deployments.withFiles(parent, new Map([['render.yaml', null]]));
    expect([none.contract, none.key, none.notes]).toEqual([
      undefined,
      '',
      ['no render.yaml at this commit: deployed as without a manifest'],
    ]);
  });
});

describe('the ends of a narrowing', () => {
  let repo: TestRepo;
  afterAll(() => repo?.remove());

  it('render.yaml ignored by the builder: split per key, outside the context; a Dockerfile moved by the manifest: apart', async () => {
    repo = new TestRepo('narrow-manifest-ends-');
    const parent = repo.commit('deploy on Render', {
      Dockerfile: APP,
      'Dockerfile.render': APP,
      '.dockerignore': 'render.yaml\n',
      'render.yaml': OPENCLAW,
    });
    const keys = repo.commit('move the health check', { 'render.yaml': OPENCLAW_CHANGED });
    const moved = repo.commit('build Dockerfile.render', {
      'render.yaml': OPENCLAW_CHANGED.replace('    runtime: docker\n', '    runtime: docker\n    dockerfilePath: ./Dockerfile.render\n'),
    });
    const settings = settingsFor(repo.dir, { network: 'host' }, 'narrow');
    const deployments = new Deployments(settings, await chooseDeployment(settings, { bad: keys, good: parent }));
    const ends = await narrowEnds(deployments, repo.dir, { parent, commit: keys });
    expect(ends.apart).toBeUndefined();
    expect(ends.context).toEqual({ contextDir: '.', dockerfile: 'Dockerfile' });
    expect(ends.manifests?.parts).toHaveLength(3);
    const split = await splitChanges({ repoDir: repo.dir, parent, commit: keys, ...ends.context, manifests: ends.manifests! });
    expect(split.set.manifests?.get('render.yaml')?.context).toBeUndefined();
    expect(overlayOf(split.set, [1]).size).toBe(0);
    const apart = await narrowEnds(deployments, repo.dir, { parent: keys, commit: moved });
    expect(apart.apart).toBe(
      "the parent's deployment builds ./Dockerfile (context .) and the commit's ./Dockerfile.render (context .): narrow does not mix two build contexts",
    );
  });
});

describe('Kubernetes: a change to a manifest skaffold deploys', () => {
  let repo: TestRepo;
  afterAll(() => repo?.remove());

  it("splits the file skaffold's kustomization lists per key, and deploys a configuration with the readiness path alone", async () => {
    repo = new TestRepo('narrow-manifest-k8s-');
    const demo = 'microservices-demo/34ffea9/';
    const frontend = manifest(`${demo}kubernetes-manifests/frontend.yaml`, 'x').text;
    const files = [
      'skaffold.yaml',
      ...['kustomization', 'frontend', 'cartservice', 'loadgenerator'].map((n) => `kubernetes-manifests/${n}.yaml`),
    ];
    const parent = repo.commit('the shop', {
      ...Object.fromEntries(files.map((f) => [f, manifest(`${demo}${f}`, f).text])),
      'src/frontend/Dockerfile': APP,
    });
    const moved = frontend
      .replace(
        'path: "/_healthz"\n              port: 8080\n              httpHeaders:\n              - name: "Cookie"\n                value: "shop_session-id=x-readiness-probe"',
        'path: "/ready"\n              port: 8080\n              httpHeaders:\n              - name: "Cookie"\n                value: "shop_session-id=x-readiness-probe"',
      )
      .replace('name: ENABLE_PROFILER\n            value: "0"', 'name: ENABLE_PROFILER\n            value: "1"');
    const commit = repo.commit('frontend: ready on /ready, profiler on', { 'kubernetes-manifests/frontend.yaml': moved });
    const settings = settingsFor(repo.dir, { network: 'host', service: 'frontend' }, 'narrow');
    const deployments = new Deployments(settings, await chooseDeployment(settings, { bad: commit, good: parent }));
    expect(await deployments.contractFiles(commit)).toEqual(
      expect.arrayContaining(['skaffold.yaml', 'kubernetes-manifests/frontend.yaml']),
    );
    const ends = await narrowEnds(deployments, repo.dir, { parent, commit });
    expect(ends.context).toEqual({ contextDir: 'src/frontend', dockerfile: 'Dockerfile' });
    expect(ends.manifests?.parts.map((p) => [p.path, p.change?.key])).toEqual([
      ['kubernetes-manifests/frontend.yaml', '[0].spec.template.spec.containers[name=server].readinessProbe.httpGet.path'],
      ['kubernetes-manifests/frontend.yaml', '[0].spec.template.spec.containers[name=server].env[name=ENABLE_PROFILER].value'],
    ]);
    const split = await splitChanges({ repoDir: repo.dir, parent, commit, ...ends.context, manifests: ends.manifests! });
    const ready = await deployments.withFiles(parent, manifestTextsOf(split.set, [1]));
    expect(ready.contract?.health.some((h) => h.startsWith('GET /ready on 8080'))).toBe(true);
    expect(ready.run.env).toContain('ENABLE_PROFILER=0');
    expect((await deployments.withFiles(parent, manifestTextsOf(split.set, [1, 2]))).key).toBe((await deployments.at(commit)).key);
  });
});

describe('Docker Compose: a change to the compose file of the service deployed', () => {
  let repo: TestRepo;
  afterAll(() => repo?.remove());

  it("awesome-compose django: the published port alone, read through compose's loader with the configuration's text", async () => {
    repo = new TestRepo('narrow-manifest-compose-');
    const files = fixtureFiles('awesome-django');
    const parent = repo.commit('django', { ...files, 'app/Dockerfile': 'FROM scratch AS builder\nFROM scratch AS runtime\n' });
    const changed = files['compose.yaml']!.replace("'8000:8000'", "'8001:8001'").replace('target: builder', 'target: runtime');
    const commit = repo.commit('publish 8001, build the runtime stage', { 'compose.yaml': changed });
    const settings = settingsFor(repo.dir, { network: 'host', platform: 'compose', service: 'web' }, 'narrow');
    const deployments = new Deployments(settings, await chooseDeployment(settings, { bad: commit, good: parent }));
    const ends = await narrowEnds(deployments, repo.dir, { parent, commit });
    expect(ends.manifests?.parts.map((p) => p.change?.key)).toEqual(['[0].services.web.build.target', '[0].services.web.ports']);
    const split = await splitChanges({ repoDir: repo.dir, parent, commit, ...ends.context, manifests: ends.manifests! });
    const port = await deployments.withFiles(parent, manifestTextsOf(split.set, [2]));
    expect([port.contract?.port, port.build.target]).toEqual([8001, 'builder']);
    expect(port.contract?.manifest.blob).not.toBe(repo.git('rev-parse', `${parent}:compose.yaml`));
    const all = await deployments.withFiles(parent, manifestTextsOf(split.set, [1, 2]));
    expect([all.key, all.contract?.manifest.blob]).toEqual([
      (await deployments.at(commit)).key,
      repo.git('rev-parse', `${commit}:compose.yaml`),
    ]);
  });
});
