/**
 * The dependency readers (src/explain/deps/), one format at a time, on real manifests and lock files
 * of public projects (test/fixtures/dependencies, SOURCES.txt says where each comes from).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { readerOf } from '../../src/explain/deps/formats.js';
import type { DeclaredPackage, DependencySnapshot } from '../../src/explain/deps/types.js';
import { parseYarnClassic } from '../../src/explain/deps/yarn-classic-grammar.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/dependencies');
const text = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');
/** Reads a fixture as the file `as` (its real name) would be read. */
function read(path: string, as = path.split('/').pop()!): DependencySnapshot {
  const reader = readerOf(as);
  if (!reader) throw new Error(`no reader for ${as}`);
  return reader(text(path), as);
}
const pkg = (s: DependencySnapshot, name: string): DeclaredPackage | undefined => s.packages.find((p) => p.name === name);
const lineOf = (path: string, line: number | undefined) => (line === undefined ? undefined : text(path).split('\n')[line - 1]);

describe('npm', () => {
  it('package.json: dependencies are production, devDependencies dev, engines.node a runtime pin, scripts kept', () => {
    const s = read('nextcloud-link/v2-after/package.json');
    expect(pkg(s, 'webdav')).toEqual({ name: 'webdav', version: '^5.10.0', scope: 'production', direct: true, line: 67 });
    expect(lineOf('nextcloud-link/v2-after/package.json', 67)).toContain('"webdav": "^5.10.0"');
    expect(pkg(s, 'typescript')).toMatchObject({ scope: 'dev', direct: true });
    expect(s.runtimes).toEqual([{ runtime: 'node', version: '>=12.0.0', line: 27 }]);
    expect(s.scripts?.build).toBeDefined();
  });

  it('package-lock v2: versions, dev, bins, engines and the root entry for direct dependencies', () => {
    const s = read('nextcloud-link/v2-after/package-lock.json');
    const webdav = pkg(s, 'webdav')!;
    expect(webdav).toMatchObject({ version: '5.10.0', scope: 'production', direct: true, engines: '>=14' });
    expect(lineOf('nextcloud-link/v2-after/package-lock.json', webdav.line)).toBe('    "node_modules/webdav": {');
    expect(pkg(s, 'typescript')).toMatchObject({ scope: 'dev', direct: true, bins: ['tsc', 'tsserver'] });
    // A package nested under webdav is the same package, another version: kept as one name.
    expect(pkg(s, 'minimatch')?.otherVersions ?? [pkg(s, 'minimatch')?.version]).toContain('9.0.9');
  });

  it('package-lock v3 (eemeli/yaml): every entry, bins of the dev tools', () => {
    const s = read('eemeli-yaml/package-lock.json');
    const entries = Object.keys(JSON.parse(text('eemeli-yaml/package-lock.json')).packages).filter((k) => k !== '');
    expect(s.packages.length).toBe(new Set(entries.map((k) => k.slice(k.lastIndexOf('node_modules/') + 13))).size);
    expect(pkg(s, 'typescript')).toMatchObject({ version: '5.9.3', scope: 'dev', bins: ['tsc', 'tsserver'], engines: '>=14.17' });
  });

  it('package-lock v1 and npm-shrinkwrap.json: the nested dependencies tree', () => {
    const v1 = read('nextcloud-link/v1-after/package-lock.json');
    expect(pkg(v1, 'ts-loader')).toMatchObject({ version: '9.4.2', scope: 'dev', direct: false });
    expect(pkg(v1, 'semver')?.version).toBeDefined(); // nested under ts-loader
    const shrinkwrap = read('standup-slack-bot/npm-shrinkwrap.json');
    expect(shrinkwrap.role).toBe('lock');
    expect(pkg(shrinkwrap, 'botkit')?.version).toMatch(/^0\.6\./);
  });

  it('yarn.lock classic (its own grammar): one package per name, the other versions kept', () => {
    const s = read('h3/yarn.lock');
    expect(pkg(s, 'cookie-es')).toMatchObject({ version: '0.5.0', scope: 'production', direct: false });
    expect(lineOf('h3/yarn.lock', pkg(s, 'cookie-es')!.line)).toMatch(/^cookie-es@/);
    const parsed = parseYarnClassic(
      '# yarn lockfile v1\n\n"@a/b@^1.0.0", "@a/b@^1.1.0":\n  version "1.2.0"\n  dependencies:\n    c "~2"\n',
    );
    expect(parsed['@a/b@^1.1.0']).toEqual({ version: '1.2.0', dependencies: { c: '~2' } });
    expect(() => parseYarnClassic('a@1:\n   version "1"\n')).toThrow(/indentation/);
  });

  it('yarn.lock berry (YAML): the workspace entry is the project, not a package', () => {
    const s = read('corepack/yarn.lock');
    expect(s.packages.find((p) => p.name === 'corepack')).toBeUndefined();
    expect(pkg(s, 'typescript')).toMatchObject({ version: expect.stringMatching(/^5\./), bins: ['tsc', 'tsserver'] });
  });

  it.each([
    ['h3/pnpm-lock.yaml', '2.0.0'],
    ['h3/pnpm-lock.v6.yaml', '1.0.0'],
    ['h3/pnpm-lock.v5.yaml', '0.5.0'],
  ])('%s: importers are direct, with their sections', (path, cookie) => {
    const s = read(path, 'pnpm-lock.yaml');
    expect(pkg(s, 'cookie-es')).toMatchObject({ version: cookie, scope: 'production', direct: true });
    expect(s.packages.filter((p) => p.direct && p.scope === 'dev').length).toBeGreaterThan(10);
  });
});

describe('Python', () => {
  it('requirements.txt: specifiers, -r includes, comments left out', () => {
    const s = read('bakerydemo/requirements/production.txt', 'requirements/production.txt');
    expect(s.includes).toEqual(['base.txt']);
    expect(pkg(s, 'dj-database-url')).toEqual({ name: 'dj-database-url', version: '==0.4.1', scope: 'production', direct: true, line: 3 });
    expect(s.packages).toHaveLength(8);
    expect(read('python-getting-started/after/requirements.txt').packages.map((p) => [p.name, p.version])).toContainEqual([
      'dj-database-url',
      '>=3,<4',
    ]);
  });

  it('pyproject.toml: [project] and PEP 735 groups (uv), poetry tables and groups, pdm dev groups, requires-python', () => {
    const uv = read('pydantic-settings/pyproject.toml');
    expect(pkg(uv, 'pydantic')).toMatchObject({ version: '>=2.7.0', scope: 'production' });
    expect(lineOf('pydantic-settings/pyproject.toml', pkg(uv, 'pydantic')!.line)).toContain("'pydantic>=2.7.0'");
    expect(pkg(uv, 'pytest')?.scope).toBe('dev');
    expect(uv.runtimes[0]).toMatchObject({ runtime: 'python', version: '>=3.10' });
    const legacy = read('poetry/pyproject.legacy.toml', 'pyproject.toml');
    expect(pkg(legacy, 'cachecontrol')).toMatchObject({ version: '^0.12.9', scope: 'production' });
    expect(pkg(legacy, 'pytest')).toMatchObject({ version: '^7.1', scope: 'dev' });
    expect(legacy.runtimes[0]?.version).toBe('^3.7');
    const pdm = read('pdm/pyproject.toml');
    expect(pkg(pdm, 'pytest-xdist')).toMatchObject({ version: '>=1.31.0', scope: 'dev' });
    expect(pkg(pdm, 'importlib-metadata')).toMatchObject({ scope: 'production' });
  });

  it('poetry.lock, uv.lock, Pipfile.lock and Pipfile', () => {
    const poetry = read('poetry/poetry.lock');
    expect(pkg(poetry, 'dulwich')?.version).toMatch(/^\d/);
    expect(pkg(poetry, 'pytest')?.scope).toBe('dev');
    const uv = read('pydantic-settings/uv.lock');
    expect(pkg(uv, 'pydantic-settings')).toBeUndefined(); // the project itself
    expect(pkg(uv, 'python-dotenv')).toMatchObject({ direct: true, scope: 'production' });
    expect(pkg(uv, 'pytest')).toMatchObject({ direct: true, scope: 'dev' });
    const pipfileLock = read('python-getting-started/pipenv/Pipfile.lock');
    expect(pkg(pipfileLock, 'django')).toMatchObject({ version: '2.0', scope: 'production' });
    expect(pipfileLock.runtimes).toEqual([{ runtime: 'python', version: '3.6', line: 16 }]);
    expect(read('python-getting-started/pipenv/Pipfile').packages.map((p) => p.name)).toContain('gunicorn');
  });
});

describe('Go, Ruby, Rust, PHP and runtime pins', () => {
  it('go.mod: requirements, // indirect, the go directive; go.sum: downloaded modules', () => {
    const mod = read('go-getting-started/after/go.mod');
    expect(pkg(mod, 'github.com/gin-gonic/gin')).toMatchObject({ version: 'v1.12.0', direct: true });
    expect(pkg(mod, 'golang.org/x/crypto')).toMatchObject({ version: 'v0.52.0', direct: false, line: 36 });
    expect(mod.runtimes[0]).toEqual({ runtime: 'go', version: '1.25.0', line: 4 });
    expect(pkg(read('go-getting-started/after/go.sum'), 'golang.org/x/crypto')?.version).toBe('v0.52.0');
  });

  it('Gemfile.lock: specs, DEPENDENCIES as direct; Gemfile groups', () => {
    const lock = read('ruby-getting-started/after/Gemfile.lock');
    expect(pkg(lock, 'rails-html-sanitizer')).toMatchObject({ version: '1.7.1', direct: false, line: 190 });
    expect(pkg(lock, 'rails')?.direct).toBe(true);
    const gemfile = read('ruby-getting-started/after/Gemfile');
    expect(gemfile.packages.filter((p) => p.scope === 'dev').length).toBeGreaterThan(0);
  });

  it('Cargo.lock: the workspace members are not packages; what they depend on is direct', () => {
    const s = read('ripgrep/Cargo.lock');
    expect(pkg(s, 'ripgrep')).toBeUndefined();
    expect(pkg(s, 'anyhow')?.direct).toBe(true);
    expect(pkg(s, 'memchr')?.version).toMatch(/^2\./);
  });

  it('composer.json and composer.lock: require and require-dev, php as the runtime', () => {
    expect(pkg(read('php-getting-started/after/composer.lock'), 'twig/twig')).toMatchObject({ version: '3.22.2', scope: 'production' });
    const manifest = read('php-getting-started/after/composer.json');
    expect(manifest.runtimes[0]).toMatchObject({ runtime: 'php', version: '^8.1' });
  });

  it('.nvmrc, .python-version, runtime.txt', () => {
    expect(read('standup-slack-bot/.nvmrc').runtimes).toEqual([{ runtime: 'node', version: '6.7', line: 1 }]);
    expect(read('python-getting-started/after/.python-version').runtimes).toEqual([{ runtime: 'python', version: '3.13', line: 1 }]);
    expect(read('python-getting-started/pipenv/runtime.txt').runtimes).toEqual([{ runtime: 'python', version: '3.13.0', line: 1 }]);
  });

  it('a file that does not parse says so instead of listing no packages', () => {
    expect(readerOf('package-lock.json')!('{"packages": ', 'package-lock.json').problem).toMatch(/not valid JSON/);
    expect(readerOf('poetry.lock')!('[[package]\nname = 1', 'poetry.lock').problem).toMatch(/not valid TOML/);
    expect(readerOf('vendor/x/package.json')).toBeUndefined();
  });
});
