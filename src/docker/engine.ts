import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';

import { InfrastructureError } from '../errors.js';
import { currentContextEndpoint, type ContextEndpoint } from './docker-context.js';
import { DEFAULT_ENGINE_CALL_TIMEOUT_MS, EngineLostError, guardEngineCalls } from './engine-calls.js';
import { podmanApiVersion } from './podman.js';

export interface Engine {
  docker: Docker;
  /** The endpoint as the user would name it, for messages. */
  endpoint: string;
  /**
   * The machine whose network the engine's containers share: `local` for this machine's engines
   * (unix sockets, npipes, tcp to localhost), else the remote host's name. Containers on one
   * machine's host network compete for its ports.
   */
  machine: string;
  /**
   * Set when the engine is Podman's Docker-compatible API (by connectEngine): Podman's own API version,
   * for the endpoints that read and run HEALTHCHECKs (see podman.ts).
   */
  podman?: { apiVersion: string };
}

const DEFAULT_SOCKET = 'unix:///var/run/docker.sock';

/**
 * A dockerode client. The endpoint is `host` (unix://, tcp://, http(s)://, ssh://, npipe://) when
 * given; else DOCKER_HOST, with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as the docker CLI reads them;
 * else the Docker CLI's current context (DOCKER_CONTEXT or `docker context use`); else the default
 * local socket. The API version is not pinned: dockerode talks to the engine's own.
 */
export function engineFor(host?: string, env: NodeJS.ProcessEnv = process.env, callTimeoutMs = DEFAULT_ENGINE_CALL_TIMEOUT_MS): Engine {
  const engine = unguardedEngineFor(host, env);
  guardEngineCalls(engine.docker, engine.endpoint, callTimeoutMs);
  return engine;
}

function unguardedEngineFor(host: string | undefined, env: NodeJS.ProcessEnv): Engine {
  if (host) return engineAt(host, env);
  if (env.DOCKER_HOST) return engineAt(env.DOCKER_HOST, env);
  const context = currentContextEndpoint(env);
  if (context) {
    const engine = engineAt(context.host, {}, context);
    return { ...engine, endpoint: `${context.host} (docker context ${context.name})` };
  }
  return engineAt(DEFAULT_SOCKET, env);
}

function engineAt(host: string, env: NodeJS.ProcessEnv, context?: ContextEndpoint): Engine {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new InfrastructureError(`invalid Docker host '${host}': expected unix:///path, tcp://host:port or ssh://user@host`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]', ''].includes(url.hostname);
  const machine = local ? 'local' : url.hostname;
  switch (url.protocol) {
    case 'unix:':
      return { docker: new Docker({ socketPath: url.pathname }), endpoint: host, machine: 'local' };
    case 'npipe:':
      return { docker: new Docker({ socketPath: host.slice('npipe://'.length) }), endpoint: host, machine: 'local' };
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const tls = tlsFor(url, env, context);
      const port = Number(url.port || (tls ? 2376 : 2375));
      return {
        docker: new Docker({ host: url.hostname, port, protocol: tls ? 'https' : 'http', ...(tls ?? {}) }),
        endpoint: host,
        machine,
      };
    }
    case 'ssh:':
      return {
        docker: new Docker({
          host: url.hostname,
          port: Number(url.port || 22),
          protocol: 'ssh',
          username: url.username || undefined,
        } as Docker.DockerOptions),
        endpoint: host,
        machine,
      };
    default:
      throw new InfrastructureError(`unsupported Docker host '${host}': use unix://, tcp://, https:// or ssh://`);
  }
}

/** TLS settings for a tcp endpoint: https://, a context's TLS files, or DOCKER_TLS_VERIFY / DOCKER_CERT_PATH / port 2376. */
function tlsFor(url: URL, env: NodeJS.ProcessEnv, context?: ContextEndpoint): { ca?: Buffer; cert?: Buffer; key?: Buffer } | undefined {
  if (context) {
    if (context.tls || url.protocol === 'https:') return { ...(context.tls ?? {}) };
    return undefined;
  }
  const wantsTls = url.protocol === 'https:' || env.DOCKER_TLS_VERIFY === '1' || url.port === '2376';
  if (!wantsTls) return undefined;
  const dir = env.DOCKER_CERT_PATH;
  if (!dir) return {};
  try {
    return {
      ca: readFileSync(join(dir, 'ca.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
      key: readFileSync(join(dir, 'key.pem')),
    };
  } catch (error) {
    throw new InfrastructureError(
      `cannot read the TLS files in DOCKER_CERT_PATH=${dir} (${(error as NodeJS.ErrnoException).code ?? error}): expected ca.pem, cert.pem and key.pem`,
    );
  }
}

/** Pings the engine; a clear one-line InfrastructureError when it does not answer. */
export async function connectEngine(host?: string, timeoutMs = 10_000, callTimeoutMs = DEFAULT_ENGINE_CALL_TIMEOUT_MS): Promise<Engine> {
  const engine = engineFor(host, process.env, callTimeoutMs);
  try {
    await withTimeout(engine.docker.ping(), timeoutMs, 'no answer');
  } catch (thrown) {
    const error = thrown instanceof EngineLostError ? thrown.cause : thrown;
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InfrastructureError(
      `cannot reach the Docker engine at ${engine.endpoint} (${reason}): start dockerd, or point DOCKER_HOST at a running engine (\`deploybisect doctor\` shows what deploybisect can reach)`,
      { cause: error },
    );
  }
  const podman = await withTimeout(podmanApiVersion(engine.docker), timeoutMs, 'no answer').catch(() => undefined);
  return podman ? { ...engine, podman: { apiVersion: podman } } : engine;
}

/** Every engine named (at least one: the default), each pinged; the same endpoint twice counts once. */
export async function connectEngines(
  hosts: readonly string[] = [],
  timeoutMs = 10_000,
  callTimeoutMs = DEFAULT_ENGINE_CALL_TIMEOUT_MS,
): Promise<Engine[]> {
  const unique = [...new Set(hosts)];
  if (unique.length === 0) return [await connectEngine(undefined, timeoutMs, callTimeoutMs)];
  return Promise.all(unique.map((host) => connectEngine(host, timeoutMs, callTimeoutMs)));
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
