/**
 * Access to the test Docker engine. scripts/test.sh starts a private engine and exports
 * DOCKER_HOST before vitest runs; tests that need Docker call requireEngine(), which fails
 * (never skips) when no engine answers, so CI cannot turn green without having run them.
 */
import { existsSync } from 'node:fs';
import Docker from 'dockerode';

import { ensureBusyboxBase, HOST_BUSYBOX } from '../../src/demo/base-image.js';

export const DEFAULT_TEST_DOCKER_HOST = 'unix:///var/tmp/deploybisect-engine/docker.sock';
/**
 * A tiny base image: FROM scratch + static busybox with its applets linked into /bin, plus a
 * stand-in `apt-get` that "installs" a few fake packages (nginx, supervisor, bash) from
 * /usr/share/fake-apt, so fixtures can have real-looking install lines without any registry
 * (src/demo/base-image.ts, shared with `deploybisect demo`).
 */
export const BASE_IMAGE = 'deploybisect-test/busybox:2';

/** A second private engine (its own data root), for spreading work over several engines. */
export const DEFAULT_SECOND_DOCKER_HOST = 'unix:///var/tmp/deploybisect-engine-2/docker.sock';

export function secondDockerHost(): string {
  return process.env.DEPLOYBISECT_TEST_DOCKER_HOST_2 ?? DEFAULT_SECOND_DOCKER_HOST;
}

/** A private Podman service (scripts/podman-engine.sh), for the run against Podman's Docker-compatible API. */
export const DEFAULT_PODMAN_HOST = 'unix:///var/tmp/deploybisect-podman/podman.sock';

export function podmanHost(): string {
  return process.env.DEPLOYBISECT_TEST_PODMAN_HOST ?? DEFAULT_PODMAN_HOST;
}

const engines = new Map<string, Promise<Docker>>();

/** An engine at `host`, pinged, with the base image present; fails (never skips) with `howToStart` when none answers. */
function requireEngineAt(host: string, what: string, howToStart: string): Promise<Docker> {
  let ready = engines.get(host);
  if (!ready) {
    ready = (async () => {
      const docker = dockerClient(host);
      try {
        await docker.ping();
      } catch (error) {
        throw new Error(`no ${what} answers at ${host} (${(error as Error).message}); run ${howToStart} or \`npm test\`, which starts it`, {
          cause: error,
        });
      }
      await ensureBaseImage(docker);
      return docker;
    })();
    engines.set(host, ready);
  }
  return ready;
}

/** The second engine, with the base image present; fails (never skips) when it does not answer. */
export function requireSecondEngine(): Promise<Docker> {
  return requireEngineAt(
    secondDockerHost(),
    'second Docker engine',
    '`DEPLOYBISECT_ENGINE_DIR=/var/tmp/deploybisect-engine-2 bash scripts/docker-engine.sh`',
  );
}

/** The Podman service, with the base image present; fails (never skips) when it does not answer or is not Podman. */
export async function requirePodman(): Promise<Docker> {
  const docker = await requireEngineAt(podmanHost(), 'Podman service', '`bash scripts/podman-engine.sh`');
  const version = (await docker.version()) as { Components?: { Name?: string }[] };
  if (!version.Components?.some((c) => /podman/i.test(c.Name ?? ''))) throw new Error(`the engine at ${podmanHost()} is not Podman`);
  return docker;
}

export function testDockerHost(): string {
  return process.env.DOCKER_HOST ?? DEFAULT_TEST_DOCKER_HOST;
}

export function dockerClient(host = testDockerHost()): Docker {
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  const url = new URL(host);
  return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' });
}

/** The engine, with the base image present. Throws a clear error when none answers. */
export function requireEngine(): Promise<Docker> {
  return requireEngineAt(testDockerHost(), 'Docker engine', '`bash scripts/docker-engine.sh`');
}

/** Builds BASE_IMAGE once per engine (tests share it; it is never removed by them). */
export async function ensureBaseImage(docker: Docker): Promise<string> {
  if (!existsSync(HOST_BUSYBOX)) throw new Error(`${HOST_BUSYBOX} is missing: apt-get install busybox-static`);
  // The base is labelled deploybisect.test (not deploybisect.session): `deploybisect clean` keeps it.
  await ensureBusyboxBase(docker, BASE_IMAGE, { 'deploybisect.test': 'base' });
  return BASE_IMAGE;
}
