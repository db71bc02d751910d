/**
 * What users install: `npm pack` makes a tarball that installs in an empty directory (its
 * dependencies from the registry) and runs there, as a command and as a library with its types.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createStoryRepo, type StoryRepo } from '../fixtures/story-repo.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the npm package', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'deploybisect-pack-'));
  const project = join(scratch, 'project');
  let tarball: string;
  let story: StoryRepo;

  beforeAll(() => {
    // The compiled code as npm test built it (--ignore-scripts: no rebuild under the other tests' feet).
    const packed = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', scratch], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .at(-1)!;
    tarball = join(scratch, packed);
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'uses-deploybisect', version: '1.0.0', private: true, type: 'module' }),
    );
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--silent', tarball], { cwd: project, stdio: 'ignore' });
    story = createStoryRepo();
  }, 300_000);

  afterAll(() => {
    story?.repo.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('holds the command, the compiled code and the type declarations, and no tests or sources', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(listing).toContain('package/bin/deploybisect');
    expect(listing).toContain('package/dist/cli/main.js');
    expect(listing).toContain('package/dist/index.d.ts');
    // The demo starts the project's private engine from the installed package.
    expect(listing).toContain('package/scripts/docker-engine.sh');
    expect(listing).toContain('package/scripts/engine-common.sh');
    expect(listing.filter((f) => f.startsWith('package/test/') || f.startsWith('package/src/'))).toEqual([]);
  });

  it('runs as a command from the installed package: --version, and explain on a repository (no engine needed)', () => {
    const bin = join(project, 'node_modules', '.bin', 'deploybisect');
    expect(existsSync(bin)).toBe(true);
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    const parent = story.repo.git('rev-parse', `${story.culprit}^`);
    const out = execFileSync(bin, ['explain', parent, story.culprit, '-C', story.repo.dir], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    expect(out).toContain('apt package supervisor is no longer installed');
  });

  it('imports as a library: bisect, testCommit and explain, with their types', () => {
    writeFileSync(
      join(project, 'check.mjs'),
      `import { bisect, testCommit, explain, ExitCode } from 'deploybisect';
       const result = await explain({ repo: process.argv[2], good: process.argv[3], bad: process.argv[4] });
       console.log(JSON.stringify({ types: [typeof bisect, typeof testCommit, typeof explain], found: ExitCode.found, findings: result.explanation.findings.length }));`,
    );
    const parent = story.repo.git('rev-parse', `${story.culprit}^`);
    const out = JSON.parse(execFileSync('node', ['check.mjs', story.repo.dir, parent, story.culprit], { cwd: project, encoding: 'utf8' }));
    expect(out.types).toEqual(['function', 'function', 'function']);
    expect(out.found).toBe(0);
    expect(out.findings).toBeGreaterThan(0);
    const types = readdirSync(join(project, 'node_modules', 'deploybisect', 'dist')).filter((f) => f === 'index.d.ts');
    expect(types).toEqual(['index.d.ts']);
  });
});
