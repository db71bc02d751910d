/**
 * Package changes between two commits: from snapshots of real files (dependabot commits of public
 * projects, SOURCES.txt), and through git (readDependencyChanges reads the changed files from git
 * objects, the manifest beside a changed lock, and `-r` includes), and a 10,000-entry lock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { dependencyLines } from '../../src/explain/deps/describe-changes.js';
import { diffDependencies } from '../../src/explain/deps/diff-dependencies.js';
import { readerOf } from '../../src/explain/deps/formats.js';
import { readPackageLock } from '../../src/explain/deps/npm-lock.js';
import { readDependencyChanges } from '../../src/explain/deps/read-dependencies.js';
import { pinnedVersion } from '../../src/explain/deps/version.js';
import { TestRepo } from '../fixtures/git-repo.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/dependencies');
const text = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');
const side = (dir: string, files: string[]) => files.map((f) => readerOf(f)!(text(`${dir}/${f}`), f));
const changes = (dir: string, files: string[], before = 'before', after = 'after') =>
  diffDependencies(side(`${dir}${before}`, files), side(`${dir}${after}`, files));

describe('package changes of real dependabot commits', () => {
  it('nextcloud-link: webdav ^4.11.2 → ^5.10.0, locked 4.11.5 → 5.10.0; the transitive ones summed up', () => {
    const found = changes('nextcloud-link/v2-', ['package.json', 'package-lock.json']);
    const webdav = found.find((c) => c.name === 'webdav')!;
    expect(webdav).toMatchObject({
      ecosystem: 'npm',
      from: '4.11.5',
      to: '5.10.0',
      kind: 'upgraded',
      major: true,
      direct: true,
      scope: 'production',
    });
    expect(webdav.declared).toEqual({ from: '^4.11.2', to: '^5.10.0' });
    expect(webdav.engines).toEqual({ from: '>=10', to: '>=14' }); // what the lock says webdav needs of Node
    const lines = dependencyLines(found);
    expect(lines[0]).toMatch(
      /^webdav \^4\.11\.2 → \^5\.10\.0 \(major\), locked 4\.11\.5 → 5\.10\.0, production dependency \(package\.json line 67, package-lock\.json line \d+\)$/,
    );
    expect(lines.at(-1)).toMatch(/^\d+ transitive packages changed: .*\d+ added.*majors: fast-xml-parser 4\.5\.6 → 5\.8\.0/);
    expect(found.filter((c) => c.direct).map((c) => c.name)).toEqual(['webdav']);
  });

  it('nextcloud-link (lock v1): ts-loader, a dev dependency; json5 only transitive', () => {
    const found = changes('nextcloud-link/v1-', ['package.json', 'package-lock.json']);
    expect(found[0]).toMatchObject({ name: 'ts-loader', from: '6.2.2', to: '9.4.2', major: true, direct: true, scope: 'dev' });
    expect(found.find((c) => c.name === 'json5')).toMatchObject({ from: '2.2.0', to: '2.2.3', direct: false, major: false });
  });

  it('go, Ruby, PHP and Python dependabot commits', () => {
    const go = changes('go-getting-started/', ['go.mod', 'go.sum']);
    expect(go.find((c) => c.name === 'golang.org/x/crypto')).toMatchObject({
      from: 'v0.51.0',
      to: 'v0.52.0',
      kind: 'upgraded',
      major: false,
      direct: false,
    });
    const ruby = changes('ruby-getting-started/', ['Gemfile', 'Gemfile.lock']);
    expect(ruby).toEqual([expect.objectContaining({ name: 'rails-html-sanitizer', from: '1.7.0', to: '1.7.1', direct: false })]);
    const php = changes('php-getting-started/', ['composer.json', 'composer.lock']);
    expect(php.map((c) => [c.name, c.from, c.to, c.direct])).toEqual([['twig/twig', '3.22.1', '3.22.2', true]]);
    const python = changes('python-getting-started/', ['requirements.txt', '.python-version']);
    expect(dependencyLines(python)).toEqual(['dj-database-url >=2,<3 → >=3,<4 (major), production dependency (requirements.txt line 3)']);
  });

  it('exact pins (wagtail/bakerydemo "Updated project requirements"): the version a pin names, the pin as written kept', () => {
    const found = changes('bakerydemo/', ['requirements/base.txt'], 'pins-before', 'pins-after');
    const db = found.find((c) => c.name === 'dj-database-url');
    expect(db).toMatchObject({ ecosystem: 'python', from: '0.4.1', to: '2.1.0', kind: 'upgraded', major: true, direct: true });
    expect(db?.declared).toEqual({ from: '==0.4.1', to: '==2.1.0' });
    expect(['==2.1.0', '=== 2.1.0', '==2.*', '>=2,<3', '==2.1,!=2.1.1'].map(pinnedVersion)).toEqual([
      '2.1.0',
      '2.1.0',
      undefined,
      undefined,
      undefined,
    ]);
    // A pin is the version itself (no "locked"); ranges stay as written.
    expect(dependencyLines(found)).toEqual([
      'dj-database-url 0.4.1 → 2.1.0 (major), production dependency (requirements/base.txt line 8)',
      'django-debug-toolbar >=3.2,<4 → >=4.2,<5 (major), production dependency (requirements/base.txt line 5)',
      'wagtail-font-awesome-svg >=0.0.3,<1 → >=1,<2 (major), production dependency (requirements/base.txt line 4)',
      'django-dotenv 1.4.1 → 1.4.2, production dependency (requirements/base.txt line 2)',
      'django-extensions 3.2.1 → 3.2.3, production dependency (requirements/base.txt line 6)',
    ]);
  });

  it('a package moved to devDependencies, and a runtime pin', () => {
    const pkg = (deps: object, dev: object, node: string) =>
      JSON.stringify({ dependencies: deps, devDependencies: dev, engines: { node } }, null, 2);
    const before = readerOf('package.json')!(pkg({ typescript: '^5.4.0' }, {}, '>=18'), 'package.json');
    const after = readerOf('package.json')!(pkg({}, { typescript: '^5.4.0' }, '>=20'), 'package.json');
    expect(dependencyLines(diffDependencies([before], [after]))).toEqual([
      'node runtime >=18 → >=20 (package.json line 7)',
      'typescript ^5.4.0 moved from production to dev dependencies (package.json line 4)',
    ]);
  });
});

describe('a 10,000-entry lock file', () => {
  it('is parsed whole: every entry, its version and its line (the timing is scripts/bench-deps.mjs)', () => {
    const real = Object.entries(JSON.parse(text('eemeli-yaml/package-lock.json')).packages as Record<string, object>).filter(
      ([k]) => k !== '',
    );
    const packages: Record<string, object> = { '': { name: 'big', version: '1.0.0' } };
    for (let i = 0; Object.keys(packages).length <= 10_000; i += 1) {
      const [path, entry] = real[i % real.length]!;
      packages[`node_modules/${path.slice(path.lastIndexOf('node_modules/') + 13)}-${i}`] = entry;
    }
    const lock = JSON.stringify({ name: 'big', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2);
    const s = readPackageLock(lock, 'package-lock.json');
    expect(s.packages).toHaveLength(10_000);
    const last = s.packages.at(-1)!;
    expect(lock.split('\n')[last.line! - 1]).toBe(`    "node_modules/${last.name}": {`);
    expect(s.packages.find((p) => p.name === 'typescript-' + real.findIndex(([k]) => k === 'node_modules/typescript'))?.bins).toEqual([
      'tsc',
      'tsserver',
    ]);
  });
});

describe('readDependencyChanges, from git objects', () => {
  const repo = new TestRepo('deploybisect-deps-');
  afterAll(() => repo.remove());

  it('reads the changed files at both commits, the manifest beside a lone lock change, and -r includes', async () => {
    const good = repo.commit('app', {
      'package.json': text('nextcloud-link/v2-before/package.json'),
      'package-lock.json': text('nextcloud-link/v2-before/package-lock.json'),
      'requirements/base.txt': text('bakerydemo/requirements/base.txt'),
      'requirements/production.txt': text('bakerydemo/requirements/production.txt'),
    });
    const lockOnly = repo.commit('lock only', { 'package-lock.json': text('nextcloud-link/v2-after/package-lock.json') });
    const found = await readDependencyChanges(repo.dir, good, lockOnly);
    // package.json did not change: webdav is still known as direct (it was read beside the lock).
    expect(found.changes.find((c) => c.name === 'webdav')).toMatchObject({ from: '4.11.5', to: '5.10.0', direct: true });
    const bump = repo.commit('bump wagtail', {
      'requirements/base.txt': text('bakerydemo/requirements/base.txt').replace('wagtail>=5.2,<5.3', 'wagtail>=6.0,<6.1'),
    });
    const python = await readDependencyChanges(repo.dir, lockOnly, bump);
    expect(python.changes.map((c) => [c.name, c.from, c.to, c.major])).toEqual([['wagtail', '>=5.2,<5.3', '>=6.0,<6.1', true]]);
    const broken = repo.commit('broken lock', { 'package-lock.json': '{ "packages": ' });
    const unreadable = await readDependencyChanges(repo.dir, bump, broken);
    expect(unreadable.changes).toEqual([]);
    expect(unreadable.notes).toEqual([expect.stringMatching(/^package-lock\.json is not valid JSON: .*: its packages are not compared$/)]);
  });
});
