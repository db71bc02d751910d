import type Docker from 'dockerode';

import {
  listImages,
  listLabelled,
  removeContainer,
  removeImage,
  removeLabelled,
  removeNetwork,
  removeVolume,
  sessionFilter,
} from './labelled-objects.js';

/** How long cleanup waits for an interrupted build's image to appear (Podman finishes builds whose client left). */
const LATE_IMAGE_WAIT_MS = 15_000;

/**
 * Remembers every container and image one session created (and its stacks' networks and volumes), so
 * that all of them can be removed on any exit path (success, failure, Ctrl-C). `deploybisect clean`
 * reaps what a killed run left.
 */
export class ResourceTracker {
  private readonly containers = new Set<string>();
  private readonly images = new Set<string>();
  private readonly networks = new Set<string>();
  private readonly volumes = new Set<string>();

  constructor(
    private readonly docker: Docker,
    readonly sessionId: string,
    /** Told whenever what is held changes (for a message that names what an abrupt exit leaves). */
    private readonly onChange: () => void = () => undefined,
  ) {}

  addContainer(id: string): void {
    this.containers.add(id);
    this.onChange();
  }

  addImage(id: string): void {
    this.images.add(id);
    this.onChange();
  }

  addNetwork(id: string): void {
    this.networks.add(id);
    this.onChange();
  }

  addVolume(name: string): void {
    this.volumes.add(name);
    this.onChange();
  }

  /** Removes a stack's network (its containers gone first); never throws: what stays is removed at cleanup. */
  async removeNetwork(id: string): Promise<void> {
    if (await removeNetwork(this.docker, id)) this.networks.delete(id);
    this.onChange();
  }

  /** Removes a stack's volume (its containers gone first); never throws: what stays is removed at cleanup. */
  async removeVolume(name: string): Promise<void> {
    if (await removeVolume(this.docker, name)) this.volumes.delete(name);
    this.onChange();
  }

  get networkCount(): number {
    return this.networks.size;
  }

  get volumeCount(): number {
    return this.volumes.size;
  }

  get imageCount(): number {
    return this.images.size;
  }

  get containerCount(): number {
    return this.containers.size;
  }

  async removeContainer(id: string): Promise<void> {
    await removeContainer(this.docker, id);
    this.containers.delete(id);
    this.onChange();
  }

  /** Removes an image of the session now (no longer needed); true when it is gone. */
  async removeImage(id: string): Promise<boolean> {
    const removed = await removeImage(this.docker, id);
    if (removed) this.images.delete(id);
    this.onChange();
    return removed;
  }

  /**
   * Removes an image no one named: one with tags (a base image) stays, and so does one that other
   * images build on (the engine refuses without force). Never throws.
   */
  async removeUntaggedImage(id: string): Promise<void> {
    try {
      const image = await this.docker.getImage(id).inspect();
      if ((image.RepoTags ?? []).some((tag) => tag !== '<none>:<none>')) return;
      await this.docker.getImage(id).remove({ noprune: false });
    } catch {
      // gone already, or still needed: either way it stays the engine's business
    }
  }

  /**
   * Removes every container still tracked, and the images unless kept. Never throws. `lateImages`:
   * builds that were interrupted but may still commit an image (Podman): their images are waited for,
   * a while, and removed too.
   */
  async cleanup({ keepImages, lateImages = 0 }: { keepImages: boolean; lateImages?: number }): Promise<Removed> {
    let containers = 0;
    let images = 0;
    for (const id of [...this.containers]) {
      if (
        await removeContainer(this.docker, id).then(
          () => true,
          () => false,
        )
      )
        containers++;
      this.containers.delete(id);
    }
    // Containers an interrupted create may have left behind are found by label.
    containers += await removeLabelledContainers(this.docker, this.sessionId);
    const { networks, volumes } = await this.removeStackObjects();
    if (!keepImages) {
      for (const id of [...this.images]) {
        if (await removeImage(this.docker, id)) images++;
        this.images.delete(id);
      }
      // Images a build finished after an interruption are found by label.
      images += await this.removeLabelledImages();
      images += await this.removeLateImages(lateImages);
    }
    return { containers, images, ...(networks > 0 ? { networks } : {}), ...(volumes > 0 ? { volumes } : {}) };
  }

  /** The stacks' networks and volumes: those tracked, and those found by label (an interrupted create's). */
  private async removeStackObjects(): Promise<{ networks: number; volumes: number }> {
    const labelled = await listLabelled(this.docker, this.sessionId).catch(() => []);
    const networks = new Set([...this.networks, ...labelled.filter((o) => o.kind === 'network').map((o) => o.id)]);
    const volumes = new Set([...this.volumes, ...labelled.filter((o) => o.kind === 'volume').map((o) => o.id)]);
    let removed = { networks: 0, volumes: 0 };
    for (const id of networks) if (await removeNetwork(this.docker, id)) removed = { ...removed, networks: removed.networks + 1 };
    for (const name of volumes) if (await removeVolume(this.docker, name)) removed = { ...removed, volumes: removed.volumes + 1 };
    this.networks.clear();
    this.volumes.clear();
    return removed;
  }

  private async removeLabelledImages(): Promise<number> {
    let removed = 0;
    const left = await listImages(this.docker, sessionFilter(this.sessionId)).catch(() => []);
    for (const info of left) if (await removeImage(this.docker, info.Id)) removed++;
    return removed;
  }

  /** Waits (up to LATE_IMAGE_WAIT_MS) for the images of `count` interrupted builds, removing each as it appears. */
  private async removeLateImages(count: number): Promise<number> {
    let removed = 0;
    const until = Date.now() + LATE_IMAGE_WAIT_MS;
    while (removed < count && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      removed += await this.removeLabelledImages();
    }
    return removed;
  }
}

async function removeLabelledContainers(docker: Docker, sessionId?: string): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: sessionFilter(sessionId) }).catch(() => []);
  let removed = 0;
  for (const info of list) {
    if (
      await removeContainer(docker, info.Id).then(
        () => true,
        () => false,
      )
    )
      removed++;
  }
  return removed;
}

/**
 * Removes what one session left (containers, images, and its stacks' networks and volumes), as
 * `clean --session` does; says how many containers and images went.
 */
export async function cleanLabelled(docker: Docker, sessionId: string): Promise<Removed> {
  const { containers, images, networks, volumes } = await removeLabelled(docker, await listLabelled(docker, sessionId));
  return { containers, images, ...(networks > 0 ? { networks } : {}), ...(volumes > 0 ? { volumes } : {}) };
}

/** What a cleanup removed; networks and volumes only when it removed some (a stack's). */
export type Removed = { containers: number; images: number; networks?: number; volumes?: number };

/** Adds up what several cleanups removed. */
export function sumRemoved(removed: readonly Removed[]): Removed {
  const sum = (key: keyof Removed) => removed.reduce((n, r) => n + (r[key] ?? 0), 0);
  const networks = sum('networks');
  const volumes = sum('volumes');
  return {
    containers: sum('containers'),
    images: sum('images'),
    ...(networks > 0 ? { networks } : {}),
    ...(volumes > 0 ? { volumes } : {}),
  };
}
