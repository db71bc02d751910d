/**
 * `deploybisect init`: a starter config written from what the repository says. It finds the
 * Dockerfile (at the root, else the shallowest one git tracks), reads its last stage's EXPOSE and
 * HEALTHCHECK, and proposes probes: the HEALTHCHECK when there is one; else an HTTP GET on the first
 * EXPOSEd tcp port over the host network; else `running:10s`. With a platform's manifest (render.yaml,
 * fly.toml, …) it names the platform instead: each commit's contract comes from it. It never overwrites a
 * config file unless told to (`--force`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';

import { UsageError } from '../errors.js';
import { splitWords } from '../explain/dockerfile/argument-words.js';
import { parseDockerfile } from '../explain/dockerfile/model.js';
import { repositoryRoot, trackedFiles } from '../git/work-tree.js';
import { CONFIG_FILES, loadConfig } from '../options/config-file.js';
import { defaultOf } from '../options/option-table.js';
import { checkManifests } from './doctor/manifest-check.js';

export interface StarterConfig {
  /** Where it was written. */
  path: string;
  config: Record<string, unknown>;
  /** One line per choice made, for the person reading the output. */
  reasons: string[];
}

const DOCKERFILE_NAME = /(^|\/)(Dockerfile|Containerfile)$|\.(Dockerfile|dockerfile)$/;

/** The Dockerfile to use, relative to the root: `Dockerfile` at the root, else the shallowest tracked one. */
export async function findDockerfile(root: string): Promise<string | undefined> {
  if (existsSync(posix.join(root, 'Dockerfile'))) return 'Dockerfile';
  const tracked = trackedFiles(root).filter((p) => DOCKERFILE_NAME.test(p));
  return tracked.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b))[0];
}

/** The probes and settings a Dockerfile suggests, with why. */
export function proposeFromDockerfile(content: string): { config: Record<string, unknown>; reasons: string[] } {
  const stages = parseDockerfile(content).stages;
  const final = stages[stages.length - 1];
  const instructions = final?.instructions ?? [];
  const healthcheck = instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);
  const hasHealthcheck = healthcheck !== undefined && !/^NONE\b/i.test(healthcheck.text);
  const ports = instructions
    .filter((i) => i.keyword === 'EXPOSE')
    .flatMap((i) => splitWords(i.text))
    .filter((word) => !word.endsWith('/udp'))
    .map((word) => Number(word.split('/')[0]))
    .filter((port) => Number.isInteger(port) && port > 0 && port < 65536);
  if (hasHealthcheck) {
    return {
      config: { probe: ['healthcheck'], network: 'none' },
      reasons: [
        `probe: the image's own HEALTHCHECK (${healthcheck.text.slice(0, 80)}), checked inside the container`,
        'network: none, since the HEALTHCHECK needs no way in (use host if the app must reach the network at start)',
      ],
    };
  }
  if (ports.length > 0) {
    return {
      config: { probe: [`http://127.0.0.1:${ports[0]}/`], expectStatus: '100-499', network: 'host', timeout: defaultOf('timeout') },
      reasons: [
        `probe: an HTTP GET on 127.0.0.1:${ports[0]}, the first port the Dockerfile EXPOSEs (no HEALTHCHECK); expectStatus 100-499: any answer but a server error passes (narrow it, e.g. to 200, with a health path)`,
        'network: host, so the probe reaches the port on 127.0.0.1 (one container at a time)',
      ],
    };
  }
  return {
    config: { probe: ['running:10s'], network: 'none' },
    reasons: ['probe: running:10s, the container is still running after 10 s (the Dockerfile has no HEALTHCHECK and EXPOSEs no port)'],
  };
}

/** Writes deploybisect.config.json at the root of the repository of `dir`. */
export async function writeStarterConfig(dir: string, force: boolean): Promise<StarterConfig> {
  const root = repositoryRoot(dir);
  if (root === undefined) throw new UsageError(`${dir} is not inside a git repository`);
  const path = posix.join(root, CONFIG_FILES[0]);
  if (existsSync(path) && !force) throw new UsageError(`${path} already exists: pass --force to overwrite it`);
  // Another config would be shadowed by the new file without a word.
  const other = force ? undefined : await loadConfig(root);
  if (other && other.source !== path)
    throw new UsageError(
      `the repository already has a config (${other.source}): pass --force to write ${path}, which takes precedence over it`,
    );
  // A platform's manifest says how the repository deploys: the config names it; each commit's contract comes from it.
  const manifest = (await checkManifests({ repo: root, platform: 'auto' })).find((m) => m.used);
  if (manifest) {
    const config = { platform: manifest.platform, network: 'host' };
    const reasons = [
      `platform: ${manifest.platform}, from ${manifest.path}: ${manifest.says}; the Dockerfile, environment, port and health check come from it at each commit (options given win)`,
      'network: host, so the health checks reach the port on 127.0.0.1 (one container at a time)',
    ];
    writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
    return { path, config, reasons };
  }
  const dockerfile = await findDockerfile(root);
  if (dockerfile === undefined) throw new UsageError(`no Dockerfile in ${root}: write one, or a config by hand with "file"`);
  const context = posix.dirname(dockerfile);
  const config: Record<string, unknown> = { file: posix.basename(dockerfile), context };
  const reasons = [
    `file and context: ${dockerfile}, built with its own directory (${context === '.' ? 'the repository root' : context}) as the context`,
  ];
  const proposal = proposeFromDockerfile(readFileSync(posix.join(root, dockerfile), 'utf8'));
  Object.assign(config, proposal.config);
  reasons.push(...proposal.reasons);
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return { path, config, reasons };
}
