import { PassThrough, Readable } from 'node:stream';
import type Docker from 'dockerode';

import { cleanText } from '../text/clean-text.js';
import { LineSplitter } from '../text/line-splitter.js';

export type NetworkMode = 'bridge' | 'host' | 'none' | (string & {});

export interface StartContainerOptions {
  image: string;
  name?: string;
  labels: Record<string, string>;
  env: string[];
  networkMode: NetworkMode;
  /** Container ports (tcp) to publish on 127.0.0.1 at ephemeral host ports (bridge mode only). */
  publish: number[];
  /** Overrides of the image's HEALTHCHECK (timing in nanoseconds); without a Test, the image's is kept (the engine merges). */
  healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
  /** A stack's container: its network and the names it is reached by, its mounts and how it restarts. */
  stack?: StackContainerOptions;
  limits: ResourceLimits;
  /** `os[/arch[/variant]]`, as for docker run --platform. */
  platform?: string;
  /** The engine does not report OOMKilled (Podman): an exit by SIGKILL (137) under a memory limit counts as one. */
  oomFromExit137?: boolean;
  /** What replaces the image's ENTRYPOINT, CMD, WORKDIR and USER (a platform's start command). */
  overrides?: ContainerOverrides;
}

/**
 * A platform's changes to how the image starts: `entrypoint` replaces the image's ENTRYPOINT (and, as
 * docker run --entrypoint does, drops its CMD); `cmd` replaces CMD (`[]`: none).
 */
export interface ContainerOverrides {
  entrypoint?: string[];
  cmd?: string[];
  workingDir?: string;
  user?: string;
}

/** What a container of a stack has besides a lone one's. */
export interface StackContainerOptions {
  /** The stack's network (networkMode names it) and the names the container answers to on it. */
  network?: { name: string; aliases: string[] };
  /** `name:ip` lines of /etc/hosts. */
  extraHosts: string[];
  /** `volume:/target[:ro]`. */
  binds: string[];
  /** Paths mounted as tmpfs. */
  tmpfs: string[];
  /** compose's restart policy: `no`, `always`, `on-failure[:N]`, `unless-stopped`. */
  restart: string;
  hostname?: string;
  /** Runs once the container is created, before it starts (files put into it). */
  beforeStart?: (container: Docker.Container) => Promise<void>;
}

/** What one container may use, so a broken commit cannot exhaust the host. */
export interface ResourceLimits {
  /** Bytes of memory (swap is not allowed beyond it). */
  memoryBytes?: number;
  /** CPUs, e.g. 0.5 or 2. */
  cpus?: number;
  pidsLimit?: number;
}

/** How a container ended. */
export interface ExitInfo {
  code: number | undefined;
  oomKilled: boolean;
  /** One line: `container exited with code 1`, `OOM killed (memory limit 32 MiB)`. */
  reason: string;
}

export interface RunningContainer {
  container: Docker.Container;
  id: string;
  /** Resolves once the container has stopped. Never rejects. */
  exited: Promise<ExitInfo>;
  /** Container port → host port, for published tcp ports. */
  ports: Map<number, number>;
}

/**
 * What the engine is asked to create. In bridge mode each probed port is published on 127.0.0.1 only,
 * at a host port the engine picks (HostPort ''): commits probed at the same time never clash, a port
 * busy on the host does not matter, and nothing listens beyond loopback.
 */
export function containerCreateOptions(options: StartContainerOptions): Docker.ContainerCreateOptions {
  const publishes = publishesPorts(options);
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  if (publishes) {
    for (const port of options.publish) {
      exposed[`${port}/tcp`] = {};
      bindings[`${port}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: '' }];
    }
  }
  const { memoryBytes, cpus, pidsLimit } = options.limits;
  return {
    ...(options.platform ? { platform: options.platform } : {}),
    Image: options.image,
    ...(options.name ? { name: options.name } : {}),
    Labels: options.labels,
    Env: options.env,
    ...(options.overrides?.entrypoint ? { Entrypoint: options.overrides.entrypoint } : {}),
    ...(options.overrides?.cmd ? { Cmd: options.overrides.cmd } : {}),
    ...(options.overrides?.workingDir ? { WorkingDir: options.overrides.workingDir } : {}),
    ...(options.overrides?.user ? { User: options.overrides.user } : {}),
    ExposedPorts: exposed,
    ...(options.healthcheck ? { Healthcheck: options.healthcheck } : {}),
    ...(options.stack?.hostname ? { Hostname: options.stack.hostname } : {}),
    HostConfig: {
      NetworkMode: options.networkMode,
      PortBindings: bindings,
      AutoRemove: false,
      ...(memoryBytes ? { Memory: memoryBytes, MemorySwap: memoryBytes } : {}),
      ...(cpus ? { NanoCpus: Math.round(cpus * 1e9) } : {}),
      ...(pidsLimit ? { PidsLimit: pidsLimit } : {}),
      ...(options.stack ? stackHostConfig(options.stack) : {}),
    },
    ...(options.stack?.network
      ? { NetworkingConfig: { EndpointsConfig: { [options.stack.network.name]: { Aliases: options.stack.network.aliases } } } }
      : {}),
  } as Docker.ContainerCreateOptions;
}

/** Ports are published in bridge mode, and on a stack's own network. */
function publishesPorts(options: Pick<StartContainerOptions, 'networkMode' | 'stack'>): boolean {
  return options.networkMode === 'bridge' || options.stack?.network !== undefined;
}

function stackHostConfig(stack: StackContainerOptions): Record<string, unknown> {
  const [name = 'no', count] = stack.restart.split(':');
  return {
    ...(stack.extraHosts.length > 0 ? { ExtraHosts: stack.extraHosts } : {}),
    ...(stack.binds.length > 0 ? { Binds: stack.binds } : {}),
    ...(stack.tmpfs.length > 0 ? { Tmpfs: Object.fromEntries(stack.tmpfs.map((t) => [t, ''])) } : {}),
    RestartPolicy: { Name: name === 'no' ? '' : name, ...(count ? { MaximumRetryCount: Number(count) } : {}) },
  };
}

/** Container port → host port, from an inspect's NetworkSettings.Ports (`{"8080/tcp": [{HostIp, HostPort}]}`; unpublished: null). */
export function publishedPorts(
  ports: Record<string, { HostIp?: string; HostPort?: string }[] | null | undefined> | undefined,
): Map<number, number> {
  const found = new Map<number, number>();
  for (const [key, hostBindings] of Object.entries(ports ?? {})) {
    const [port, protocol = 'tcp'] = key.split('/');
    const hostPort = hostBindings?.find((b) => b.HostPort)?.HostPort;
    if (protocol === 'tcp' && hostPort) found.set(Number(port), Number(hostPort));
  }
  return found;
}

/** Creates and starts a container; the exit watcher is attached before start so no exit is missed. */
export async function startContainer(docker: Docker, options: StartContainerOptions): Promise<RunningContainer> {
  const container = await docker.createContainer(containerCreateOptions(options));
  const exited = watchExit(container, options.limits.memoryBytes, Boolean(options.oomFromExit137));
  let ports = new Map<number, number>();
  try {
    await options.stack?.beforeStart?.(container);
    await container.start();
    if (publishesPorts(options) && options.publish.length > 0) {
      ports = publishedPorts((await container.inspect()).NetworkSettings.Ports);
    }
  } catch (error) {
    await container.remove({ force: true, v: true }).catch(() => undefined);
    throw error;
  }
  return { container, id: container.id, exited, ports };
}

function watchExit(container: Docker.Container, memoryBytes: number | undefined, oomFromExit137: boolean): Promise<ExitInfo> {
  return container.wait({ condition: 'next-exit' }).then(
    async (result: { StatusCode?: number }) => {
      const info = await container.inspect().catch(() => undefined);
      const code = result.StatusCode ?? info?.State.ExitCode;
      // A kill by the kernel's OOM killer shows as OOMKilled. Podman does not say so: there, a SIGKILL
      // (137) we did not send, under a memory limit, is taken for one.
      const oomKilled = Boolean(info?.State.OOMKilled) || (oomFromExit137 && code === 137 && Boolean(memoryBytes));
      if (oomKilled) {
        const limit = memoryBytes ? ` (memory limit ${formatBytes(memoryBytes)})` : '';
        return { code, oomKilled, reason: `OOM killed${limit}` };
      }
      return { code, oomKilled, reason: `container exited with code ${code ?? 'unknown'}` };
    },
    () => new Promise<ExitInfo>(() => undefined), // container removed while waiting: never resolves
  );
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit++;
  }
  return `${value} ${units[unit]}`;
}

/** The container's output (stdout and stderr demultiplexed, in order), last `tail` lines, each as a terminal shows it (cleanText). */
export async function containerLogs(container: Docker.Container, tail = 200): Promise<string[]> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false, tail, timestamps: false })) as unknown;
  const buffer = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
  const info = await container.inspect().catch(() => undefined);
  let text: string;
  if (info?.Config.Tty) {
    text = buffer.toString('utf8');
  } else {
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise<void>((resolve) => {
      const source = Readable.from([buffer]);
      container.modem.demuxStream(source, sink, sink);
      // demuxStream writes synchronously on 'data'; let the sink flush before reading it.
      source.on('end', () => setImmediate(resolve));
    });
    text = Buffer.concat(chunks).toString('utf8');
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-tail).flatMap((line) => {
    const clean = cleanText(line.endsWith('\r') ? line.slice(0, -1) : line);
    // A line of nothing but codes (a window title, a cursor move) showed nothing: it is no line of output.
    return clean.trim() === '' && line.trim() !== '' ? [] : [clean];
  });
}

/**
 * Follows the container's output live (stdout and stderr demultiplexed), one call per line as
 * printed (lines end at `\n`, not where the engine's frames end, not at `\r`), until the container
 * stops or the returned function is called.
 */
export async function followLogs(
  container: Docker.Container,
  onLine: (line: string) => void,
  onEnd: () => void = () => undefined,
  signal?: AbortSignal,
): Promise<() => void> {
  const stream = (await container.logs({
    stdout: true,
    stderr: true,
    follow: true,
    ...(signal ? { abortSignal: signal } : {}),
  })) as NodeJS.ReadableStream & {
    destroy?: () => void;
  };
  // demuxStream only writes to its outputs: each feeds a splitter of its own, in the order the frames come.
  const splitters = [new LineSplitter(), new LineSplitter()];
  const [stdout, stderr] = splitters.map((lines) => ({ write: (piece: Buffer) => lines.push(piece).forEach((line) => onLine(line)) }));
  container.modem.demuxStream(stream, stdout as unknown as NodeJS.WritableStream, stderr as unknown as NodeJS.WritableStream);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    for (const lines of splitters) lines.end().forEach((line) => onLine(line));
    onEnd();
  };
  stream.on('end', end);
  stream.on('error', end);
  return () => {
    end();
    stream.destroy?.();
  };
}
