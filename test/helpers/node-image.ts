/**
 * A Node image made on the test engine from the host's own Node and npm, so that nothing is pulled and
 * no registry is needed: the busybox base (BASE_IMAGE) plus the host's `node` binary, the shared
 * libraries `ldd` lists for it, and the host's npm. Built once per engine and Node version, labelled
 * deploybisect.test (tests share it and never remove it; `deploybisect clean` keeps it).
 *
 * `NODE_OPTIONS=--no-experimental-require-module` makes it behave, for `require()` of an ES module, as
 * Node did before 20.19 and 22.12 (the versions a deployment of the time ran: the error is
 * ERR_REQUIRE_ESM), whatever the host's Node is.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';

import { buildImage } from '../../src/docker/build-image.js';
import { BASE_IMAGE, ensureBaseImage } from './docker-engine.js';

export const NODE_IMAGE = `deploybisect-test/node:${process.versions.node}`;

/** The shared libraries the dynamic loader gives `binary` (absolute paths, the loader included). */
function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]!);
}

function npmDirectory(): string {
  const root = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  return realpathSync(join(root, 'npm'));
}

/** Builds NODE_IMAGE on the engine unless it is there; returns its tag. */
export async function ensureNodeImage(docker: Docker): Promise<string> {
  try {
    await docker.getImage(NODE_IMAGE).inspect();
    return NODE_IMAGE;
  } catch {
    /* build it below */
  }
  await ensureBaseImage(docker);
  const dir = mkdtempSync(join(tmpdir(), 'deploybisect-node-image-'));
  try {
    const node = realpathSync(process.execPath);
    copyFileSync(node, join(dir, 'node'));
    for (const lib of sharedLibraries(node)) {
      mkdirSync(join(dir, 'rootfs', dirname(lib)), { recursive: true });
      copyFileSync(realpathSync(lib), join(dir, 'rootfs', lib));
    }
    cpSync(npmDirectory(), join(dir, 'npm'), { recursive: true, dereference: true });
    writeFileSync(
      join(dir, 'Dockerfile'),
      `FROM ${BASE_IMAGE}\nCOPY rootfs/ /\nCOPY node /usr/local/bin/node\nCOPY npm /usr/local/lib/node_modules/npm\n` +
        // `#!/usr/bin/env node` scripts (npm's, and the bins of packages) need env where Debian has it.
        'RUN ln -s /bin/env /usr/bin/env && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx\n' +
        'ENV HOME=/root NODE_OPTIONS=--no-experimental-require-module\n',
    );
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await buildImage(docker, { context: tar.stdout, dockerfile: 'Dockerfile', tag: NODE_IMAGE, labels: { 'deploybisect.test': 'node' } });
    return NODE_IMAGE;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
