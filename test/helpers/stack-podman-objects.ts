/**
 * What a session puts on an engine for its stacks, read with dockerode (not deploybisect's code): the
 * containers, networks, volumes and images labelled with one session, and a watcher that lists them
 * while a run goes on, so a test can show a stack's objects existed before it says none is left.
 */
import type Docker from 'dockerode';

import { LABEL_SESSION } from '../../src/docker/labels.js';

export interface StackObjects {
  containers: string[];
  networks: string[];
  volumes: string[];
  images: string[];
}

/** Podman fails a list now and then (500, "… not known") when an object goes while it lists: ask again. */
async function retried<T>(list: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await list();
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

/** The objects labelled with `sessionId` (every session's, without it). */
export async function sessionObjects(docker: Docker, sessionId?: string): Promise<StackObjects> {
  const filters = { label: [sessionId ? `${LABEL_SESSION}=${sessionId}` : LABEL_SESSION] };
  const [containers, networks, volumes, images] = await Promise.all([
    retried(() => docker.listContainers({ all: true, filters })),
    retried(() => docker.listNetworks({ filters })),
    retried(() => docker.listVolumes({ filters })),
    retried(() => docker.listImages({ filters })),
  ]);
  return {
    containers: containers.map((c) => c.Names?.[0] ?? c.Id),
    networks: networks.map((n) => n.Name),
    volumes: (volumes.Volumes ?? []).map((v) => v.Name),
    images: images.map((i) => i.Id),
  };
}

/** Lists the labelled networks and volumes every 250 ms until stopped; what it saw, by name. */
export function watchStackObjects(docker: Docker): { stop: () => Promise<{ networks: Set<string>; volumes: Set<string> }> } {
  const seen = { networks: new Set<string>(), volumes: new Set<string>() };
  let running = true;
  const loop = (async () => {
    while (running) {
      const now = await sessionObjects(docker).catch(() => undefined);
      for (const name of now?.networks ?? []) seen.networks.add(name);
      for (const name of now?.volumes ?? []) seen.volumes.add(name);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return seen;
    },
  };
}
