/** The bridge path's own logic: what is published where, and how the engine's answer is read back. */
import { describe, expect, it } from 'vitest';

import { containerCreateOptions, publishedPorts, type StartContainerOptions } from '../../src/docker/run-container.js';

const base: StartContainerOptions = { image: 'app', labels: {}, env: [], networkMode: 'bridge', publish: [8080, 5432], limits: {} };

describe('containerCreateOptions', () => {
  it('bridge: each probed port published on 127.0.0.1 only, at a port the engine picks', () => {
    const options = containerCreateOptions(base) as { ExposedPorts: object; HostConfig: { NetworkMode: string; PortBindings: object } };
    expect(options.ExposedPorts).toEqual({ '8080/tcp': {}, '5432/tcp': {} });
    expect(options.HostConfig.NetworkMode).toBe('bridge');
    expect(options.HostConfig.PortBindings).toEqual({
      '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
      '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
    });
  });

  it('host and none publish nothing (the ports are the host’s own, or there is no network)', () => {
    for (const networkMode of ['host', 'none'] as const) {
      const options = containerCreateOptions({ ...base, networkMode }) as { ExposedPorts: object; HostConfig: { PortBindings: object } };
      expect(options.ExposedPorts).toEqual({});
      expect(options.HostConfig.PortBindings).toEqual({});
    }
  });
});

describe('publishedPorts', () => {
  it('reads the host port of each published tcp port; unpublished ports (null) and udp are left out', () => {
    const ports = publishedPorts({
      '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '49153' }],
      '9090/tcp': null,
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '49154' }],
      '5432/tcp': [
        { HostIp: '127.0.0.1', HostPort: '' },
        { HostIp: '::1', HostPort: '49155' },
      ],
    });
    expect([...ports]).toEqual([
      [8080, 49153],
      [5432, 49155],
    ]);
    expect(publishedPorts(undefined).size).toBe(0);
  });
});
