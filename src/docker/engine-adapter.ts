/**
 * What deploybisect asks of one engine, with the differences between Docker and Podman's
 * Docker-compatible API kept here (and in podman.ts) and nowhere else:
 *
 * - Podman's compat image inspect has no HEALTHCHECK: it is read from Podman's own endpoint;
 * - Podman schedules HEALTHCHECKs with systemd timers, absent on most hosts: we run them ourselves;
 * - Podman does not set OOMKilled: an exit by SIGKILL under a memory limit counts as one.
 */
import type Docker from 'dockerode';

import { buildImage, type BuildImageOptions } from './build-image.js';
import { buildWithBuildkit } from './buildkit/build.js';
import { openBuildkitSession, type SessionSecret } from './buildkit/session.js';
import { withTimeout, type Engine } from './engine.js';
import { LABEL_BUILD } from './labels.js';
import { podmanImageHealthcheck, runPodmanHealthcheck, type HealthConfig } from './podman.js';
import { startContainer, type RunningContainer, type StartContainerOptions } from './run-container.js';

/** What the probes need to know of an image. */
export interface ImageFacts {
  healthcheck?: HealthConfig;
  /** `8080/tcp`, … as in the image config. */
  exposedPorts: string[];
}

/** Runs an image's HEALTHCHECK on an engine that records results but does not schedule checks. */
export interface HealthcheckDriver {
  intervalMs: number;
  run(): Promise<void>;
}

export class EngineAdapter {
  /**
   * Builds stopped by an abort that the engine may still finish: Podman goes on building after the
   * request is gone and commits the image later, so cleanup waits a little for it (see ResourceTracker).
   */
  interruptedBuilds = 0;

  constructor(readonly engine: Engine) {}

  get docker(): Docker {
    return this.engine.docker;
  }

  /** What the engine can do for builds: BuildKit (its `/session` endpoint answers), and which networks exist. */
  async buildCapabilities(): Promise<{ buildkit: boolean; networks: string[] }> {
    this.capabilities ??= (async () => {
      const networks = (await this.docker.listNetworks().catch(() => [])).map((n) => n.Name);
      // Podman's compatible API builds with buildah and has no /session.
      if (this.engine.podman) return { buildkit: false, networks };
      const session = await openBuildkitSession(this.docker, []).catch(() => undefined);
      session?.close();
      return { buildkit: session !== undefined, networks };
    })();
    return this.capabilities;
  }

  private capabilities: Promise<{ buildkit: boolean; networks: string[] }> | undefined;

  /** Removes BuildKit's build cache that nothing uses (layers of removed images, old cache mounts); the bytes freed. */
  async pruneBuildCache(): Promise<number> {
    const pruned = await this.docker.pruneBuilder();
    return pruned.SpaceReclaimed ?? 0;
  }

  /** Builds with BuildKit (serving `secrets`) or the classic builder. */
  build(
    options: BuildImageOptions & { builder: 'buildkit' | 'classic'; secrets?: readonly SessionSecret[] },
  ): Promise<{ imageId: string; output: string[] }> {
    const { builder, secrets = [], ...rest } = options;
    const built = builder === 'buildkit' ? buildWithBuildkit(this.docker, { ...rest, secrets }) : buildImage(this.docker, rest);
    return built.catch((error: unknown) => {
      if (options.signal?.aborted && this.engine.podman) this.interruptedBuilds++;
      throw error;
    });
  }

  /** The image's HEALTHCHECK and EXPOSEd ports. */
  async imageFacts(imageId: string): Promise<ImageFacts> {
    const image = await this.docker.getImage(imageId).inspect();
    const podman = this.engine.podman;
    const healthcheck =
      (image.Config?.Healthcheck as HealthConfig | undefined) ??
      (podman ? await podmanImageHealthcheck(this.docker, podman.apiVersion, imageId).catch(() => undefined) : undefined);
    return { ...(healthcheck ? { healthcheck } : {}), exposedPorts: Object.keys(image.Config?.ExposedPorts ?? {}) };
  }

  /** The image's layers and runtime configuration (labels, which name the commit, left out), to compare images. */
  async imageEssence(imageId: string): Promise<string> {
    const image = await this.docker.getImage(imageId).inspect();
    const { Labels: _labels, Image: _image, Hostname: _hostname, ...config } = (image.Config ?? {}) as unknown as Record<string, unknown>;
    return JSON.stringify([image.RootFS?.Layers ?? [], config]);
  }

  /**
   * The id of the image `ref` names on this engine; undefined when it has none (a build would pull
   * it) or cannot say (a reference it does not accept).
   */
  async imageIdOf(ref: string): Promise<string | undefined> {
    return this.docker
      .getImage(ref)
      .inspect()
      .then(
        (image) => image.Id,
        () => undefined,
      );
  }

  /** The newest image built with this key (kept by an earlier --keep-images run), if any. */
  async keptImage(buildKey: string): Promise<string | undefined> {
    const images = await this.docker.listImages({ filters: { label: [`${LABEL_BUILD}=${buildKey}`] } }).catch(() => []);
    return images.sort((a, b) => b.Created - a.Created)[0]?.Id;
  }

  /** The first of the names `nameFor(1)`, `nameFor(2)`, … that no container on the engine has. */
  async freeContainerName(nameFor: () => string): Promise<string> {
    for (;;) {
      const name = nameFor();
      const taken = await this.docker.listContainers({ all: true, filters: { name: [`^/?${name}$`] } });
      if (taken.length === 0) return name;
    }
  }

  start(options: Omit<StartContainerOptions, 'oomFromExit137'>): Promise<RunningContainer> {
    return startContainer(this.docker, { ...options, ...(this.engine.podman ? { oomFromExit137: true } : {}) });
  }

  /** On Podman, the HEALTHCHECK run by us every interval (the image's, or our override); undefined on Docker. */
  healthcheckDriver(containerId: string, image: HealthConfig | undefined, override?: { Interval?: number }): HealthcheckDriver | undefined {
    const podman = this.engine.podman;
    if (!podman || !image) return undefined;
    const ns = override?.Interval || image.Interval || 30_000_000_000;
    return { intervalMs: ns / 1_000_000, run: () => runPodmanHealthcheck(this.docker, podman.apiVersion, containerId) };
  }

  /** Resolves when the engine answers a ping within `ms`; rejects otherwise. */
  async answers(ms: number): Promise<void> {
    await withTimeout(this.docker.ping(), ms, 'no answer');
  }
}
