/**
 * `deploybisect demo`: the story of the README, for someone without a broken repository of their
 * own. It writes the story's repository to a temporary directory, builds its base image without a
 * registry where it can (the host's static busybox; else the `busybox` image is pulled), runs the
 * real search on the engine it can reach (starting the project's private one where none answers and
 * this machine can run it: demo-engine.ts), and leaves the repository and the report for a look.
 */
import { connectEngines } from '../docker/engine.js';
import { resolveSettings, type Settings } from '../options/settings.js';
import type { SessionEvents } from '../session/events.js';
import type { BisectResult } from '../session/result.js';
import { runBisect } from '../session/search/run-bisect.js';
import { ensureBusyboxBase } from './base-image.js';
import { demoEngineHosts } from './demo-engine.js';
import { writeStoryRepo, type WrittenStory } from './story.js';

export const DEMO_BASE_IMAGE = 'deploybisect-demo/busybox:1';

export async function runDemo(
  settings: Pick<Settings, 'dockerHost' | 'engineTimeout' | 'given'>,
  call: {
    signal?: AbortSignal;
    events?: SessionEvents;
    onStory?: (story: WrittenStory, base: string) => void;
    /** The line saying that the project's private engine was started (or reused), and how to stop it. */
    onEngine?: (line: string) => void;
  } = {},
): Promise<{ story: WrittenStory; result: BisectResult }> {
  const hosts = await demoEngineHosts(settings.dockerHost, (line) => call.onEngine?.(line), call.signal ? { signal: call.signal } : {});
  const engines = await connectEngines(hosts);
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
      ...(hosts.length > 0 ? { dockerHost: [hosts[0]!] } : {}),
    },
  });
  const result = await runBisect(
    demo,
    { good: story.good, bad: story.bad },
    { ...(call.signal ? { signal: call.signal } : {}), ...(call.events ? { events: call.events } : {}) },
  );
  return { story, result };
}
