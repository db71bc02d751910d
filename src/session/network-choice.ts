/**
 * Which container network a run uses and why, said by `doctor` and on the run's first line: the
 * mode asked for (`--network`, else the default bridge), checked against the networks the engine
 * has. An engine started with `--bridge=none` (as the project's test engines are) has no `bridge`,
 * and a run with it would stop before building: that is a problem `doctor` names beforehand.
 */
import type { NetworkMode } from '../docker/run-container.js';

export interface NetworkChoice {
  mode: NetworkMode;
  /** One line: the mode, where it came from, and what it means for the probes. */
  why: string;
  /** Set when a run with this mode cannot start on the engine, with what to do. */
  problem?: string;
}

/**
 * `asked` is the --network value, `given` whether the user chose it (else it is the default);
 * `networks` the names the engine lists (undefined when they could not be read).
 */
export function networkChoice(asked: NetworkMode, given: boolean, networks: readonly string[] | undefined): NetworkChoice {
  const source = given ? `--network ${asked}` : `the default; --network host or none to change it`;
  if (asked === 'host') {
    return { mode: asked, why: `host (${source}): containers share the engine machine's network; probes reach their ports directly` };
  }
  if (asked === 'none') {
    return {
      mode: asked,
      why: `none (${source}): containers have no network; only probes inside them pass (healthcheck, exec:, log:, exit:, running:)`,
    };
  }
  const meaning =
    asked === 'bridge'
      ? 'probed ports are published on 127.0.0.1 at ephemeral ports and probe URLs rewritten to them'
      : `containers join the network '${asked}'`;
  const why = `${asked} (${source}): ${meaning}`;
  if (networks === undefined || networks.includes(asked)) return { mode: asked, why };
  const hint = asked === 'bridge' ? " (dockerd runs with --bridge=none, or Podman's netns is host)" : '';
  return {
    mode: asked,
    why,
    problem: `the engine has no network '${asked}'${hint}, so a run with --network ${asked} stops before building: use --network host (probes on 127.0.0.1 reach the container) or --network none (HEALTHCHECK and probes inside the container)`,
  };
}
