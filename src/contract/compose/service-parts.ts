/**
 * The typed parts of a service read from its canonical tree: build, ports, volumes, networks, secrets.
 * Defaults are compose's: build context `.` (the project directory), Dockerfile `Dockerfile`, port
 * protocol tcp in ingress mode, secret targets under /run/secrets, the implicit `default` network.
 */
import { posix } from 'node:path';

import { isMapping, listOrDict, type Tree } from './canonical.js';
import type { BuildSecretRef, ComposeBuild, PortMapping, ServiceNetwork, ServiceSecretRef, VolumeMount } from './model.js';
import { cleanAbsolute, pathRef } from './paths.js';
import { booleanAt, integerAt, optionalString, stringList, type FailAt } from './values.js';
import type { TreePath } from './yaml-file.js';

/** The build; a bare `args` key takes its value from the pinned environment or `.env` (null when neither sets it). */
export function toBuild(value: unknown, projectDir: string, lookup: (name: string) => string | undefined): ComposeBuild | null {
  if (!isMapping(value)) return null;
  const context = pathRef(typeof value['context'] === 'string' ? value['context'] : projectDir);
  const inline = optionalString(value['dockerfile_inline']);
  const dockerfile = inline === null ? (optionalString(value['dockerfile']) ?? 'Dockerfile') : null;
  let dockerfilePath = null;
  if (dockerfile !== null && context.kind !== 'url') {
    dockerfilePath = dockerfile.startsWith('/')
      ? pathRef(dockerfile)
      : pathRef(posix.normalize(posix.join(context.path || '.', dockerfile)).replace(/^\.$/, ''));
  }
  const secrets: BuildSecretRef[] = (Array.isArray(value['secrets']) ? value['secrets'] : []).filter(isMapping).map((secret) => ({
    source: String(secret['source']),
    target: String(secret['target'] ?? secret['source']),
  }));
  return {
    context,
    dockerfile,
    dockerfilePath,
    dockerfileInline: inline,
    target: optionalString(value['target']),
    args: Object.fromEntries(Object.entries(listOrDict(value['args'])).map(([key, arg]) => [key, arg ?? lookup(key) ?? null])),
    secrets,
  };
}

export function toPorts(value: unknown, path: TreePath, failAt: FailAt): PortMapping[] {
  return (Array.isArray(value) ? value : []).filter(isMapping).map((port, index) => {
    const at: TreePath = [...path, index];
    const target = integerAt(port['target'], [...at, 'target'], failAt);
    if (target === null) return failAt(at, `service ports ${at.join('.')} is missing a target port`);
    return {
      target,
      published: optionalString(port['published']),
      hostIp: optionalString(port['host_ip']),
      protocol: optionalString(port['protocol']) ?? 'tcp',
      mode: optionalString(port['mode']) ?? 'ingress',
      name: optionalString(port['name']),
      appProtocol: optionalString(port['app_protocol']),
    };
  });
}

export function toVolumes(value: unknown, path: TreePath, failAt: FailAt): VolumeMount[] {
  return (Array.isArray(value) ? value : []).filter(isMapping).map((volume, index): VolumeMount => {
    const at: TreePath = [...path, index];
    const type = String(volume['type'] ?? 'volume');
    const target = optionalString(volume['target']);
    if (target === null || target === '') return failAt(at, `service volume ${at.join('.')} is missing a mount target`);
    const readOnly = booleanAt(volume['read_only'], [...at, 'read_only'], failAt) ?? false;
    const source = optionalString(volume['source']);
    const clean = cleanAbsolute(target);
    if (type === 'bind') {
      // canonical.ts refused an empty source; '' here is the repository root.
      if (source === null) return failAt(at, `invalid mount config for type "bind": field Source must not be empty`);
      return { type, source: pathRef(source), target: clean, readOnly };
    }
    if (type === 'tmpfs') return { type, target: clean, readOnly };
    if (type === 'volume') return { type, source: source === '' ? null : source, target: clean, readOnly };
    if (type === 'npipe' || type === 'cluster' || type === 'image') return { type, source, target, readOnly };
    return failAt([...at, 'type'], `${at.join('.')}.type: unknown volume type ${JSON.stringify(type)}`);
  });
}

/** The networks a service joins: the file's, or the implicit `default` (none with network_mode). */
export function toNetworks(value: unknown, networkMode: string | null): Record<string, ServiceNetwork> {
  if (networkMode !== null) return {};
  const declared = isMapping(value) ? value : {};
  const names = Object.keys(declared).length === 0 ? ['default'] : Object.keys(declared);
  const out: Record<string, ServiceNetwork> = {};
  for (const name of names) {
    const spec: Tree = isMapping(declared[name]) ? declared[name] : {};
    out[name] = {
      aliases: stringList(spec['aliases']),
      ipv4Address: optionalString(spec['ipv4_address']),
      ipv6Address: optionalString(spec['ipv6_address']),
    };
  }
  return out;
}

export function toServiceSecrets(value: unknown): ServiceSecretRef[] {
  return (Array.isArray(value) ? value : []).filter(isMapping).map((secret) => {
    const source = String(secret['source']);
    const target = optionalString(secret['target']) ?? source;
    return { source, target: target.startsWith('/') ? target : `/run/secrets/${target}` };
  });
}
