/**
 * The dependencies family of the failure-pattern catalogue and the commands packages provide: real
 * package changes (test/fixtures/dependencies) and real output (test/fixtures/failure-output, captured
 * on this machine: OUTPUT-SOURCES.txt) must link, with the package and both versions named; output
 * that names another package must not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { findLikelyCauses } from '../../src/explain/cause/likely-cause.js';
import { FAILURE_PATTERNS, type LinkContext } from '../../src/explain/cause/patterns.js';
import { commandProviders } from '../../src/explain/deps/command-providers.js';
import { dependencyFindings } from '../../src/explain/deps/dependency-findings.js';
import { diffDependencies } from '../../src/explain/deps/diff-dependencies.js';
import { readerOf } from '../../src/explain/deps/formats.js';
import { productionInstalls } from '../../src/explain/deps/production-install.js';
import type { DependencySnapshot } from '../../src/explain/deps/types.js';
import { diffDockerfiles } from '../../src/explain/dockerfile-diff.js';
import type { Finding } from '../../src/explain/finding.js';

const FIXTURES = join(import.meta.dirname, '../fixtures');
const output = (name: string) =>
  readFileSync(join(FIXTURES, 'failure-output', `${name}.out`), 'utf8')
    .replace(/\n$/, '')
    .split('\n');
const snapshot = (path: string, text?: string): DependencySnapshot => {
  const name = path.split('/').pop()!;
  return readerOf(name)!(text ?? readFileSync(join(FIXTURES, 'dependencies', path), 'utf8'), name);
};
const pair = (dir: string, files: string[]) =>
  dependencyFindings(
    diffDependencies(
      files.map((f) => snapshot(`${dir}before/${f}`)),
      files.map((f) => snapshot(`${dir}after/${f}`)),
    ),
  );
const causes = (findings: Finding[], evidence: string[], context: LinkContext = {}) =>
  findLikelyCauses(findings, evidence, FAILURE_PATTERNS, context).map((c) => [c.pattern, c.certainty, c.summary]);

/** nextcloud-link's dependabot commit: webdav ^4.11.2 → ^5.10.0, locked 4.11.5 → 5.10.0. */
const webdavBump = () =>
  dependencyFindings(
    diffDependencies(
      ['package.json', 'package-lock.json'].map((f) => snapshot(`nextcloud-link/v2-before/${f}`)),
      ['package.json', 'package-lock.json'].map((f) => snapshot(`nextcloud-link/v2-after/${f}`)),
    ),
  );
const pkgJson = (deps: Record<string, string>, dev: Record<string, string> = {}) =>
  snapshot('package.json', JSON.stringify({ name: 'app', dependencies: deps, devDependencies: dev }, null, 2));

describe('the dependencies family', () => {
  it('ERR_REQUIRE_ESM: the upgrade of the package the output names, with the file that require()s it', () => {
    const found = causes(webdavBump(), output('node-require-esm-webdav'));
    expect(found).toHaveLength(1);
    expect(found[0]![0]).toBe('esm-only-upgrade');
    expect(found[0]![1]).toBe('strong');
    expect(found[0]![2]).toMatch(
      /^webdav 4\.11\.5 → 5\.10\.0 \(major\): webdav 5 is an ES module and `scripts\/server-backend\.js:18` `require\(\)`s it \(package\.json line 67, package-lock\.json line \d+\); the output says "Error \[ERR_REQUIRE_ESM\]: require\(\) of ES Module /,
    );
    // Output naming another package links nothing (node-fetch 3, which webdav 5 brings in, would: it is an ES module too).
    const other = output('node-require-esm-webdav').map((l) => l.replaceAll('webdav', 'left-pad'));
    expect(causes(webdavBump(), other)).toEqual([]);
  });

  it('a package that cannot be found, which the commit removed or moved to dev dependencies', () => {
    const removed = dependencyFindings(
      diffDependencies([pkgJson({ '@sveltejs/kit': '^2.5.0', express: '^4.19.0' })], [pkgJson({ express: '^4.19.0' })]),
    );
    expect(causes(removed, output('node-cannot-find-package'))).toEqual([
      [
        'module-dependency-removed',
        'strong',
        expect.stringContaining('this commit removed @sveltejs/kit ^2.5.0 (package.json line 4 (before)).'),
      ],
    ]);
    const moved = dependencyFindings(
      diffDependencies([pkgJson({ '@sveltejs/kit': '^2.5.0' })], [pkgJson({}, { '@sveltejs/kit': '^2.5.0' })]),
    );
    expect(causes(moved, output('node-cannot-find-package')).map(([p, c]) => [p, c])).toEqual([['module-dependency-dev', 'likely']]);
  });

  it('cannot import name: the major upgrade of the Python package named (dependabot on heroku/python-getting-started)', () => {
    const found = causes(pair('python-getting-started/', ['requirements.txt']), output('python-cannot-import-name'));
    expect(found).toEqual([
      [
        'api-major-upgrade',
        'likely',
        expect.stringContaining('dj-database-url >=2,<3 → >=3,<4 (major): a new major version whose API no longer has `parse`'),
      ],
    ]);
  });

  it('cannot import name: an exact pin bumped (wagtail/bakerydemo), named with the versions the pins install', () => {
    const base = (side: string) =>
      readerOf('requirements/base.txt')!(
        readFileSync(join(FIXTURES, 'dependencies/bakerydemo', side, 'requirements/base.txt'), 'utf8'),
        'requirements/base.txt',
      );
    const pins = dependencyFindings(diffDependencies([base('pins-before')], [base('pins-after')]));
    const found = causes(pins, output('python-cannot-import-name'));
    expect(found).toEqual([
      [
        'api-major-upgrade',
        'likely',
        expect.stringMatching(/^dj-database-url 0\.4\.1 → 2\.1\.0 \(major\): a new major version whose API no longer has `parse` /),
      ],
    ]);
  });

  it("a runtime too old for the new version: named by yarn, or read from the lock's engines", () => {
    const yarn = ['error webdav@5.10.0: The engine "node" is incompatible with this module. Expected version ">=14". Got "12.22.12"'];
    expect(causes(webdavBump(), yarn)).toEqual([
      [
        'runtime-requirement-package',
        'strong',
        expect.stringContaining('webdav 4.11.5 → 5.10.0 (major): it needs node >=14 (the image has 12.22.12)'),
      ],
    ]);
    const pnpm = [
      ' ERR_PNPM_UNSUPPORTED_ENGINE  Unsupported environment (bad pnpm and/or Node.js version)',
      'Expected version: >=14',
      'Got: v12.22.12',
    ];
    const found = causes(webdavBump(), pnpm);
    expect(found.map(([p]) => p)).toContain('runtime-requirement-engines');
    expect(found.find(([p]) => p === 'runtime-requirement-engines')![2]).toContain(
      'webdav 4.11.5 → 5.10.0 (major): it now needs node >=14',
    );
  });

  it('ERESOLVE naming a package the commit changed', () => {
    const eresolve = [
      'npm error code ERESOLVE',
      'npm error ERESOLVE unable to resolve dependency tree',
      'npm error While resolving: nextcloud-link@2.0.2',
      'npm error Found: webdav@5.10.0',
      'npm error Could not resolve dependency:',
      'npm error peer webdav@"^4.0.0" from webdav-fs@4.0.1',
    ];
    expect(causes(webdavBump(), eresolve).map(([p, c]) => [p, c])).toEqual([['install-conflict-package', 'likely']]);
  });
});

describe('commands that packages provide', () => {
  const dockerfile = (run: string) =>
    `FROM node:20-slim\nENV NODE_ENV=production\nWORKDIR /app\nCOPY . .\n${run}\nCMD ["node", "dist/index.js"]\n`;
  const before = dockerfile('RUN npm install --production');
  const after = dockerfile('RUN npm install --production && npm run build');
  const yaml = ['package.json', 'package-lock.json'].map((f) => snapshot(`eemeli-yaml/${f}`));
  const context = (text: string): LinkContext => ({
    commands: commandProviders(yaml, ['tsc']),
    productionInstalls: productionInstalls(text),
    scripts: { build: 'tsc -p .' },
  });

  it("knows tsc from the lock's bin field, and that typescript is a dev dependency", () => {
    expect(commandProviders(yaml, ['tsc', 'nope'])).toEqual({
      tsc: {
        command: 'tsc',
        package: 'typescript',
        scope: 'dev',
        source: 'package-lock.json (bin)',
        declaredIn: 'package.json',
        version: '5.9.3',
      },
    });
    expect(productionInstalls(after)).toEqual([{ stage: '0', line: 5, how: '`npm install --production`' }]);
  });

  it('tsc not found after `&& npm run build` joined a production install: one changed RUN, linked', () => {
    const findings = diffDockerfiles(before, after);
    expect(findings.map((f) => f.kind)).toEqual(['run-changed']);
    expect(causes(findings, output('npm-run-build-tsc-not-found'), context(after))).toEqual([
      [
        'command-dev-dependency',
        'strong',
        'The output says "sh: 1: tsc: not found", and this commit added `npm run build` to a RUN, which runs the script `tsc -p .` (RUN, line 5); tsc comes from typescript, a dev dependency (package.json), and `npm install --production` (line 5) leaves dev dependencies out.',
      ],
    ]);
    // Without a production install there is nothing to link.
    const full = dockerfile('RUN npm install && npm run build').replace('ENV NODE_ENV=production\n', '');
    expect(
      causes(diffDockerfiles(before.replace('ENV NODE_ENV=production\n', ''), full), output('npm-run-build-tsc-not-found'), context(full)),
    ).toEqual([]);
  });

  it('NODE_ENV=production set by the commit, under an install that then leaves dev dependencies out', () => {
    const plain = (env: string) => `FROM node:20-slim\n${env}WORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n`;
    const now = plain('ENV NODE_ENV=production\n');
    const found = causes(diffDockerfiles(plain(''), now), output('npm-run-build-tsc-not-found'), context(now));
    expect(found.map(([p, c]) => [p, c])).toEqual([['command-dev-dependency', 'strong']]);
    expect(found[0]![2]).toContain(
      'this commit set NODE_ENV=production (ENV, line 2), so `npm ci` under NODE_ENV=production (line 2) (line 5) leaves dev dependencies out',
    );
  });

  it('tsc not found after the commit removed typescript', () => {
    const removed = dependencyFindings(
      diffDependencies(
        [snapshot('eemeli-yaml/package.json'), snapshot('eemeli-yaml/package-lock.json')],
        [
          snapshot(
            'package.json',
            readFileSync(join(FIXTURES, 'dependencies/eemeli-yaml/package.json'), 'utf8').replace(/\s*"typescript": "[^"]*",?/, ''),
          ),
        ],
      ),
    ).filter((f) => f.dependency?.name === 'typescript');
    expect(causes(removed, output('npm-run-build-tsc-not-found')).map(([p, c]) => [p, c])).toEqual([
      ['command-dependency-removed', 'strong'],
    ]);
  });

  it('a command whose install step the commit no longer runs', () => {
    const was = 'FROM node:20\nCOPY . .\nRUN npm ci && npm run build\n';
    const now = 'FROM node:20\nCOPY . .\nRUN npm run build\n';
    const found = causes(diffDockerfiles(was, now), output('npm-run-build-tsc-not-found'), context(now));
    expect(found).toEqual([
      [
        'command-install-removed',
        'likely',
        expect.stringContaining('this commit no longer runs `npm ci` (RUN, line 3), which installed typescript, the provider of tsc'),
      ],
    ]);
  });
});
