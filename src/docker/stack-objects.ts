/**
 * The objects a compose stack adds to its containers: a network of its own per candidate (service names
 * resolved by the engine's DNS), named volumes, and files put into a container before it starts. Each is
 * labelled with the session, so a run's cleanup and `clean` find it.
 */
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';

import { InfrastructureError } from '../errors.js';
import type { Engine } from './engine.js';

/**
 * Creates the network; on Podman, checks that it resolves names (CNI without the dnsname plugin does
 * not): a stack whose services cannot find each other would fail for the engine's sake, not the commit's.
 */
export async function createStackNetwork(engine: Engine, name: string, labels: Record<string, string>): Promise<string> {
  const network = await engine.docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true });
  const podman = engine.podman;
  if (podman) {
    const info = await podmanNetwork(engine.docker, podman.apiVersion, name).catch(() => undefined);
    if (info && info.dns_enabled === false) {
      await network.remove().catch(() => undefined);
      throw new InfrastructureError(
        `Podman at ${engine.endpoint} makes networks without DNS, so a stack's services cannot reach each other by name: install the dnsname CNI plugin (Debian: golang-github-containernetworking-plugin-dnsname) or use netavark with aardvark-dns, or run with --network host`,
      );
    }
  }
  return network.id;
}

function podmanNetwork(docker: Docker, apiVersion: string, name: string): Promise<{ dns_enabled?: boolean }> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/v${apiVersion}/libpod/networks/${encodeURIComponent(name)}/json`,
        method: 'GET',
        statusCodes: { 200: true, 404: 'no such network' },
      },
      (error: unknown, data: unknown) => (error ? reject(error) : resolve(data as { dns_enabled?: boolean })),
    );
  });
}

export async function createStackVolume(docker: Docker, name: string, labels: Record<string, string>): Promise<string> {
  const volume = (await docker.createVolume({ Name: name, Labels: labels })) as unknown as { name?: string };
  return volume.name ?? name;
}

/** Puts a tar's entries into a created container, from its root (missing parents are made). */
export async function putFiles(container: Docker.Container, tar: Readable): Promise<void> {
  await container.putArchive(tar as unknown as string, { path: '/' });
}
