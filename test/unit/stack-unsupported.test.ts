/**
 * What a stack reads past, named with why (src/contract/platforms/stack-unsupported.ts), on the compose
 * files of public projects (test/fixtures/compose/SOURCES.txt), some with one key added or changed.
 */
import { describe, expect, it } from 'vitest';

import { loadCompose } from '../../src/contract/compose/index.js';
import type { Unsupported } from '../../src/contract/contract.js';
import { stackUnsupported } from '../../src/contract/platforms/stack-unsupported.js';
import { fixtureFiles, fixtureSource } from '../fixtures/compose/fixture-files.js';

async function unsupported(project: string, file: string, edit?: (text: string) => string): Promise<Unsupported[]> {
  const changes = edit ? { [file]: edit(fixtureFiles(project)[file]!) } : {};
  const loaded = await loadCompose(fixtureSource(project, changes), { files: [file] });
  if (loaded.kind === 'invalid') throw new Error(loaded.failure.message);
  return stackUnsupported(loaded.project);
}

const keys = (list: Unsupported[]) => list.map((u) => u.key);

describe('keys a stack does not act on', () => {
  it('docker-mailserver: a bind mount of a host path is named with the path; the repository paths are not', async () => {
    expect(await unsupported('mailserver', 'compose.yaml')).toEqual([
      { key: 'services.mailserver.volumes', reason: '/etc/localtime is not a path of the repository: not mounted' },
    ]);
  });

  it('pihole: a fixed address, host paths, and the keys the normaliser names (cap_add, ipam)', async () => {
    expect(await unsupported('awesome-pihole-cloudflared-DoH', 'compose.yaml')).toEqual([
      { key: 'services.cloudflared.networks.dns-net', reason: 'fixed addresses are not given: names resolve instead' },
      { key: 'services.pihole.volumes', reason: '/etc/pihole is not a path of the repository: not mounted' },
      { key: 'services.pihole.volumes', reason: '/etc/dnsmasq.d is not a path of the repository: not mounted' },
      { key: 'services.pihole.cap_add', reason: 'not acted on' },
      { key: 'networks.dns-net.ipam', reason: 'not acted on' },
    ]);
  });

  it('frappe: pull_policy always on every service (nothing is pulled), platform', async () => {
    const list = await unsupported('frappe', 'compose.yaml');
    expect(list).toContainEqual({ key: 'services.configurator.pull_policy', reason: "nothing is pulled: the engine's image is used" });
    expect(keys(list).filter((k) => k.endsWith('.pull_policy'))).toHaveLength(7);
    expect(keys(list)).toContain('services.backend.platform');
  });

  it('sentry: pull_policy never is what a stack does (not named); external volumes are fresh per candidate', async () => {
    const list = await unsupported('sentry', 'docker-compose.yml');
    expect(keys(list).filter((k) => k.endsWith('.pull_policy'))).toEqual([]);
    expect(list).toContainEqual({ key: 'volumes.sentry-data.external', reason: 'a fresh volume per candidate instead' });
    expect(keys(list)).toEqual(expect.arrayContaining(['services.redis.ulimits', 'services.postgres.shm_size']));
  });

  it('react-express-mongodb: two networks of its own become one (frontend could reach mongo)', async () => {
    expect(await unsupported('awesome-react-express-mongodb', 'compose.yaml')).toEqual([
      { key: 'networks', reason: 'every service of a candidate shares one network' },
    ]);
  });

  it('nginx-golang-mysql: service secrets are never mounted (their values never read)', async () => {
    expect(await unsupported('awesome-nginx-golang-mysql', 'compose.yaml')).toEqual([
      { key: 'services.backend.secrets', reason: 'not mounted: secret values are never read' },
      { key: 'services.db.secrets', reason: 'not mounted: secret values are never read' },
    ]);
  });

  it('network_mode and volumes_from added to a real file are named', async () => {
    const list = await unsupported('awesome-nginx-golang-mysql', 'compose.yaml', (text) =>
      text
        .replace('  proxy:\n', '  proxy:\n    volumes_from:\n      - db:ro\n')
        .replace('    restart: always\n', '    restart: always\n    network_mode: host\n'),
    );
    expect(list).toContainEqual({ key: 'services.proxy.volumes_from', reason: 'not mounted: each service has its own volumes' });
    expect(list).toContainEqual({ key: 'services.db.network_mode', reason: "the stack's network applies (--network)" });
  });

  it('an external network is named', async () => {
    const list = await unsupported('awesome-react-express-mongodb', 'compose.yaml', (text) =>
      text.replace('  express-mongo:\n', '  express-mongo:\n    external: true\n'),
    );
    expect(list).toContainEqual({ key: 'networks.express-mongo.external', reason: 'a network of its own per candidate instead' });
  });

  it('an internal network, a network driver and a volume driver other than the local ones are named', async () => {
    const list = await unsupported('awesome-react-express-mongodb', 'compose.yaml', (text) =>
      text
        .replace('  express-mongo:\n', '  express-mongo:\n    internal: true\n')
        .replace('  react-express:\n', '  react-express:\n    driver: overlay\n')
        .replace('  mongo_data:\n', '  mongo_data:\n    driver: rexray/ebs\n'),
    );
    expect(list).toContainEqual({
      key: 'networks.express-mongo.internal',
      reason: 'not acted on: the network of a candidate is not internal',
    });
    expect(list).toContainEqual({ key: 'networks.react-express.driver', reason: 'a bridge network per candidate instead' });
    expect(list).toContainEqual({ key: 'volumes.mongo_data.driver', reason: 'a fresh local volume per candidate instead' });
  });

  it('netbox: volumes with `driver: local` (what a stack gives them) are not named', async () => {
    const list = await unsupported('netbox', 'docker-compose.yml');
    expect(keys(list).filter((k) => k.startsWith('volumes.'))).toEqual([]);
  });
});
