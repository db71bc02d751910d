import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { detectManifests } from '../../src/contract/at-commit/detect-manifests.js';
import { readContractAt } from '../../src/contract/at-commit/read-at-commit.js';
import { alsoFoundText, chooseManifest, type Detected } from '../../src/contract/detect/choose.js';
import { composeBuildsHere, platformByName, platformByText } from '../../src/contract/detect/known-paths.js';
import { UsageError } from '../../src/errors.js';
import { TestRepo } from '../fixtures/git-repo.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));
const fixture = (path: string) => readFileSync(FIXTURES + path, 'utf8');

describe('choosing the manifest (pure)', () => {
  const render: Detected = { platform: 'render', path: 'render.yaml', files: [] };
  const fly: Detected = { platform: 'fly', path: 'fly.toml', files: [] };
  const imageCompose: Detected = { platform: 'compose', path: 'compose.yaml', files: [], buildsHere: false };
  const buildCompose: Detected = { ...imageCompose, buildsHere: true };

  it('auto: a platform manifest before a compose file, in the documented order', () => {
    const choice = chooseManifest([buildCompose, fly, render], { platform: 'auto' });
    expect(choice).toMatchObject({ kind: 'use', used: render, others: [buildCompose, fly] });
    expect(alsoFoundText(choice)).toBe(
      'also found compose.yaml, fly.toml (--platform compose or fly to use one, --platform none for none)',
    );
    expect(chooseManifest([buildCompose], { platform: 'auto' })).toMatchObject({ kind: 'use', used: buildCompose });
  });

  it('auto: a compose file whose services only run published images is used only when named', () => {
    const choice = chooseManifest([imageCompose], { platform: 'auto' });
    expect(choice).toMatchObject({ kind: 'none', why: 'only compose.yaml, whose services run published images' });
    expect(alsoFoundText(choice)).toBe('also found compose.yaml (--platform compose to use it)');
    expect(chooseManifest([imageCompose], { platform: 'compose' })).toMatchObject({ kind: 'use', used: imageCompose });
    expect(chooseManifest([], { platform: 'auto' })).toMatchObject({ kind: 'none', why: 'no manifest found' });
  });

  it('auto: without a Dockerfile to build, a compose file of published images is what deploys; a platform manifest still comes first', () => {
    expect(chooseManifest([imageCompose], { platform: 'auto', noDockerfile: true })).toMatchObject({ kind: 'use', used: imageCompose });
    expect(chooseManifest([imageCompose, render], { platform: 'auto', noDockerfile: true })).toMatchObject({ kind: 'use', used: render });
  });

  it('--platform and --manifest choose; asking for what is not there is a usage error', () => {
    expect(chooseManifest([render, fly], { platform: 'fly' })).toMatchObject({ used: fly, why: '--platform fly' });
    expect(chooseManifest([render, fly], { platform: 'none' })).toMatchObject({ kind: 'none', found: [render, fly] });
    expect(() => chooseManifest([render], { platform: 'heroku' })).toThrow(
      new UsageError('--platform heroku: heroku.yml not found at this commit (found render.yaml; use --manifest <path> for another place)'),
    );
    expect(chooseManifest([render, fly], { platform: 'auto', manifest: 'fly.toml' })).toMatchObject({ used: fly });
    expect(() => chooseManifest([render], { platform: 'fly', manifest: 'render.yaml' })).toThrow(UsageError);
  });

  it('tells a manifest by its name or its text', () => {
    expect(
      ['ops/render.prod.yaml', 'fly.staging.toml', 'deploy/railway.json', 'compose.dev.yml', '.do/deploy.template.yaml', 'x.yaml'].map(
        platformByName,
      ),
    ).toEqual(['render', 'fly', 'railway', 'compose', 'digitalocean', undefined]);
    expect(platformByText(fixture('cloudrun/service.yaml'))).toBe('cloudrun');
    expect(platformByText(fixture('zero-to-production/spec.yaml'))).toBe('digitalocean');
    expect(platformByText('openapi: 3.0.0\ninfo:\n  title: x\n')).toBeUndefined();
    expect(platformByText('kind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n')).toBeUndefined(); // a Helm template
    expect(composeBuildsHere('services:\n  web:\n    image: nginx\n  api:\n    build: .\n')).toBe(true);
    expect(composeBuildsHere('services:\n  web:\n    image: ghcr.io/a/b:1\n')).toBe(false);
  });
});

describe('detecting manifests in a commit (a real repository)', () => {
  const repo = new TestRepo('deploybisect-contract-detect-');
  let first = '';
  let second = '';

  beforeAll(() => {
    first = repo.commit('a Render service, a compose file for the published image, Kubernetes manifests', {
      'render.yaml': fixture('stale-render/render.yaml'),
      Dockerfile: 'FROM scratch\n',
      'compose.yaml': 'services:\n  web:\n    image: ghcr.io/acme/orders:latest\n',
      'k8s/web.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: orders\n',
      'k8s/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\ndata:\n  A: b\n',
      'k8s/chart/templates/x.yaml': 'kind: Deployment\nspec: {{ .Values.spec }}\n',
      'spec.yaml': 'openapi: 3.0.0\n',
      'docs/readme.md': 'x\n',
    });
    const demo = 'microservices-demo/34ffea9/';
    second = repo.commit('skaffold with kustomize, fly.toml; render.yaml gone', {
      'render.yaml': null,
      'fly.toml': fixture('epic-stack/fly.toml.06f908b'),
      'skaffold.yaml': fixture(`${demo}skaffold.yaml`),
      'kubernetes-manifests/kustomization.yaml': fixture(`${demo}kubernetes-manifests/kustomization.yaml`),
      'kubernetes-manifests/frontend.yaml': fixture(`${demo}kubernetes-manifests/frontend.yaml`),
      'kubernetes-manifests/cartservice.yaml': fixture(`${demo}kubernetes-manifests/cartservice.yaml`),
      'kubernetes-manifests/loadgenerator.yaml': fixture(`${demo}kubernetes-manifests/loadgenerator.yaml`),
      'kubernetes-manifests/unlisted.yaml': 'kind: Deployment\n',
      'src/frontend/Dockerfile': 'FROM scratch\n',
    });
    // The work tree says something else entirely: detection must not look at it.
    writeFileSync(join(repo.dir, 'heroku.yml'), 'build:\n  docker:\n    web: Dockerfile\n');
    rmSync(join(repo.dir, 'fly.toml'));
  });
  afterAll(() => repo.remove());

  it('finds each platform by its well-known path, a compose file with whether it builds here, Kubernetes files but not templates', async () => {
    const found = await detectManifests(repo.dir, first);
    expect(found).toEqual([
      { platform: 'render', path: 'render.yaml', files: [] },
      { platform: 'compose', path: 'compose.yaml', files: [], buildsHere: false },
      { platform: 'kubernetes', path: 'k8s/web.yaml', files: ['k8s/settings.yaml', 'k8s/web.yaml'] },
    ]);
    expect(chooseManifest(found, { platform: 'auto' })).toMatchObject({ kind: 'use', used: { platform: 'render' } });
  });

  it('reads the contract at the commit, and says which files it names are missing there (the stale render.yaml)', async () => {
    const [render] = await detectManifests(repo.dir, first);
    const { result, missing } = await readContractAt(repo.dir, first, render!);
    expect(result.ok && result.contract.manifest).toEqual({ path: 'render.yaml', blob: repo.git('rev-parse', `${first}:render.yaml`) });
    expect(missing).toEqual(['Dockerfile.render']);
  });

  it('follows skaffold.yaml to its kustomize resources; reads the commit, never the work tree', async () => {
    const found = await detectManifests(repo.dir, second);
    expect(found.map((d) => d.path)).toEqual(['fly.toml', 'skaffold.yaml', 'compose.yaml']);
    expect(found[1]!.files.sort()).toEqual([
      'kubernetes-manifests/cartservice.yaml',
      'kubernetes-manifests/frontend.yaml',
      'kubernetes-manifests/kustomization.yaml',
      'kubernetes-manifests/loadgenerator.yaml',
    ]);
    const { result, missing } = await readContractAt(repo.dir, second, found[1]!, 'frontend');
    expect(result.ok && result.contract.build.dockerfile).toBe('src/frontend/Dockerfile');
    expect(missing).toEqual([]);
    const fly = await readContractAt(repo.dir, second, found[0]!);
    expect(fly.missing).toEqual(['other/Dockerfile', 'other/Dockerfile.dockerignore']);
  });

  it('--manifest: a manifest at a place detection does not look', async () => {
    repo.git('rm', '-q', '--cached', 'fly.toml'); // only the index changes: the commit still has fly.toml
    const found = await detectManifests(repo.dir, second, { manifest: 'src/frontend/Dockerfile' });
    expect(found.map((d) => d.path)).toEqual(['fly.toml', 'skaffold.yaml', 'compose.yaml']);
    const third = repo.commit('a fly.toml elsewhere', { 'deploy/fly/app.toml': fixture('drinks/fly.toml') });
    // Its name does not say fly.toml: --platform does.
    expect((await detectManifests(repo.dir, third, { manifest: 'deploy/fly/app.toml' })).map((d) => d.path)).not.toContain(
      'deploy/fly/app.toml',
    );
    const withManifest = await detectManifests(repo.dir, third, { manifest: 'deploy/fly/app.toml', platform: 'fly' });
    expect(withManifest).toContainEqual({ platform: 'fly', path: 'deploy/fly/app.toml', files: [] });
    const choice = chooseManifest(withManifest, { platform: 'fly', manifest: 'deploy/fly/app.toml' });
    expect(choice).toMatchObject({ kind: 'use', used: { path: 'deploy/fly/app.toml' } });
    const { result } = await readContractAt(repo.dir, third, (choice as { used: Detected }).used);
    expect(result.ok && result.contract.build).toMatchObject({ context: 'deploy/fly', dockerfile: 'deploy/fly/Dockerfile' });
  });
});
