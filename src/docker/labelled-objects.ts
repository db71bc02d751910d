/**
 * What deploybisect left on an engine, found by its session label: containers, images, and the
 * networks and volumes of stacks. Listing and removing them, for `clean` and for the cleanup of runs.
 */
import type Docker from 'dockerode';

import { LABEL_SESSION } from './labels.js';

export const LABELLED_KINDS = ['container', 'image', 'network', 'volume'] as const;
export type LabelledKind = (typeof LABELLED_KINDS)[number];
/** A count of each kind (`{ containers, images, networks, volumes }`). */
export type KindCounts = Record<`${LabelledKind}s`, number>;

export interface LabelledObject {
  kind: LabelledKind;
  /** The id (a volume's name). */
  id: string;
  /** The value of its deploybisect.session label. */
  sessionId: string;
  /** When the engine says it was created (ms since the epoch), when it says. */
  createdMs?: number;
  /** A container that is running (a run may still be using it). */
  running?: true;
}

export const noCounts = (): KindCounts => ({ containers: 0, images: 0, networks: 0, volumes: 0 });

/** Counts objects by kind. */
export function countKinds(objects: readonly Pick<LabelledObject, 'kind'>[]): KindCounts {
  const counts = noCounts();
  for (const object of objects) counts[`${object.kind}s`]++;
  return counts;
}

/** Two counts added up. */
export function addCounts(a: KindCounts, b: KindCounts): KindCounts {
  return {
    containers: a.containers + b.containers,
    images: a.images + b.images,
    networks: a.networks + b.networks,
    volumes: a.volumes + b.volumes,
  };
}

export const sessionFilter = (sessionId?: string) => ({
  label: [sessionId ? `${LABEL_SESSION}=${sessionId}` : LABEL_SESSION],
});

/**
 * Images by label. Podman fails the whole list (500, "image not known") when an image goes away while
 * it lists, as when another run removes its own: asked again, it answers.
 */
export async function listImages(docker: Docker, filters: { label: string[] }, all = false): Promise<Docker.ImageInfo[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await docker.listImages({ filters, ...(all ? { all } : {}) });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 500 || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** Seconds since the epoch (containers, images) or an RFC 3339 text (networks, volumes) as ms; undefined when unknown. */
function createdMs(value: number | string | undefined): number | undefined {
  if (typeof value === 'number') return value > 0 ? value * 1000 : undefined;
  const ms = value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function labelled(
  kind: LabelledKind,
  id: string,
  labels: Record<string, string> | null | undefined,
  created: number | string | undefined,
): LabelledObject {
  const ms = createdMs(created);
  return { kind, id, sessionId: labels?.[LABEL_SESSION] ?? '', ...(ms !== undefined ? { createdMs: ms } : {}) };
}

/** Every object of the four kinds with the session label (any session, or `sessionId`'s), containers first. */
export async function listLabelled(docker: Docker, sessionId?: string): Promise<LabelledObject[]> {
  const filters = sessionFilter(sessionId);
  const [containers, images, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    listImages(docker, filters, true),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return [
    ...containers.map((c) => ({
      ...labelled('container', c.Id, c.Labels, c.Created),
      ...(c.State === 'running' ? { running: true as const } : {}),
    })),
    ...images.map((i) => labelled('image', i.Id, i.Labels, i.Created)),
    ...networks.map((n) => labelled('network', n.Id, n.Labels, n.Created)),
    ...(volumes.Volumes ?? []).map((v) => labelled('volume', v.Name, v.Labels, (v as { CreatedAt?: string }).CreatedAt)),
  ];
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

export async function removeContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (error) {
    if (statusOf(error) === 404) return;
    throw error;
  }
}

export async function removeImage(docker: Docker, id: string): Promise<boolean> {
  try {
    await docker.getImage(id).remove({ force: true, noprune: false });
    return true;
  } catch {
    return false;
  }
}

/** Removes a network; true when it is gone (removed now, or already gone). Never throws. */
export async function removeNetwork(docker: Docker, id: string): Promise<boolean> {
  return docker
    .getNetwork(id)
    .remove()
    .then(
      () => true,
      (error: unknown) => statusOf(error) === 404,
    );
}

/** Removes a volume; true when it is gone (removed now, or already gone). Never throws. */
export async function removeVolume(docker: Docker, name: string): Promise<boolean> {
  return docker
    .getVolume(name)
    .remove()
    .then(
      () => true,
      (error: unknown) => statusOf(error) === 404,
    );
}

/** Removes one object; true when it is gone (removed now, or already gone). Never throws. */
async function removeOne(docker: Docker, object: LabelledObject): Promise<boolean> {
  try {
    if (object.kind === 'container') await removeContainer(docker, object.id);
    else if (object.kind === 'image') await docker.getImage(object.id).remove({ force: true, noprune: false });
    else if (object.kind === 'network') await docker.getNetwork(object.id).remove();
    else await docker.getVolume(object.id).remove();
    return true;
  } catch (error) {
    // An image removed with its child (untagged parents are pruned) is gone too.
    return statusOf(error) === 404;
  }
}

/**
 * Removes the objects: containers first (their volumes and networks are free once they are gone),
 * then images, networks, volumes; what failed is tried once more at the end (an image that another
 * listed image builds on). Returns the objects that are gone, by kind. Never throws.
 */
export async function removeLabelled(docker: Docker, objects: readonly LabelledObject[]): Promise<KindCounts> {
  const ordered = LABELLED_KINDS.flatMap((kind) => objects.filter((o) => o.kind === kind));
  const failed: LabelledObject[] = [];
  const gone: LabelledObject[] = [];
  for (const object of ordered) ((await removeOne(docker, object)) ? gone : failed).push(object);
  for (const object of failed) if (await removeOne(docker, object)) gone.push(object);
  return countKinds(gone);
}
