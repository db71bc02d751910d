/**
 * A compose stack at one commit, normalised in-process as `docker compose config` would: the files
 * (named, or found by compose's names) read from git objects, the project's `.env` and a pinned
 * environment for interpolation (never deploybisect's own process environment), each file loaded
 * (load-file.ts) and merged in order, env files read, the typed model built, profiles applied and the
 * references checked. A stack compose would refuse is returned as a failure in compose's words.
 */
import { normalizeRepoPath } from '../../git/repo-path.js';
import { isMapping, type Tree } from './canonical.js';
import { CommitFiles } from './commit-files.js';
import { ComposeFault, fail, type ComposeFailure } from './compose-failure.js';
import { discoverComposeFiles } from './discover.js';
import type { ProjectEnvironment } from './environment.js';
import type { FileSource } from './file-source.js';
import type { LoadContext } from './load-context.js';
import { loadComposeFile } from './load-file.js';
import { failAtIn } from './locate.js';
import { mergeTrees } from './merge.js';
import type { ComposeProject, ComposeWarning, UnsupportedKey } from './model.js';
import { dirOf, pathRef, resolvePath } from './paths.js';
import { applyProfiles, isEnabled } from './profiles.js';
import { checkReferences, toNetworks, toSecrets, toVolumes } from './project-model.js';
import { filesFrom, profilesFrom, readProjectVariables, type ProjectVariables } from './project-variables.js';
import { toService } from './service-model.js';
import { stringList } from './values.js';

export interface ComposeLoadOptions {
  /** Compose files (repository-relative), merged in this order; none: found by compose's file names. */
  files?: readonly string[];
  /** Where relative paths start and `.env` is read; default: the first file's directory ('' = the root). */
  projectDir?: string;
  /** The variables compose would take from the shell, pinned by the caller (nothing else is read). */
  environment?: Readonly<Record<string, string>>;
  /** Active profiles (`*`: all). */
  profiles?: readonly string[];
  /** An env file to read instead of `<projectDir>/.env` (repository-relative); null: none. */
  envFile?: string | null;
}

export type ComposeLoadResult =
  { kind: 'loaded'; project: ComposeProject } | { kind: 'invalid'; failure: ComposeFailure; warnings: readonly ComposeWarning[] };

/** The stack at a commit, read from git objects only. */
export async function loadComposeAtCommit(repoDir: string, commit: string, options: ComposeLoadOptions = {}): Promise<ComposeLoadResult> {
  const files = new CommitFiles(repoDir, commit);
  try {
    return await loadCompose(files, options);
  } finally {
    files.close();
  }
}

export async function loadCompose(source: FileSource, options: ComposeLoadOptions = {}): Promise<ComposeLoadResult> {
  const warnings: ComposeWarning[] = [];
  try {
    return { kind: 'loaded', project: await load(source, options, warnings) };
  } catch (error) {
    if (error instanceof ComposeFault) return { kind: 'invalid', failure: error.failure, warnings };
    throw error;
  }
}

/** The files: named by the caller, else COMPOSE_FILE, else found by compose's names from `baseDir`. */
async function composeFiles(
  source: FileSource,
  named: readonly string[],
  baseDir: string,
  variables: ProjectVariables,
  warn: Warn,
): Promise<string[]> {
  if (named.length > 0) return named.map((file) => normalizeRepoPath(file, 'compose file'));
  const fromVariable = filesFrom(variables);
  if (fromVariable.length > 0) {
    return fromVariable.map((file) => {
      const path = resolvePath(baseDir, file);
      return pathRef(path).kind === 'repository'
        ? path
        : fail('no-file', `COMPOSE_FILE names ${file}, which is not a file of the repository`);
    });
  }
  const discovered = await discoverComposeFiles(source, baseDir);
  discovered.warnings.forEach(warn);
  if (discovered.files.length === 0) {
    fail(
      'no-file',
      'no configuration file provided: not found (looked for compose.yaml, compose.yml, docker-compose.yml or docker-compose.yaml)',
    );
  }
  return discovered.files;
}

async function mergedTree(files: readonly string[], projectDir: string, context: LoadContext): Promise<Tree> {
  let merged: Tree = {};
  for (const file of files) {
    for (const layer of await loadComposeFile(file, projectDir, context)) {
      try {
        merged = mergeTrees(merged, layer.tree, layer.tags);
      } catch (error) {
        if (error instanceof ComposeFault && error.failure.file === '') fail(error.failure.kind, error.failure.message, { file });
        throw error;
      }
    }
  }
  if (Object.keys(merged).length === 0) fail('invalid-project', 'empty compose file', { file: files[0] ?? '' });
  return merged;
}

/** The texts of every env file the services name (read once each). */
async function envFileTexts(source: FileSource, services: Tree): Promise<Map<string, string | null>> {
  const texts = new Map<string, string | null>();
  for (const service of Object.values(services)) {
    const entries = isMapping(service) && Array.isArray(service['env_file']) ? service['env_file'] : [];
    for (const entry of entries) {
      const path = isMapping(entry) ? String(entry['path']) : '';
      if (!texts.has(path) && pathRef(path).kind === 'repository') texts.set(path, await source.read(path));
    }
  }
  return texts;
}

function dedupe(keys: readonly UnsupportedKey[]): UnsupportedKey[] {
  const seen = new Set<string>();
  return keys.filter((key) => !seen.has(`${key.file}\0${key.path}`) && seen.add(`${key.file}\0${key.path}`) !== undefined);
}

type Warn = (warning: ComposeWarning) => void;

async function load(source: FileSource, options: ComposeLoadOptions, warnings: ComposeWarning[]): Promise<ComposeProject> {
  const warn: Warn = (warning) => void warnings.push(warning);
  const named = options.files ?? [];
  const baseDir = normalizeRepoPath(options.projectDir ?? (named.length > 0 ? dirOf(named[0] ?? '') : ''), 'project directory');
  const dotenvPath = options.envFile === undefined ? (baseDir === '' ? '.env' : `${baseDir}/.env`) : options.envFile;
  const dotenv = dotenvPath === null ? null : { path: normalizeRepoPath(dotenvPath, 'env file'), explicit: options.envFile !== undefined };
  const variables = await readProjectVariables(source, { pinned: options.environment ?? {}, dotenv }, warn);
  const files = await composeFiles(source, named, baseDir, variables, warn);
  const projectDir = options.projectDir === undefined ? dirOf(files[0] ?? '') : baseDir;
  const context: LoadContext = { source, lookup: variables.value, warn, unsupported: [], documents: [], including: [] };
  const tree = await mergedTree(files, projectDir, context);
  const failAt = failAtIn(context.documents);
  const services = isMapping(tree['services']) ? tree['services'] : {};
  const profiles = options.profiles ?? profilesFrom(variables);
  const active = (service: unknown): boolean =>
    isEnabled({ profiles: stringList(isMapping(service) ? service['profiles'] : []) }, profiles);
  const texts = await envFileTexts(source, Object.fromEntries(Object.entries(services).filter(([, service]) => active(service))));
  const environment: ProjectEnvironment = { lookup: variables.describe, envFileText: (path) => texts.get(path) ?? null };
  const all = Object.entries(services).map(([name, service]) =>
    toService(name, isMapping(service) ? service : {}, { projectDir, resolveEnvironment: active(service), environment, failAt, warn }),
  );
  const { enabled, disabled } = applyProfiles(all, profiles, failAt, warn);
  const parts = {
    services: enabled,
    networks: toNetworks(tree, enabled, failAt),
    volumes: toVolumes(tree, failAt),
    secrets: toSecrets(tree, failAt),
  };
  checkReferences(parts, failAt);
  return {
    name: typeof tree['name'] === 'string' ? tree['name'] : null,
    projectDir,
    files,
    dotenvFile: variables.dotenvFile,
    services: Object.fromEntries(enabled.map((service) => [service.name, service])),
    disabledServices: disabled,
    activeProfiles: [...profiles],
    networks: parts.networks,
    volumes: parts.volumes,
    secrets: parts.secrets,
    unsupported: dedupe(context.unsupported),
    warnings,
  };
}
