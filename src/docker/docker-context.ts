/**
 * The endpoint of the Docker CLI's current context, as `docker context use` left it: the context
 * named by DOCKER_CONTEXT, else `currentContext` in $DOCKER_CONFIG/config.json (~/.docker). Its
 * metadata lives in contexts/meta/<sha256 of the name>/meta.json, its TLS files (if any) in
 * contexts/tls/<same>/docker/{ca,cert,key}.pem.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { InfrastructureError } from '../errors.js';

export interface ContextEndpoint {
  name: string;
  host: string;
  skipTlsVerify: boolean;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

export function currentContextEndpoint(env: NodeJS.ProcessEnv = process.env, home = homedir()): ContextEndpoint | undefined {
  const configDir = env.DOCKER_CONFIG || join(home, '.docker');
  const name = env.DOCKER_CONTEXT || readCurrentContext(join(configDir, 'config.json'));
  if (!name || name === 'default') return undefined;
  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = join(configDir, 'contexts', 'meta', id, 'meta.json');
  let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8'));
  } catch (error) {
    throw new InfrastructureError(
      `the current docker context '${name}' cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message} at ${metaFile}): run \`docker context use default\` or pass --docker-host`,
    );
  }
  const host = meta.Endpoints?.docker?.Host;
  if (typeof host !== 'string' || host === '') {
    throw new InfrastructureError(`the current docker context '${name}' has no Docker endpoint: pass --docker-host`);
  }
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  const read = (file: string): Buffer | undefined => (existsSync(join(tlsDir, file)) ? readFileSync(join(tlsDir, file)) : undefined);
  const tls = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
  const hasTls = Boolean(tls.ca || tls.cert || tls.key);
  return {
    name,
    host,
    skipTlsVerify: meta.Endpoints?.docker?.SkipTLSVerify === true,
    ...(hasTls ? { tls: Object.fromEntries(Object.entries(tls).filter(([, v]) => v)) } : {}),
  };
}

function readCurrentContext(configFile: string): string | undefined {
  try {
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' ? config.currentContext : undefined;
  } catch {
    return undefined; // no config: the default context
  }
}
