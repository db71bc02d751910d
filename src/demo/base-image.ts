/**
 * The base image the story is built on, made here so that nothing is pulled: FROM scratch with the
 * host's static busybox (Debian's busybox-static) and its applets linked into /bin — or, where the
 * host has none, the `busybox` image pulled from a registry — plus a stand-in `apt-get` that
 * "installs" a few fake packages (nginx, supervisor, bash) from /usr/share/fake-apt, so the story's
 * Dockerfiles have real-looking install lines.
 */
import { existsSync, readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import tar from 'tar-stream';

import { buildImage } from '../docker/build-image.js';
import { InfrastructureError } from '../errors.js';

export const HOST_BUSYBOX = '/bin/busybox';
export const BUSYBOX_IMAGE = 'busybox:stable';

/** Files of the fake packages and the apt-get stand-in, by path in the image. */
export const BASE_ROOTFS: Record<string, string> = {
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

/** Builds `tag` on the engine unless it is there already; returns where busybox came from. */
export async function ensureBusyboxBase(
  docker: Docker,
  tag: string,
  labels: Record<string, string>,
): Promise<'present' | 'host' | 'pulled'> {
  try {
    await docker.getImage(tag).inspect();
    return 'present';
  } catch {
    /* build it below */
  }
  const pack = tar.pack();
  let from: 'host' | 'pulled';
  let dockerfile: string;
  if (existsSync(HOST_BUSYBOX)) {
    from = 'host';
    pack.entry({ name: 'busybox', mode: 0o755 }, readFileSync(HOST_BUSYBOX));
    dockerfile = 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n';
  } else {
    from = 'pulled';
    await pull(docker, BUSYBOX_IMAGE).catch((error: Error) => {
      throw new InfrastructureError(
        `no busybox to build from: ${HOST_BUSYBOX} is missing (apt-get install busybox-static) and the engine could not pull ${BUSYBOX_IMAGE} (${error.message.split('\n')[0]})`,
      );
    });
    dockerfile = `FROM ${BUSYBOX_IMAGE}\n`;
  }
  for (const [path, content] of Object.entries(BASE_ROOTFS)) pack.entry({ name: `rootfs/${path}`, mode: 0o755 }, content);
  pack.entry(
    { name: 'Dockerfile', mode: 0o644 },
    `${dockerfile}RUN mkdir -p /tmp /root /etc /var/lib/apt/lists && echo "root:x:0:0:root:/root:/bin/sh" > /etc/passwd\nCOPY rootfs/ /\n`,
  );
  pack.finalize();
  await buildImage(docker, { context: pack as unknown as NodeJS.ReadableStream, dockerfile: 'Dockerfile', tag, labels });
  return from;
}

async function pull(docker: Docker, image: string): Promise<void> {
  const stream = await docker.pull(image);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (failed: Error | null) => (failed ? reject(failed) : resolve()));
  });
}
