/**
 * What the patterns about commands need from the failing commit's tree, read only when the output
 * says a command was not found: the package.json and lock files of the build context (who provides the
 * command, is it a dev dependency, what the npm scripts run) and the installs of its Dockerfile that
 * leave dev dependencies out.
 */
import { findClues } from '../cause/evidence-clues.js';
import type { LinkContext } from '../cause/pattern-shape.js';
import { programName } from '../dockerfile/shell-commands.js';
import { commandProviders } from './command-providers.js';
import { readerOf } from './formats.js';
import { productionInstalls } from './production-install.js';
import { readBlobs } from './read-blobs.js';
import type { DependencySnapshot } from './types.js';

const NODE_FILES = ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'];

export interface LinkContextSpec {
  repoDir: string;
  commit: string;
  /** Relative to the repository root ('.' for the root). */
  contextDir: string;
  dockerfileText: string;
}

export async function readLinkContext(spec: LinkContextSpec, evidence: readonly string[]): Promise<LinkContext> {
  const commands = findClues(evidence).flatMap((clue) => (clue.kind === 'missing-command' ? [programName(clue.command)] : []));
  if (commands.length === 0) return {};
  const dir = spec.contextDir.replace(/^\.\/?|\/+$/g, '');
  const paths = NODE_FILES.map((file) => (dir === '' ? file : `${dir}/${file}`));
  const blobs = await readBlobs(
    spec.repoDir,
    paths.map((path) => `${spec.commit}:${path}`),
  );
  const snapshots: DependencySnapshot[] = [];
  for (const path of paths) {
    const blob = blobs.get(`${spec.commit}:${path}`);
    const reader = readerOf(path);
    if (blob?.kind === 'text' && reader) snapshots.push(reader(blob.text, path));
  }
  const readable = snapshots.filter((s) => s.problem === undefined);
  return {
    commands: commandProviders(readable, commands),
    productionInstalls: productionInstalls(spec.dockerfileText),
    scripts: readable.find((s) => s.scripts)?.scripts ?? {},
  };
}
