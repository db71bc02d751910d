/**
 * What a stack reads past: the keys the normaliser names (src/contract/compose/unsupported.ts) and the
 * service keys a stack of deploybisect does not act on, each with why. Never dropped silently. Pure.
 */
import type { ComposeProject, ComposeService } from '../compose/model.js';
import type { Unsupported } from '../contract.js';

function serviceKeys(service: ComposeService): Unsupported[] {
  const at = (key: string) => `services.${service.name}.${key}`;
  const out: Unsupported[] = [];
  if (service.volumesFrom.length > 0) out.push({ key: at('volumes_from'), reason: 'not mounted: each service has its own volumes' });
  if (service.networkMode !== null) out.push({ key: at('network_mode'), reason: "the stack's network applies (--network)" });
  if (service.secrets.length > 0) out.push({ key: at('secrets'), reason: 'not mounted: secret values are never read' });
  for (const volume of service.volumes) {
    if (volume.type === 'bind' && volume.source.kind !== 'repository') {
      out.push({
        key: at('volumes'),
        reason: `${volume.source.kind === 'url' ? volume.source.url : volume.source.path} is not a path of the repository: not mounted`,
      });
    } else if (volume.type !== 'bind' && volume.type !== 'volume' && volume.type !== 'tmpfs') {
      out.push({ key: at('volumes'), reason: `a ${volume.type} mount at ${volume.target}: not mounted` });
    }
  }
  for (const [name, network] of Object.entries(service.networks)) {
    if (network.ipv4Address !== null || network.ipv6Address !== null) {
      out.push({ key: at(`networks.${name}`), reason: 'fixed addresses are not given: names resolve instead' });
    }
  }
  if (service.pullPolicy !== null && service.pullPolicy !== 'missing' && service.pullPolicy !== 'never') {
    out.push({ key: at('pull_policy'), reason: "nothing is pulled: the engine's image is used" });
  }
  return out;
}

export function stackUnsupported(project: ComposeProject): Unsupported[] {
  const out = Object.values(project.services).flatMap(serviceKeys);
  const networks = Object.entries(project.networks).filter(([, n]) => !n.implicit);
  if (networks.length > 1) out.push({ key: 'networks', reason: 'every service of a candidate shares one network' });
  for (const [name, network] of networks) {
    if (network.external) out.push({ key: `networks.${name}.external`, reason: 'a network of its own per candidate instead' });
  }
  for (const [name, volume] of Object.entries(project.volumes)) {
    if (volume.external) out.push({ key: `volumes.${name}.external`, reason: 'a fresh volume per candidate instead' });
  }
  for (const key of project.unsupported) out.push({ key: key.path, reason: 'not acted on' });
  return out;
}
