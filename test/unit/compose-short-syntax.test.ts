/**
 * Compose's short syntax for ports and volumes, on entries written in real compose files (pihole,
 * jitsi, sentry, immich, netbox, mastodon; see test/fixtures/compose/SOURCES.txt) and on the forms
 * the loader must refuse.
 */
import { describe, expect, test } from 'vitest';

import { parsePortSpec } from '../../src/contract/compose/port-spec.js';
import { parseVolumeSpec } from '../../src/contract/compose/volume-spec.js';

const short = (spec: string | number): string[] =>
  parsePortSpec(spec).map((port) => `${port.host_ip ?? '*'}|${port.published ?? '-'}|${port.target}/${port.protocol}`);

describe('ports', () => {
  test.each<[string | number, string[]]>([
    ['53:53/udp', ['*|53|53/udp']],
    ['8080:80/tcp', ['*|8080|80/tcp']],
    ['127.0.0.1:8888:8888', ['127.0.0.1|8888|8888/tcp']],
    // sentry: "$SENTRY_BIND:80/tcp" with SENTRY_BIND=9000
    ['9000:80/tcp', ['*|9000|80/tcp']],
    // immich's default ${EXPOSE_PORT-:2283:2283}: an empty address
    [':2283:2283', ['*|2283|2283/tcp']],
    // container port only: an ephemeral host port
    ['3000', ['*|-|3000/tcp']],
    [3000, ['*|-|3000/tcp']],
    ['5000-5001:5000-5001/udp', ['*|5000|5000/udp', '*|5001|5001/udp']],
    ['8000-8010:80', ['*|8000-8010|80/tcp']],
    ['[::1]:8080:80', ['::1|8080|80/tcp']],
  ])('%s', (spec, expected) => expect(short(spec)).toEqual(expected));

  test.each(['abc', '80:http', '5000-5002:5000-5001', '70000', '1:2:3:'])('%s is refused', (spec) =>
    expect(() => parsePortSpec(spec)).toThrow(),
  );
});

describe('volumes', () => {
  test.each([
    // netbox: a bind with the SELinux z flag, read-only
    [
      './configuration:/etc/netbox/config:z,ro',
      { type: 'bind', source: './configuration', target: '/etc/netbox/config', read_only: true, options: ['z'] },
    ],
    // netbox: a named volume
    [
      'netbox-media-files:/opt/netbox/netbox/media:rw',
      { type: 'volume', source: 'netbox-media-files', target: '/opt/netbox/netbox/media', read_only: false, options: [] },
    ],
    // immich: an absolute host path, read-only
    [
      '/etc/localtime:/etc/localtime:ro',
      { type: 'bind', source: '/etc/localtime', target: '/etc/localtime', read_only: true, options: [] },
    ],
    // jitsi: the home directory
    [
      '~/.jitsi-meet-cfg/web:/config:Z',
      { type: 'bind', source: '~/.jitsi-meet-cfg/web', target: '/config', read_only: false, options: ['Z'] },
    ],
    // pihole: trailing slashes on the target are cleaned
    ['/etc/pihole/:/etc/pihole/', { type: 'bind', source: '/etc/pihole/', target: '/etc/pihole', read_only: false, options: [] }],
    // an anonymous volume
    ['/var/lib/data', { type: 'volume', source: null, target: '/var/lib/data', read_only: false, options: [] }],
    // a variable's colon does not split the spec
    ['${DATA:-./data}:/data', { type: 'volume', source: '${DATA:-./data}', target: '/data', read_only: false, options: [] }],
  ])('%s', (spec, expected) => expect(parseVolumeSpec(spec)).toEqual(expected));

  test.each(['', 'data::/x', 'data:/x:ro:extra'])('%j is refused', (spec) => expect(() => parseVolumeSpec(spec)).toThrow());
});
