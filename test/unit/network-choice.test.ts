/** Which container network a run uses and why, against the networks an engine lists. */
import { describe, expect, it } from 'vitest';

import { networkChoice } from '../../src/session/network-choice.js';

describe('networkChoice', () => {
  it('the default bridge where the engine has one: ports on 127.0.0.1, no problem', () => {
    const choice = networkChoice('bridge', false, ['bridge', 'host', 'none']);
    expect(choice).toEqual({
      mode: 'bridge',
      why: 'bridge (the default; --network host or none to change it): probed ports are published on 127.0.0.1 at ephemeral ports and probe URLs rewritten to them',
    });
  });

  it('bridge on an engine started with --bridge=none: the problem and the two ways out', () => {
    const choice = networkChoice('bridge', true, ['host', 'none']);
    expect(choice.why).toMatch(/^bridge \(--network bridge\): /);
    expect(choice.problem).toBe(
      "the engine has no network 'bridge' (dockerd runs with --bridge=none, or Podman's netns is host), so a run with --network bridge stops before building: use --network host (probes on 127.0.0.1 reach the container) or --network none (HEALTHCHECK and probes inside the container)",
    );
  });

  it('a network of the user’s own is checked by name; host and none never need one; unread networks are not a problem', () => {
    expect(networkChoice('backend', true, ['bridge']).problem).toMatch(/^the engine has no network 'backend', so/);
    expect(networkChoice('backend', true, ['backend']).problem).toBeUndefined();
    expect(networkChoice('host', true, []).problem).toBeUndefined();
    expect(networkChoice('none', false, []).why).toMatch(/^none \(the default; .*\): containers have no network/);
    expect(networkChoice('bridge', false, undefined).problem).toBeUndefined();
  });
});
