/**
 * How much room the engine has for layers and containers: the free space of its data root, read
 * with statfs where the engine is on this machine (Docker's API does not report it).
 */
import { statfs } from 'node:fs/promises';

import type { Engine } from './engine.js';

export interface DiskSpace {
  /** The engine's data root (DockerRootDir). */
  path: string;
  freeBytes: number;
  totalBytes: number;
}

/** The free space of the engine's data root; undefined when it cannot be known (a remote engine, no such path here). */
export async function dataRootSpace(engine: Engine): Promise<DiskSpace | undefined> {
  if (engine.machine !== 'local') return undefined;
  try {
    const info = (await engine.docker.info()) as { DockerRootDir?: string };
    if (!info.DockerRootDir) return undefined;
    const stats = await statfs(info.DockerRootDir);
    return { path: info.DockerRootDir, freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
  } catch {
    return undefined;
  }
}

/** `12 MiB free of 380 MiB in /var/lib/docker`. */
export function describeSpace(space: DiskSpace): string {
  return `${mebibytes(space.freeBytes)} free of ${mebibytes(space.totalBytes)} in ${space.path}`;
}

export function mebibytes(bytes: number): string {
  const mib = bytes / 1024 ** 2;
  return mib >= 10_240 ? `${(mib / 1024).toFixed(1)} GiB` : `${Math.round(mib)} MiB`;
}
