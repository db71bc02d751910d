/**
 * A Python image made on the test engine from Debian's own Python (packages python3.X-minimal,
 * libpython3.X-minimal and libpython3.X-stdlib, which `python3` depends on), so that nothing is pulled
 * and no index is needed: the busybox base (BASE_IMAGE) plus /usr/bin/python3.X, the shared libraries
 * `ldd` lists for it and for the standard library's extension modules (lib-dynload), and
 * /usr/lib/python3.X without its tests, bytecode caches, the -dev package's config-* directory and
 * the system's site/dist-packages. Built once per engine and Python version, labelled deploybisect.test
 * (tests share it and never remove it; `deploybisect clean` keeps it).
 *
 * Debian's interpreter, not the one on PATH: a pyenv or other build in /root/.pyenv or /usr/local
 * may be first there, and its stdlib lives elsewhere.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type Docker from 'dockerode';

import { buildImage } from '../../src/docker/build-image.js';
import { BASE_IMAGE, ensureBaseImage } from './docker-engine.js';

/** Debian's python3 (a link to python3.X). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** Directories of the standard library left out of the image (by name, at any depth). */
const LEFT_OUT = /^(?:test|tests|__pycache__|site-packages|dist-packages|config-\d.*)$/;

/** The shared libraries the dynamic loader gives `binary` (absolute paths, the loader included). */
function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]!);
}

/** Debian's interpreter (its real path, /usr/bin/python3.X), or an error that says how to install it. */
export function debianPython(): { binary: string; stdlib: string; version: string } {
  const install = "apt-get install --no-install-recommends python3 (Debian's python3-minimal and libpython3-stdlib)";
  if (!existsSync(DEBIAN_PYTHON)) throw new Error(`${DEBIAN_PYTHON} is missing: ${install}`);
  const binary = realpathSync(DEBIAN_PYTHON);
  const stdlib = join('/usr/lib', basename(binary));
  if (!existsSync(join(stdlib, 'http', 'server.py')))
    throw new Error(`${stdlib}/http/server.py is missing (the standard library): ${install}`);
  const version = execFileSync(binary, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim();
  return { binary, stdlib, version };
}

/** The image's tag for this Python version: `deploybisect-test/python:3.11.2`. */
export const pythonImageTag = (version: string) => `deploybisect-test/python:${version}`;

/** Builds the Python image unless it is there; returns its tag. */
export async function ensurePythonImage(docker: Docker): Promise<string> {
  const { binary, stdlib, version } = debianPython();
  const tag = pythonImageTag(version);
  try {
    await docker.getImage(tag).inspect();
    return tag;
  } catch {
    /* build it below */
  }
  await ensureBaseImage(docker);
  const dir = mkdtempSync(join(tmpdir(), 'deploybisect-python-image-'));
  try {
    const rootfs = join(dir, 'rootfs');
    mkdirSync(join(rootfs, dirname(binary)), { recursive: true });
    copyFileSync(binary, join(rootfs, binary));
    cpSync(stdlib, join(rootfs, stdlib), { recursive: true, dereference: true, filter: (source) => !LEFT_OUT.test(basename(source)) });
    const dynload = join(stdlib, 'lib-dynload');
    const modules = existsSync(dynload)
      ? readdirSync(dynload)
          .filter((f) => f.endsWith('.so'))
          .map((f) => join(dynload, f))
      : [];
    for (const lib of new Set([binary, ...modules].flatMap(sharedLibraries))) {
      mkdirSync(join(rootfs, dirname(lib)), { recursive: true });
      copyFileSync(realpathSync(lib), join(rootfs, lib));
    }
    writeFileSync(
      join(dir, 'Dockerfile'),
      `FROM ${BASE_IMAGE}\nCOPY rootfs/ /\nRUN ln -s ${basename(binary)} ${DEBIAN_PYTHON} && ln -s /bin/env /usr/bin/env\nENV HOME=/root LANG=C.UTF-8\n`,
    );
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await buildImage(docker, { context: tar.stdout, dockerfile: 'Dockerfile', tag, labels: { 'deploybisect.test': 'python' } });
    return tag;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
