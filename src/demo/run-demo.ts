/**
 * `deploybisect demo`: the story of the README, for someone without a broken repository of their
 * own. It writes the story's repository to a temporary directory, builds its base image without a
 * registry where it can (the host's static busybox; else the `busybox` image is pulled), runs the
 * real search on the engine it can reach, and leaves the repository and the report for a look.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectEngines } from '../docker/engine.js';
import { InfrastructureError } from '../errors.js';
import { resolveSettings, type Settings } from '../options/settings.js';
import type { SessionEvents } from '../session/events.js';
import type { BisectResult } from '../session/result.js';
import { runBisect } from '../session/search/run-bisect.js';
import { ensureBusyboxBase } from './base-image.js';
import { writeStoryRepo, type WrittenStory } from './story.js';

export const DEMO_BASE_IMAGE = 'deploybisect-demo/busybox:1';

/** scripts/docker-engine.sh of this checkout, when deploybisect runs from one (not from an installed package). */
export function checkoutEngineScript(): string | undefined {
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'docker-engine.sh');
  return existsSync(script) ? script : undefined;
}

export async function runDemo(
  settings: Pick<Settings, 'dockerHost' | 'engineTimeout' | 'given'>,
  call: { signal?: AbortSignal; events?: SessionEvents; onStory?: (story: WrittenStory, base: string) => void } = {},
): Promise<{ story: WrittenStory; result: BisectResult }> {
  const engines = await connectEngines(settings.dockerHost).catch((error: unknown) => {
    if (!(error instanceof InfrastructureError)) throw error;
    const script = checkoutEngineScript();
    const how = script
      ? `in this checkout, \`bash ${script}\` starts a private engine (Debian, root); then DOCKER_HOST=unix:///var/tmp/deploybisect-engine/docker.sock deploybisect demo`
      : 'install Docker (or Podman with `podman system service`) and start it, or point DOCKER_HOST or --docker-host at a running engine';
    throw new InfrastructureError(`the demo needs a Docker engine: ${error.message.replace(/: start dockerd.*$/, '')}; ${how}`, {
      cause: error,
    });
  });
  const engine = engines[0]!;
  const from = await ensureBusyboxBase(engine.docker, DEMO_BASE_IMAGE, { 'deploybisect.demo': 'base' });
  const story = writeStoryRepo(DEMO_BASE_IMAGE);
  call.onStory?.(
    story,
    from === 'pulled' ? 'the busybox image' : from === 'host' ? "the host's static busybox" : `${DEMO_BASE_IMAGE}, built before`,
  );
  // The story's options: its HEALTHCHECK needs no network; a fresh state and no verdict cache, so the search is real.
  const demo = resolveSettings({
    command: 'run',
    given: {
      repo: story.dir,
      network: 'none',
      cache: false,
      restart: true,
      ...(settings.given.engineTimeout !== undefined ? { engineTimeout: settings.given.engineTimeout } : {}),
      // The engine that answered (the first one named, or the default one).
      ...(settings.dockerHost.length > 0 ? { dockerHost: [settings.dockerHost[0]!] } : {}),
    },
  });
  const result = await runBisect(
    demo,
    { good: story.good, bad: story.bad },
    { ...(call.signal ? { signal: call.signal } : {}), ...(call.events ? { events: call.events } : {}) },
  );
  return { story, result };
}
