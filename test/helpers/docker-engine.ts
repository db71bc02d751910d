/**
 * Access to the test Docker engine. scripts/test.sh starts a private engine and exports
 * DOCKER_HOST before vitest runs; tests that need Docker call requireEngine(), which fails
 * (never skips) when no engine answers, so CI cannot turn green without having run them.
 */
import { existsSync, readFileSync } from 'node:fs';
import Docker from 'dockerode';
import tar from 'tar-stream';
import { buildImage } from '../../src/docker/build-image.js';

export const DEFAULT_TEST_DOCKER_HOST = 'unix:///var/tmp/deploybisect-engine/docker.sock';
/** A tiny base image: FROM scratch + static busybox with its applets linked into /bin. */
export const BASE_IMAGE = 'deploybisect-test/busybox:1';

export function testDockerHost(): string {
  return process.env.DOCKER_HOST ?? DEFAULT_TEST_DOCKER_HOST;
}

export function dockerClient(host = testDockerHost()): Docker {
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  const url = new URL(host);
  return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' });
}

let engine: Promise<Docker> | undefined;

/** The engine, with the base image present. Throws a clear error when none answers. */
export function requireEngine(): Promise<Docker> {
  engine ??= (async () => {
    const docker = dockerClient();
    try {
      await docker.ping();
    } catch (error) {
      throw new Error(
        `no Docker engine answers at ${testDockerHost()} (${(error as Error).message}); ` +
          'run `bash scripts/docker-engine.sh` or `npm test`, which starts one',
      );
    }
    await ensureBaseImage(docker);
    return docker;
  })();
  return engine;
}

/** Builds BASE_IMAGE once per engine (tests share it; it is never removed by them). */
export async function ensureBaseImage(docker: Docker): Promise<string> {
  try {
    await docker.getImage(BASE_IMAGE).inspect();
    return BASE_IMAGE;
  } catch {
    /* build it below */
  }
  if (!existsSync('/bin/busybox')) throw new Error('/bin/busybox is missing: apt-get install busybox-static');
  const pack = tar.pack();
  pack.entry({ name: 'busybox', mode: 0o755 }, readFileSync('/bin/busybox'));
  pack.entry(
    { name: 'Dockerfile', mode: 0o644 },
    'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n' +
      'RUN mkdir -p /tmp /root /etc && echo "root:x:0:0:root:/root:/bin/sh" > /etc/passwd\n',
  );
  pack.finalize();
  // The base is labelled deploybisect.test (not deploybisect.session): `deploybisect clean` keeps it.
  await buildImage(docker, {
    context: pack as unknown as NodeJS.ReadableStream,
    dockerfile: 'Dockerfile',
    tag: BASE_IMAGE,
    labels: { 'deploybisect.test': 'base' },
  });
  return BASE_IMAGE;
}
