/**
 * How each engine builds, decided once per session and said once: BuildKit where the engine has
 * it (`--builder auto`), else the classic builder (Podman's Docker API builds with buildah); and,
 * since BuildKit's RUN steps use the bridge network by default, `host` for them on an engine
 * without one (unless --build-network says otherwise).
 */
import type { EnginePool, Lane } from '../../docker/engine-pool.js';
import { UsageError } from '../../errors.js';
import type { Settings } from '../../options/settings.js';
import type { SessionEvents } from '../events.js';
import type { EngineBuilder } from '../result.js';

export type { EngineBuilder };

export async function chooseBuilders(
  pool: EnginePool,
  s: Pick<Settings, 'builder' | 'buildNetwork' | 'secret'>,
  events: SessionEvents,
): Promise<EngineBuilder[]> {
  const chosen: EngineBuilder[] = [];
  for (const lane of pool.lanes) {
    const caps = await lane.adapter.buildCapabilities();
    const endpoint = lane.engine.endpoint;
    const why = lane.engine.podman ? "Podman's Docker API builds with buildah" : 'the engine has no BuildKit session endpoint';
    if (s.builder === 'buildkit' && !caps.buildkit)
      throw new UsageError(`--builder buildkit: the engine at ${endpoint} cannot (${why}): use --builder auto or classic`);
    lane.builder = s.builder === 'classic' || !caps.buildkit ? 'classic' : 'buildkit';
    if (s.secret.length > 0 && lane.builder === 'classic') {
      throw new UsageError(
        `--secret needs BuildKit, and the engine at ${endpoint} builds with the classic builder (${s.builder === 'classic' ? '--builder classic' : why})`,
      );
    }
    if (lane.builder === 'buildkit' && s.buildNetwork === undefined && !caps.networks.includes('bridge')) lane.buildNetwork = 'host';
    chosen.push({ endpoint, builder: lane.builder, ...(lane.buildNetwork ? { buildNetwork: lane.buildNetwork } : {}) });
    events.notice?.(describe(lane, s.builder, why));
  }
  return chosen;
}

function describe(lane: Lane, asked: Settings['builder'], why: string): string {
  const where = `on ${lane.engine.endpoint}`;
  if (lane.builder === 'classic') return `building with the classic builder ${where} (${asked === 'classic' ? '--builder classic' : why})`;
  const network = lane.buildNetwork
    ? `; the engine has no bridge network, so RUN steps build with --build-network ${lane.buildNetwork}`
    : '';
  return `building with BuildKit ${where} (the engine's own)${network}`;
}
