/**
 * What Podman's Docker-compatible API does differently, and how we make up for it.
 *
 * - `GET /images/{id}/json` leaves `Config.Healthcheck` out even for images built in Docker format;
 *   Podman's own endpoint (`/libpod/images/{id}/json`) has it, as a top-level `Healthcheck`.
 * - Podman runs HEALTHCHECKs from systemd timers. Without systemd (containers, CI runners, these
 *   machines) no check ever runs and the status stays `starting`. `/libpod/containers/{id}/healthcheck`
 *   runs one check now and records it as the timer would (status, failing streak, log).
 */
import type Docker from 'dockerode';

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

/**
 * Podman's own API version (`4.3.1`) when the engine answering `/version` is Podman; undefined for
 * Docker, or when the engine does not say. The `/libpod/...` routes need it as their path prefix.
 */
export async function podmanApiVersion(docker: Docker): Promise<string | undefined> {
  const version = (await docker.version().catch(() => undefined)) as
    { Components?: { Name?: string; Version?: string; Details?: { APIVersion?: string } }[] } | undefined;
  const podman = version?.Components?.find((c) => /podman/i.test(c.Name ?? ''));
  if (!podman) return undefined;
  return podman.Details?.APIVersion || podman.Version || '4.0.0';
}

/** The image's HEALTHCHECK as Podman's own image endpoint reports it; undefined when it has none. */
export async function podmanImageHealthcheck(docker: Docker, apiVersion: string, imageId: string): Promise<HealthConfig | undefined> {
  const info = await dialJson<{ Healthcheck?: HealthConfig }>(
    docker,
    `/v${apiVersion}/libpod/images/${encodeURIComponent(imageId)}/json`,
    'GET',
  );
  return info.Healthcheck ?? undefined;
}

/** Runs the container's HEALTHCHECK once, now; Podman records the result in the container's health state. */
export async function runPodmanHealthcheck(docker: Docker, apiVersion: string, containerId: string): Promise<void> {
  await dialJson(docker, `/v${apiVersion}/libpod/containers/${encodeURIComponent(containerId)}/healthcheck`, 'GET');
}

function dialJson<T>(docker: Docker, path: string, method: 'GET' | 'POST'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    docker.modem.dial(
      { path, method, statusCodes: { 200: true, 404: 'no such object', 409: 'conflict', 500: 'server error' } },
      (error: unknown, data: unknown) => (error ? reject(error) : resolve(data as T)),
    );
  });
}
