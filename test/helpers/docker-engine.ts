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
/**
 * A tiny base image: FROM scratch + static busybox with its applets linked into /bin, plus a
 * stand-in `apt-get` that "installs" a few fake packages (nginx, supervisor, bash) from
 * /usr/share/fake-apt, so fixtures can have real-looking install lines without any registry.
 */
export const BASE_IMAGE = 'deploybisect-test/busybox:2';

/** Files of the fake packages and the apt-get stand-in, by path in the image. */
const BASE_ROOTFS: Record<string, string> = {
  'usr/bin/apt-get': `#!/bin/sh
# Test stand-in for apt-get: packages come from /usr/share/fake-apt/<name>/, copied onto /.
cmd="$1"; [ $# -gt 0 ] && shift
case "$cmd" in
  update) echo "Reading package lists... Done" ;;
  install)
    for arg in "$@"; do
      case "$arg" in -*) continue ;; esac
      name="\${arg%%=*}"
      if [ -d "/usr/share/fake-apt/$name" ]; then
        cp -a "/usr/share/fake-apt/$name/." / && echo "Setting up $name ..."
      else
        echo "E: Unable to locate package $name" >&2; exit 100
      fi
    done ;;
  *) echo "apt-get stand-in: '$cmd' ignored" ;;
esac
`,
  'usr/share/fake-apt/supervisor/usr/bin/supervisord': `#!/bin/sh
# A tiny process manager: starts every "command=" of its config and restarts what exits.
conf=/etc/supervisord.conf
[ "$1" = "-c" ] && conf="$2"
[ -f "$conf" ] || { echo "Error: could not find config file $conf" >&2; exit 2; }
grep '^command=' "$conf" | cut -d= -f2- | while read -r cmd; do
  ( while true; do sh -c "$cmd"; echo "supervisord: '$cmd' exited with $?, restarting" >&2; sleep 1; done ) &
done
echo "supervisord started with pid $$"
while true; do sleep 3600; done
`,
  'usr/share/fake-apt/nginx/usr/sbin/nginx': `#!/bin/sh
# nginx stand-in: serves /var/www (CGI under /cgi-bin) on 127.0.0.1:8080; options are ignored.
exec httpd -f -p 127.0.0.1:8080 -h /var/www
`,
  'usr/share/fake-apt/bash/bin/bash': `#!/bin/sh
exec /bin/sh "$@"
`,
};

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
        throw new Error(`no ${what} answers at ${host} (${(error as Error).message}); run ${howToStart} or \`npm test\`, which starts it`);
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
  return requireEngineAt(secondDockerHost(), 'second Docker engine', '`DEPLOYBISECT_ENGINE_DIR=/var/tmp/deploybisect-engine-2 bash scripts/docker-engine.sh`');
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
  try {
    await docker.getImage(BASE_IMAGE).inspect();
    return BASE_IMAGE;
  } catch {
    /* build it below */
  }
  if (!existsSync('/bin/busybox')) throw new Error('/bin/busybox is missing: apt-get install busybox-static');
  const pack = tar.pack();
  pack.entry({ name: 'busybox', mode: 0o755 }, readFileSync('/bin/busybox'));
  for (const [path, content] of Object.entries(BASE_ROOTFS)) pack.entry({ name: `rootfs/${path}`, mode: 0o755 }, content);
  pack.entry(
    { name: 'Dockerfile', mode: 0o644 },
    'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n' +
      'RUN mkdir -p /tmp /root /etc /var/lib/apt/lists && echo "root:x:0:0:root:/root:/bin/sh" > /etc/passwd\n' +
      'COPY rootfs/ /\n',
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
