/**
 * The config file: everything a command-line option can say about the project, kept at the
 * repository root, for the runs a team repeats (a nightly job, a shared Dockerfile and probes).
 * Command-line options override it.
 *
 * Found at the repository root, first of: `deploybisect.config.json`, `.deploybisectrc.json`, the
 * `"deploybisect"` key of `package.json`; or named with `--config <file>`; `--no-config` ignores it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { UsageError } from '../errors.js';
import { repositoryRoot } from '../git/work-tree.js';
import { validateConfig } from './config-schema.js';

export const CONFIG_FILES = ['deploybisect.config.json', '.deploybisectrc.json'] as const;

export interface LoadedConfig {
  /** Where it was read, for messages. */
  source: string;
  /** The directory of the file: relative file names in it are relative to it. */
  dir: string;
  values: Record<string, unknown>;
}

/** Finds and validates the config for the repository at `repoDir` (or the named file); undefined when there is none. */
export async function loadConfig(repoDir: string, named?: string): Promise<LoadedConfig | undefined> {
  if (named !== undefined) {
    const path = resolve(named);
    if (!existsSync(path)) throw new UsageError(`config file ${named} does not exist`);
    return validated(path, dirname(path), parseJson(path));
  }
  const root = repositoryRoot(repoDir);
  if (!root) return undefined;
  for (const name of CONFIG_FILES) {
    const path = join(root, name);
    if (existsSync(path)) return validated(path, root, parseJson(path));
  }
  const manifest = join(root, 'package.json');
  if (existsSync(manifest)) {
    const pkg = parseJson(manifest) as Record<string, unknown> | undefined;
    if (pkg && typeof pkg === 'object' && 'deploybisect' in pkg) return validated(`${manifest} ("deploybisect")`, root, pkg.deploybisect);
  }
  return undefined;
}

function parseJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function validated(source: string, dir: string, value: unknown): LoadedConfig {
  return { source, dir, values: validateConfig(source, value) };
}
