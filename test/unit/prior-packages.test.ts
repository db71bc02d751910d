/**
 * The prior and the packages the bad end's output names: which modules real output names (captured
 * output, test/fixtures/failure-output), how a commit that changes one of those packages is weighed
 * (real manifests and locks of public projects, test/fixtures/dependencies), and which commits of a
 * git history change one (read from git objects, each file version parsed once).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { namedModules } from '../../src/explain/cause/named-packages.js';
import { diffDependencies } from '../../src/explain/deps/diff-dependencies.js';
import { readerOf } from '../../src/explain/deps/formats.js';
import { mentionsNamedPackage } from '../../src/explain/deps/module-package.js';
import { readNamedChanges } from '../../src/explain/deps/named-changes.js';
import type { Finding } from '../../src/explain/finding.js';
import { evidenceTokens, scoreCommit } from '../../src/session/search/prior-score.js';
import { TestRepo } from '../fixtures/git-repo.js';

const FIXTURES = join(import.meta.dirname, '../fixtures');
const output = (name: string) =>
  readFileSync(join(FIXTURES, 'failure-output', `${name}.out`), 'utf8')
    .trimEnd()
    .split('\n');
const fixture = (path: string) => readFileSync(join(FIXTURES, 'dependencies', path), 'utf8');
const snapshots = (dir: string, files: string[]) => files.map((f) => readerOf(f)!(fixture(`${dir}/${f}`), f));
const NPM = ['package.json', 'package-lock.json'];
/** nextcloud-link's dependabot commit: webdav ^4.11.2 → ^5.10.0 (locked 4.11.5 → 5.10.0), axios with it. */
const webdavBump = () => diffDependencies(snapshots('nextcloud-link/v2-before', NPM), snapshots('nextcloud-link/v2-after', NPM));

describe('the packages the output names', () => {
  it('reads them from real output: an ES module, a missing package, a Python import, a command', () => {
    const gone = ['removed', 'moved'];
    expect(namedModules(output('node-require-esm-webdav'))).toEqual([
      { module: 'webdav', ecosystem: 'npm', explainedBy: ['upgraded', 'added', 'changed'] },
    ]);
    expect(namedModules(output('node-cannot-find-package'))).toEqual([{ module: '@sveltejs/kit', ecosystem: 'npm', explainedBy: gone }]);
    expect(namedModules(output('python-modulenotfound'))).toEqual([{ module: 'flask', ecosystem: 'python', explainedBy: gone }]);
    expect(namedModules(output('python-cannot-import-name'))).toEqual([
      { module: 'dj_database_url', explainedBy: ['upgraded', 'downgraded', 'changed'] },
    ]);
    expect(namedModules(output('npm-run-build-tsc-not-found'))).toEqual([{ module: 'typescript', ecosystem: 'npm', explainedBy: gone }]);
    expect(namedModules(output('python-keyerror-environ'))).toEqual([]);
  });

  it('tells a file that cannot declare the package without parsing it (names spelt with - _ . alike, any case)', () => {
    const yaml = mentionsNamedPackage([{ module: 'yaml', ecosystem: 'python' }])!;
    expect(yaml('PyYAML==6.0.1\n')).toBe(true);
    expect(yaml('requests==2.32.0\n')).toBe(false);
    const dj = mentionsNamedPackage(namedModules(output('python-cannot-import-name')))!;
    expect(dj(fixture('python-getting-started/after/requirements.txt'))).toBe(true);
    const kit = mentionsNamedPackage([{ module: '@sveltejs/kit/node', ecosystem: 'npm' }])!;
    expect(kit(fixture('nextcloud-link/v2-after/package-lock.json'))).toBe(false);
    expect(kit('"@sveltejs/kit": "^2.5.0"')).toBe(true);
    expect(mentionsNamedPackage([])).toBeUndefined();
  });
});

describe('the weight of a commit that changes a package the output names', () => {
  const named = namedModules(output('node-require-esm-webdav'));
  const tokens = evidenceTokens(output('node-require-esm-webdav'));

  it('is three times its weight, as heavy as a Dockerfile change the output names, with the package and both versions', () => {
    const commit = { paths: NPM, findings: [], packages: webdavBump() };
    const plain = scoreCommit(commit, []);
    const weighed = scoreCommit(commit, tokens, named);
    expect(weighed.reasons[0]).toBe("bumps webdav 4.11.5 → 5.10.0, which the bad end's output names");
    expect(weighed.weight).toBeGreaterThanOrEqual(plain.weight * 3);
    const finding: Finding = {
      kind: 'package-removed',
      stage: '0',
      instruction: 'RUN',
      summary: 'package webdav removed',
      after: 'webdav',
    };
    const dockerfile = scoreCommit({ paths: ['Dockerfile'], dockerfile: 'Dockerfile', findings: [finding] }, ['webdav']);
    expect(dockerfile.reasons[0]).toBe("matches the bad end's output: webdav");
    expect(weighed.weight).toBeGreaterThanOrEqual(dockerfile.weight);
  });

  it('is not raised by a bump of another package, nor by output naming none', () => {
    const axiosOnly = webdavBump().filter((c) => c.name !== 'webdav');
    const other = scoreCommit({ paths: NPM, findings: [], packages: axiosOnly }, tokens, named);
    expect(other.weight).toBe(scoreCommit({ paths: NPM, findings: [], packages: axiosOnly }, []).weight);
    expect(other.reasons.join(' ')).not.toMatch(/output names/);
    const quiet = scoreCommit({ paths: NPM, findings: [], packages: webdavBump() }, [], []);
    expect(quiet.reasons.join(' ')).not.toMatch(/output names/);
  });

  it("maps a Python import name to its distribution (dj_database_url → dj-database-url, heroku's python-getting-started)", () => {
    const changes = diffDependencies(
      snapshots('python-getting-started/before', ['requirements.txt']),
      snapshots('python-getting-started/after', ['requirements.txt']),
    );
    const score = scoreCommit(
      { paths: ['requirements.txt'], findings: [], packages: changes },
      [],
      namedModules(output('python-cannot-import-name')),
    );
    expect(score.reasons[0]).toBe("bumps dj-database-url >=2,<3 → >=3,<4, which the bad end's output names");
  });

  it('says a removal and a move to dev as such', () => {
    const pkg = (deps: object, dev: object = {}) =>
      readerOf('package.json')!(JSON.stringify({ dependencies: deps, devDependencies: dev }), 'package.json');
    const kit = [{ module: '@sveltejs/kit', ecosystem: 'npm' as const }];
    const removed = diffDependencies([pkg({ '@sveltejs/kit': '^2.5.0' })], [pkg({})]);
    expect(scoreCommit({ paths: ['package.json'], findings: [], packages: removed }, [], kit).reasons[0]).toBe(
      "removes @sveltejs/kit ^2.5.0, which the bad end's output names",
    );
    const moved = diffDependencies([pkg({ typescript: '^5.4.0' })], [pkg({}, { typescript: '^5.4.0' })]);
    const tsc = namedModules(output('npm-run-build-tsc-not-found'));
    expect(scoreCommit({ paths: ['package.json'], findings: [], packages: moved }, [], tsc).reasons[0]).toBe(
      "moves typescript to dev dependencies, which the bad end's output names",
    );
  });

  it('is not raised by a change of the named package that cannot produce the output (`tsc: not found` and a bump of typescript)', () => {
    const pkg = (dev: object) => readerOf('package.json')!(JSON.stringify({ devDependencies: dev }), 'package.json');
    const bump = diffDependencies([pkg({ typescript: '^5.4.5' })], [pkg({ typescript: '^5.5.4' })]);
    const tsc = namedModules(output('npm-run-build-tsc-not-found'));
    const score = scoreCommit({ paths: ['package.json'], findings: [], packages: bump }, [], tsc);
    expect(score).toEqual(scoreCommit({ paths: ['package.json'], findings: [], packages: bump }, [], []));
    // The webdav bump still counts for ERR_REQUIRE_ESM: an upgrade is what makes a package an ES module.
    const webdav = scoreCommit({ paths: NPM, findings: [], packages: webdavBump() }, [], named);
    expect(webdav.reasons[0]).toMatch(/^bumps webdav .*, which the bad end's output names$/);
  });

  it('scores a RUN whose chain changed (`&& npm run build` added) as a RUN removed', () => {
    const finding: Finding = {
      kind: 'run-changed',
      stage: '0',
      instruction: 'RUN',
      summary: 'RUN changed: `npm run build` added to the chain (stage 0, line 8)',
    };
    const changed = scoreCommit({ paths: ['Dockerfile'], dockerfile: 'Dockerfile', findings: [finding] }, []);
    const removed = scoreCommit({ paths: ['Dockerfile'], dockerfile: 'Dockerfile', findings: [{ ...finding, kind: 'run-removed' }] }, []);
    expect(changed.weight).toBe(removed.weight);
    expect(changed.reasons[0]).toBe('RUN changed: `npm run build` added to the chain');
  });
});

describe('which commits of a history change a named package (git objects)', () => {
  let repo: TestRepo;
  const shas: string[] = [];

  beforeAll(() => {
    repo = new TestRepo('deploybisect-prior-packages-');
    const at = (dir: string) => ({
      'package.json': fixture(`${dir}/package.json`),
      'package-lock.json': fixture(`${dir}/package-lock.json`),
    });
    shas.push(repo.commit('base', { ...at('nextcloud-link/v2-before'), 'README.md': 'x\n' }));
    shas.push(repo.commit('docs', { 'README.md': 'y\n' }));
    shas.push(repo.commit('bump webdav', at('nextcloud-link/v2-after')));
    shas.push(repo.commit('python side', { 'api/requirements.txt': fixture('python-getting-started/before/requirements.txt') }));
    shas.push(repo.commit('bump dj-database-url', { 'api/requirements.txt': fixture('python-getting-started/after/requirements.txt') }));
  });
  afterAll(() => repo?.remove());

  const commits = () =>
    shas.slice(1).map((sha, i) => ({
      sha,
      parent: shas[i]!,
      paths: repo.git('diff-tree', '-r', '--name-only', '--no-commit-id', shas[i]!, sha).split('\n').filter(Boolean),
    }));

  it('finds the webdav bump only, with its versions and where it is written', async () => {
    const found = await readNamedChanges(repo.dir, commits(), namedModules(output('node-require-esm-webdav')));
    expect([...found.keys()]).toEqual([shas[2]]);
    expect(found.get(shas[2]!)).toEqual([
      expect.objectContaining({ name: 'webdav', from: '4.11.5', to: '5.10.0', kind: 'upgraded', major: true, direct: true }),
    ]);
    expect(found.get(shas[2]!)![0]!.sources.map((s) => s.path)).toEqual(['package.json', 'package-lock.json']);
  });

  it('finds a Python package added, then bumped, in a subdirectory; nothing for a module no file declares', async () => {
    const found = await readNamedChanges(repo.dir, commits(), namedModules(output('python-cannot-import-name')));
    expect([...found.keys()]).toEqual([shas[3], shas[4]]);
    expect(found.get(shas[3]!)![0]).toMatchObject({ name: 'dj-database-url', kind: 'added', to: '>=2,<3' });
    expect(found.get(shas[4]!)![0]).toMatchObject({ ecosystem: 'python', name: 'dj-database-url', from: '>=2,<3', to: '>=3,<4' });
    expect((await readNamedChanges(repo.dir, commits(), [{ module: 'left-pad', ecosystem: 'npm' }])).size).toBe(0);
    expect((await readNamedChanges(repo.dir, commits(), [])).size).toBe(0);
  });

  it('reads within a budget of bytes: past it a lock is unread, and the manifest beside it still says the bump', async () => {
    const found = await readNamedChanges(repo.dir, commits(), namedModules(output('node-require-esm-webdav')), 20_000);
    expect(found.get(shas[2]!)).toEqual([expect.objectContaining({ name: 'webdav', from: '^4.11.2', to: '^5.10.0', kind: 'upgraded' })]);
    expect((await readNamedChanges(repo.dir, commits(), namedModules(output('node-require-esm-webdav')), 100)).size).toBe(0);
  });
});
