import Docker from 'dockerode';
import { InfrastructureError } from '../errors.js';

export interface Engine {
  docker: Docker;
  /** The endpoint as the user would name it, for messages. */
  endpoint: string;
}

/**
 * A dockerode client for `host` (unix://, tcp://, http(s)://, ssh://, npipe://) or, when absent,
 * for DOCKER_HOST (docker-modem reads it) falling back to the default local socket.
 * The API version is not pinned: dockerode talks to the engine's own.
 */
export function engineFor(host?: string): Engine {
  if (!host) {
    return { docker: new Docker(), endpoint: process.env.DOCKER_HOST || 'unix:///var/run/docker.sock' };
  }
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new InfrastructureError(`invalid Docker host '${host}': expected unix:///path, tcp://host:port or ssh://user@host`);
  }
  switch (url.protocol) {
    case 'unix:':
      return { docker: new Docker({ socketPath: url.pathname }), endpoint: host };
    case 'npipe:':
      return { docker: new Docker({ socketPath: host.slice('npipe://'.length) }), endpoint: host };
    case 'tcp:':
    case 'http:':
      return {
        docker: new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' }),
        endpoint: host,
      };
    case 'https:':
      return {
        docker: new Docker({ host: url.hostname, port: Number(url.port || 2376), protocol: 'https' }),
        endpoint: host,
      };
    case 'ssh:':
      return {
        docker: new Docker({
          host: url.hostname,
          port: Number(url.port || 22),
          protocol: 'ssh',
          username: url.username || undefined,
        } as Docker.DockerOptions),
        endpoint: host,
      };
    default:
      throw new InfrastructureError(`unsupported Docker host '${host}': use unix://, tcp://, https:// or ssh://`);
  }
}

/** Pings the engine; a clear one-line InfrastructureError when it does not answer. */
export async function connectEngine(host?: string, timeoutMs = 10_000): Promise<Engine> {
  const engine = engineFor(host);
  try {
    await withTimeout(engine.docker.ping(), timeoutMs, 'no answer');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InfrastructureError(
      `cannot reach the Docker engine at ${engine.endpoint} (${reason}): start dockerd, or point DOCKER_HOST at a running engine`,
      { cause: error },
    );
  }
  return engine;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
