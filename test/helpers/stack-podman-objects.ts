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

/** Lists the labelled networks and volumes every 250 ms until stopped; what it saw, by name, and how many networks at once. */
export interface SeenObjects {
  networks: Set<string>;
  volumes: Set<string>;
  /** The most networks seen at once, by session: stacks that were up together. */
  atOnce: Map<string, number>;
}

export function watchStackObjects(docker: Docker): { stop: () => Promise<SeenObjects> } {
  const seen: SeenObjects = { networks: new Set<string>(), volumes: new Set<string>(), atOnce: new Map() };
  let running = true;
  const loop = (async () => {
    while (running) {
      const now = await sessionObjects(docker).catch(() => undefined);
      const bySession = new Map<string, number>();
      for (const name of now?.networks ?? []) {
        seen.networks.add(name);
        const session = /^deploybisect-([0-9a-f]{8})-/.exec(name)?.[1] ?? '';
        bySession.set(session, (bySession.get(session) ?? 0) + 1);
      }
      for (const [session, n] of bySession) seen.atOnce.set(session, Math.max(n, seen.atOnce.get(session) ?? 0));
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
