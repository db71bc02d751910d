/**
 * What `doctor` reads of one engine, resolved as a run resolves it (--docker-host, DOCKER_HOST, the
 * docker context, the default socket): whether it answers, its versions, OS and architecture,
 * Docker or Podman, BuildKit or not, its networks (and so the network mode a run will use), and
 * whether it can limit a container's memory.
 */
import { EngineAdapter } from '../../docker/engine-adapter.js';
import { connectEngine } from '../../docker/engine.js';
import type { NetworkMode } from '../../docker/run-container.js';
import { networkChoice, type NetworkChoice } from '../network-choice.js';

export interface EngineCheck {
  endpoint: string;
  reachable: boolean;
  /** Why it could not be reached, with what to do. */
  error?: string;
  version?: string;
  apiVersion?: string;
  os?: string;
  arch?: string;
  podman: boolean;
  buildkit: boolean;
  networks: string[];
  /** The engine can limit memory (--memory); false where its kernel or cgroups cannot. */
  memoryLimit?: boolean;
  network?: NetworkChoice;
}

interface VersionFields {
  Version?: string;
  ApiVersion?: string;
  Os?: string;
  Arch?: string;
}

export async function checkEngine(
  host: string | undefined,
  s: { network: NetworkMode; networkGiven: boolean; timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<EngineCheck> {
  const env = s.env ?? process.env;
  const named = host ?? env.DOCKER_HOST ?? 'the default engine (docker context or unix:///var/run/docker.sock)';
  let engine;
  try {
    engine = await connectEngine(host, s.timeoutMs, s.timeoutMs);
  } catch (error) {
    const message = (error as Error).message.replace(/ \(`deploybisect doctor`[^)]*\)$/, '');
    return { endpoint: named, reachable: false, error: message, podman: false, buildkit: false, networks: [] };
  }
  let version: VersionFields, info: { MemoryLimit?: boolean }, caps: { buildkit: boolean; networks: string[] };
  try {
    [version, info, caps] = await Promise.all([
      engine.docker.version() as Promise<VersionFields>,
      engine.docker.info() as Promise<{ MemoryLimit?: boolean }>,
      new EngineAdapter(engine).buildCapabilities(),
    ]);
  } catch (error) {
    // It answered its ping, then not: as unusable for a run as one that never answered.
    const error_ = `the Docker engine at ${engine.endpoint} answered its ping but not its version or info (${(error as Error).message})`;
    return { endpoint: engine.endpoint, reachable: false, error: error_, podman: false, buildkit: false, networks: [] };
  }
  return {
    endpoint: engine.endpoint,
    reachable: true,
    ...(version.Version ? { version: version.Version } : {}),
    ...(version.ApiVersion ? { apiVersion: version.ApiVersion } : {}),
    ...(version.Os ? { os: version.Os } : {}),
    ...(version.Arch ? { arch: version.Arch } : {}),
    podman: engine.podman !== undefined,
    buildkit: caps.buildkit,
    networks: caps.networks.sort(),
    ...(typeof info.MemoryLimit === 'boolean' ? { memoryLimit: info.MemoryLimit } : {}),
    network: networkChoice(s.network, s.networkGiven, caps.networks),
  };
}
