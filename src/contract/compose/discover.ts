/**
 * Which compose files make the stack when none is named, in compose's order (compose-go
 * cli/options.go): the first of compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml in
 * the project directory (else in its parents, up to the repository root), then the first of the
 * override names beside it. More than one candidate of a role is a warning; compose takes the first.
 */
import type { FileSource } from './file-source.js';
import type { ComposeWarning } from './model.js';
import { dirOf } from './paths.js';

export const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'] as const;
export const DEFAULT_OVERRIDE_NAMES = [
  'compose.override.yml',
  'compose.override.yaml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
] as const;

export interface Discovered {
  files: string[];
  warnings: ComposeWarning[];
}

async function present(source: FileSource, dir: string, names: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    const path = dir === '' ? name : `${dir}/${name}`;
    if ((await source.read(path)) !== null) found.push(path);
  }
  return found;
}

/** The files compose would read from `projectDir` ('' = the repository root); none: an empty list. */
export async function discoverComposeFiles(source: FileSource, projectDir: string): Promise<Discovered> {
  const warnings: ComposeWarning[] = [];
  for (let dir: string | null = projectDir; dir !== null; dir = dir === '' ? null : dirOf(dir)) {
    const candidates = await present(source, dir, DEFAULT_FILE_NAMES);
    const main = candidates[0];
    if (main === undefined) continue;
    if (candidates.length > 1) warnings.push({ kind: 'several-candidates', used: main, ignored: candidates.slice(1) });
    const overrides = await present(source, dir, DEFAULT_OVERRIDE_NAMES);
    const override = overrides[0];
    if (overrides.length > 1 && override !== undefined)
      warnings.push({ kind: 'several-candidates', used: override, ignored: overrides.slice(1) });
    return { files: override === undefined ? [main] : [main, override], warnings };
  }
  return { files: [], warnings };
}
