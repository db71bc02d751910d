/**
 * What a deploybisect session leaves on an engine, made directly with dockerode for the tests of
 * `clean`: an image (loaded from a tar made here, so that its creation time can be set in the
 * past), a network, a volume, and a container of that image attached to both; and a count of each
 * kind by session, read without deploybisect's own code.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';

const LABEL = 'deploybisect.session';

export interface SessionCounts {
  containers: number;
  images: number;
  networks: number;
  volumes: number;
}

/** A fresh session id (8 hex digits, as deploybisect makes them). */
export const newSessionId = (): string => randomBytes(4).toString('hex');

function tarOf(files: Record<string, Buffer | string>): Promise<Buffer> {
  const archive = pack();
  for (const [name, content] of Object.entries(files)) archive.entry({ name, mtime: new Date(0) }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    archive.on('data', (chunk) => chunks.push(chunk as Buffer));
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
  });
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * Loads an untagged image labelled with the session, whose creation time is `created` (as
 * `docker load` keeps it): a layer of one file and a config in `docker save`'s layout.
 */
export async function loadLabelledImage(docker: Docker, sessionId: string, created: Date): Promise<string> {
  const layer = await tarOf({ [`session-${sessionId}`]: `left by session ${sessionId}\n` });
  const { Arch } = await docker.version();
  const config = JSON.stringify({
    architecture: Arch,
    os: 'linux',
    created: created.toISOString(),
    config: { Labels: { [LABEL]: sessionId }, Cmd: ['/nothing'] },
    rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(layer)}`] },
    history: [{ created: created.toISOString(), created_by: 'test/helpers/session-objects.ts' }],
  });
  const id = sha256(config);
  const manifest = JSON.stringify([{ Config: `${id}.json`, RepoTags: null, Layers: ['layer/layer.tar'] }]);
  const archive = await tarOf({ [`${id}.json`]: config, 'layer/layer.tar': layer, 'manifest.json': manifest });
  const output = await docker.loadImage(archive as unknown as NodeJS.ReadableStream);
  await new Promise((resolve, reject) => docker.modem.followProgress(output, (error) => (error ? reject(error) : resolve(undefined))));
  return `sha256:${id}`;
}

/**
 * What a session of a stack leaves: its image (created at `imageCreated`), a network and a volume,
 * and a container (never started) of the image on that network with the volume mounted.
 */
export async function leaveSession(docker: Docker, sessionId: string, imageCreated = new Date()): Promise<void> {
  const labels = { [LABEL]: sessionId };
  const image = await loadLabelledImage(docker, sessionId, imageCreated);
  const network = await docker.createNetwork({ Name: `deploybisect-${sessionId}`, Driver: 'bridge', Labels: labels });
  const volume = `deploybisect-${sessionId}-data`;
  await docker.createVolume({ Name: volume, Labels: labels });
  await docker.createContainer({
    Image: image,
    Labels: labels,
    HostConfig: { NetworkMode: network.id, Binds: [`${volume}:/data`] },
  });
}

/** How many objects of each kind carry the session label, by session id (read with dockerode). */
export async function sessionCounts(docker: Docker): Promise<Record<string, SessionCounts>> {
  const filters = { label: [LABEL] };
  const [containers, images, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listImages({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  const counts: Record<string, SessionCounts> = {};
  const add = (labels: Record<string, string> | undefined, kind: keyof SessionCounts) => {
    const id = labels?.[LABEL] ?? '';
    counts[id] ??= { containers: 0, images: 0, networks: 0, volumes: 0 };
    counts[id][kind]++;
  };
  for (const c of containers) add(c.Labels, 'containers');
  for (const i of images) add(i.Labels, 'images');
  for (const n of networks) add(n.Labels, 'networks');
  for (const v of volumes.Volumes ?? []) add(v.Labels, 'volumes');
  return counts;
}

/** Removes every object with the session label (or of one session), directly: a clean start for a test. */
export async function removeSessions(docker: Docker, sessionId?: string): Promise<void> {
  const filters = { label: [sessionId ? `${LABEL}=${sessionId}` : LABEL] };
  for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true, v: true });
  for (const i of await docker.listImages({ all: true, filters })) await docker.getImage(i.Id).remove({ force: true });
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove();
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(v.Name).remove();
}
