/**
 * `include` (compose-spec 14-include.md): each entry is another compose application, loaded on its
 * own — its files merged, its relative paths from its own project directory (the first file's, or
 * `project_directory`), its variables from its `.env` (or `env_file`) under the including project's
 * — and its services, networks, volumes and secrets copied in; where the including file defines the
 * same name, the two merge with the including file's definition over the imported one (compose-go
 * loader/include.go). Recursive; a cycle is an error.
 */
import { isMapping, type Tree } from './canonical.js';
import { fail } from './compose-failure.js';
import { EnvFileError, envMap, parseEnvFile } from './env-file.js';
import type { LoadContext, LoadFile } from './load-context.js';
import { mergeTrees } from './merge.js';
import { dirOf, isRemoteContext, resolvePath } from './paths.js';
import { stringList } from './values.js';

const RESOURCES = ['services', 'volumes', 'networks', 'secrets', 'configs'] as const;

async function includedVariables(envFiles: readonly string[], explicit: boolean, context: LoadContext): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const path of envFiles) {
    const text = await context.source.read(path);
    if (text === null) {
      if (explicit) fail('env-file', `couldn't find env file: ${path}`, { file: path });
      continue;
    }
    try {
      const lookup = (name: string): string | undefined => context.lookup(name) ?? values.get(name);
      for (const [key, value] of envMap(parseEnvFile(text, lookup))) values.set(key, value);
    } catch (error) {
      if (error instanceof EnvFileError) fail('env-file', `failed to read ${path}: ${error.message}`, { file: path, line: error.line });
      throw error;
    }
  }
  return values;
}

async function loadIncluded(entry: unknown, file: string, baseDir: string, context: LoadContext, loadFile: LoadFile): Promise<Tree> {
  const spec: Tree = isMapping(entry) ? entry : { path: entry };
  const remote = stringList(spec['path']).find(isRemoteContext);
  if (remote !== undefined)
    fail('invalid-project', `include of a remote application (${remote}) is not supported: only files of the repository`, { file });
  const paths = stringList(spec['path']).map((path) => resolvePath(baseDir, path));
  const first = paths[0] ?? fail('invalid-project', `${file}: include entry without a path`, { file });
  const projectDir = typeof spec['project_directory'] === 'string' ? resolvePath(baseDir, spec['project_directory']) : dirOf(first);
  const chain = [...context.including, file];
  if (chain.includes(first)) fail('invalid-project', `include cycle detected: ${[...chain, first].join(' include ')}`, { file });
  const explicit = spec['env_file'] !== undefined;
  const envFiles = explicit
    ? stringList(spec['env_file']).map((path) => resolvePath(baseDir, path))
    : [projectDir === '' ? '.env' : `${projectDir}/.env`];
  const values = await includedVariables(envFiles, explicit, context);
  // The including project's variables win over the included project's .env.
  const sub: LoadContext = { ...context, lookup: (name) => context.lookup(name) ?? values.get(name), including: chain };
  let imported: Tree = {};
  for (const path of paths) {
    for (const layer of await loadFile(path, projectDir, sub)) imported = mergeTrees(imported, layer.tree, layer.tags);
  }
  return imported;
}

/** The file's canonical tree with the included applications' resources copied in (`include` removed). */
export async function applyInclude(tree: Tree, file: string, baseDir: string, context: LoadContext, loadFile: LoadFile): Promise<Tree> {
  const entries = Array.isArray(tree['include']) ? tree['include'] : [];
  const { include: _include, ...out } = tree;
  for (const entry of entries) {
    const imported = await loadIncluded(entry, file, baseDir, context, loadFile);
    for (const kind of RESOURCES) {
      const from = isMapping(imported[kind]) ? imported[kind] : {};
      const to: Tree = isMapping(out[kind]) ? { ...out[kind] } : {};
      for (const [name, definition] of Object.entries(from)) {
        const local = to[name];
        to[name] =
          local === undefined
            ? definition
            : (mergeTrees({ [kind]: { [name]: definition } }, { [kind]: { [name]: local } })[kind] as Tree)[name];
      }
      if (Object.keys(to).length > 0) out[kind] = to;
    }
  }
  return out;
}
