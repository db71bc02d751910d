import { createInterface } from 'node:readline';
import { PassThrough, Readable } from 'node:stream';
import type Docker from 'dockerode';

export type NetworkMode = 'bridge' | 'host' | 'none' | (string & {});

export interface StartContainerOptions {
  image: string;
  name?: string;
  labels: Record<string, string>;
  env: string[];
  networkMode: NetworkMode;
  /** Container ports (tcp) to publish on 127.0.0.1 at ephemeral host ports (bridge mode only). */
  publish: number[];
  /** Overrides of the image's HEALTHCHECK timing, in nanoseconds; the test is kept (the engine merges). */
  healthcheck?: { Interval?: number; Retries?: number };
}

export interface RunningContainer {
  container: Docker.Container;
  id: string;
  /** Resolves with a one-line reason once the container has stopped. Never rejects. */
  exited: Promise<string>;
  /** Container port → host port, for published tcp ports. */
  ports: Map<number, number>;
}

/** Creates and starts a container; the exit watcher is attached before start so no exit is missed. */
export async function startContainer(docker: Docker, options: StartContainerOptions): Promise<RunningContainer> {
  const bridge = options.networkMode === 'bridge';
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  if (bridge) {
    for (const port of options.publish) {
      exposed[`${port}/tcp`] = {};
      bindings[`${port}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: '' }];
    }
  }
  const container = await docker.createContainer({
    Image: options.image,
    ...(options.name ? { name: options.name } : {}),
    Labels: options.labels,
    Env: options.env,
    ExposedPorts: exposed,
    ...(options.healthcheck ? { Healthcheck: options.healthcheck } : {}),
    HostConfig: {
      NetworkMode: options.networkMode,
      PortBindings: bindings,
      AutoRemove: false,
    },
  });
  const exited = watchExit(container);
  try {
    await container.start();
  } catch (error) {
    await container.remove({ force: true, v: true }).catch(() => undefined);
    throw error;
  }
  const ports = new Map<number, number>();
  if (bridge && options.publish.length > 0) {
    const info = await container.inspect();
    for (const [key, hostBindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
      const hostPort = hostBindings?.[0]?.HostPort;
      if (hostPort) ports.set(Number(key.split('/')[0]), Number(hostPort));
    }
  }
  return { container, id: container.id, exited, ports };
}

function watchExit(container: Docker.Container): Promise<string> {
  return container.wait({ condition: 'next-exit' }).then(
    async (result: { StatusCode?: number }) => {
      const info = await container.inspect().catch(() => undefined);
      if (info?.State.OOMKilled) return 'OOM killed';
      return `container exited with code ${result.StatusCode ?? info?.State.ExitCode ?? 'unknown'}`;
    },
    () => new Promise<string>(() => undefined), // container removed while waiting: never resolves
  );
}

/** The container's output (stdout and stderr demultiplexed, in order), last `tail` lines. */
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
  return lines.slice(-tail);
}

/**
 * Follows the container's output live (stdout and stderr demultiplexed), one call per line,
 * until the container stops or the returned function is called.
 */
export async function followLogs(container: Docker.Container, onLine: (line: string) => void): Promise<() => void> {
  const stream = (await container.logs({ stdout: true, stderr: true, follow: true })) as NodeJS.ReadableStream & {
    destroy?: () => void;
  };
  const lines = new PassThrough();
  container.modem.demuxStream(stream, lines, lines);
  stream.on('end', () => lines.end());
  stream.on('error', () => lines.end());
  const reader = createInterface({ input: lines, crlfDelay: Infinity });
  reader.on('line', onLine);
  return () => {
    reader.close();
    stream.destroy?.();
  };
}
