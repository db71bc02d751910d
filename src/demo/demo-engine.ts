/**
 * Which engine the demo runs on. An engine the user named (--docker-host, DOCKER_HOST, a docker
 * context) or one answering on the default socket is used as it is, and nothing is started. When
 * nothing is named and nothing answers, and this machine can run an engine (Linux, root, and
 * Debian's apt or an installed dockerd), the project's private engine is started the way `npm test`
 * starts it (scripts/docker-engine.sh, shipped in the package), or found running from an earlier
 * demo; elsewhere the error says what to install.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { currentContextEndpoint } from '../docker/docker-context.js';
import { connectEngines } from '../docker/engine.js';
import { InfrastructureError } from '../errors.js';

/** scripts/<name> of this checkout or installed package (the package ships the engine scripts). */
export function packageScript(name: string): string | undefined {
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', name);
  return existsSync(script) ? script : undefined;
}

/** What the machine offers for starting an engine of our own. */
export interface MachineFacts {
  platform: NodeJS.Platform;
  root: boolean;
  /** Programs found on PATH. */
  has: (program: string) => boolean;
  script: string | undefined;
}

export function thisMachine(env: NodeJS.ProcessEnv = process.env): MachineFacts {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  return {
    platform: process.platform,
    root: process.getuid?.() === 0,
    has: (program) => dirs.some((dir) => existsSync(join(dir, program))),
    script: packageScript('docker-engine.sh'),
  };
}

/** Why this machine cannot start the private engine, with what to install; undefined when it can. */
export function cannotStartEngine(m: MachineFacts): string | undefined {
  if (m.platform === 'darwin' || m.platform === 'win32') {
    return 'install Docker Desktop (https://docs.docker.com/desktop/) or Podman Desktop and start it, then run the demo again';
  }
  if (m.platform !== 'linux') return 'install Docker (https://docs.docker.com/engine/install/) and start it, then run the demo again';
  const install = m.has('apt-get')
    ? 'install Docker: `sudo apt-get install docker.io && sudo systemctl start docker` (then add yourself to the docker group, or run the demo as root)'
    : "install Docker Engine with your distribution's package manager (https://docs.docker.com/engine/install/) and start it";
  if (!m.root) return `${install}; as root, the demo starts a private engine by itself`;
  if (!m.script) return install;
  if (!m.has('dockerd') && !m.has('apt-get')) return `${install} (the private engine needs dockerd, or apt-get to install it)`;
  return undefined;
}

/** Whether the user named an engine (then it is theirs to start). */
function namedEngine(hosts: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return hosts.length > 0 || Boolean(env.DOCKER_HOST) || currentContextEndpoint(env) !== undefined;
}

/**
 * The --docker-host list the demo runs with: as given when an engine answers there (or on the
 * default socket), else the private engine's endpoint, after starting it. `say` gets the one line
 * that tells the user an engine of ours is in use and how to stop it.
 */
export async function demoEngineHosts(
  hosts: readonly string[],
  say: (line: string) => void,
  call: { signal?: AbortSignal; env?: NodeJS.ProcessEnv; machine?: MachineFacts } = {},
): Promise<string[]> {
  const env = call.env ?? process.env;
  try {
    await connectEngines(hosts);
    return [...hosts];
  } catch (error) {
    if (!(error instanceof InfrastructureError)) throw error;
    const reason = error.message.replace(/: start dockerd.*$/, '');
    const machine = call.machine ?? thisMachine(env);
    if (namedEngine(hosts, env)) {
      const how = machine.script
        ? `\`bash ${machine.script}\` starts a private engine (Debian, root), or unset DOCKER_HOST and the demo starts it`
        : 'start it, or point DOCKER_HOST or --docker-host at a running engine';
      throw new InfrastructureError(`the demo needs a Docker engine: ${reason}; ${how} (\`deploybisect doctor\` shows what is reachable)`, {
        cause: error,
      });
    }
    const cannot = cannotStartEngine(machine);
    if (cannot) throw new InfrastructureError(`the demo needs a Docker engine: ${reason}; ${cannot}`, { cause: error });
    const script = machine.script!;
    const started = await runEngineScript(script, env, call.signal);
    const dir = env.DEPLOYBISECT_ENGINE_DIR ? `DEPLOYBISECT_ENGINE_DIR=${env.DEPLOYBISECT_ENGINE_DIR} ` : '';
    say(
      `no Docker engine answers on the default socket, so the demo ${started.reused ? 'reuses' : 'started'} the project's private engine at ${started.host} (stop it with \`${dir}bash ${script} --stop\`)`,
    );
    return [started.host];
  }
}

/** Runs scripts/docker-engine.sh: its last line on stdout is the endpoint; its log says whether it reused one. */
async function runEngineScript(script: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<{ host: string; reused: boolean }> {
  const child = spawn('bash', [script], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const host = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !host.startsWith('unix://')) {
    const said = stderr.trim().split('\n').slice(-3).join(' / ');
    throw new InfrastructureError(`starting the private engine with \`bash ${script}\` failed (exit ${code}): ${said || 'no output'}`);
  }
  return { host, reused: /reusing the engine/.test(stderr) };
}
