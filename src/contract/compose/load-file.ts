/**
 * One compose file as compose's loader takes it, per YAML document: parse, interpolate (values only),
 * check against the schema, name the keys the model does not carry, turn into canonical form with
 * its paths repository-relative, apply `extends`. Each step's failure carries the file and line.
 */
import { canonicalFile, canonicalService, isMapping, type FileScope, type Tree } from './canonical.js';
import { fail } from './compose-failure.js';
import { applyExtends } from './extends.js';
import { applyInclude } from './include.js';
import { interpolateTree, TreeInterpolationError } from './interpolate.js';
import type { Layer, LoadContext } from './load-context.js';
import type { UnsupportedKey } from './model.js';
import { dirOf } from './paths.js';
import { checkAgainstSchema } from './schema-check.js';
import { unsupportedKeys } from './unsupported.js';
import { parseComposeYaml, type TreePath, type YamlDocument } from './yaml-file.js';

async function readDocuments(path: string, context: LoadContext, missing: () => never): Promise<YamlDocument[]> {
  const text = await context.source.read(path);
  if (text === null) return missing();
  return parseComposeYaml(text, path);
}

function lineOf(document: YamlDocument, path: TreePath): { line: number | null; column: number | null } {
  const position = document.positionOf(path);
  return { line: position?.line ?? null, column: position?.column ?? null };
}

/** Interpolates and validates one document's tree; returns it interpolated. */
function checkedTree(document: YamlDocument, file: string, context: LoadContext, validate: (tree: Tree) => unknown): Tree {
  if (!isMapping(document.tree)) fail('yaml', `failed to parse ${file}: top-level object must be a mapping`, { file, line: 1, column: 1 });
  let tree: Tree;
  try {
    tree = interpolateTree(document.tree, context.lookup, (variable, path) =>
      context.warn({ kind: 'unset-variable', variable, path: path.join('.'), file }),
    ) as Tree;
  } catch (error) {
    if (!(error instanceof TreeInterpolationError)) throw error;
    fail('interpolation', `error while interpolating ${error.path.join('.')}: ${error.error.message}`, {
      file,
      ...lineOf(document, error.path),
    });
  }
  const problem = checkAgainstSchema(validate(tree));
  if (problem) fail('schema', `validating ${file}: ${problem.message}`, { file, ...lineOf(document, problem.at) });
  return tree;
}

function scopeOf(file: string, baseDir: string, document: YamlDocument): FileScope {
  return { file, baseDir, positionOf: (path) => document.positionOf(path) };
}

function locator(document: YamlDocument): (path: TreePath) => number | null {
  return (path) => document.positionOf(path)?.line ?? null;
}

/** A file named by `-f` (or found by name): its layers, in document order. */
export async function loadComposeFile(file: string, baseDir: string, context: LoadContext): Promise<Layer[]> {
  const documents = await readDocuments(file, context, () => fail('no-file', `open ${file}: no such file or directory`, { file }));
  const layers: Layer[] = [];
  for (const document of documents) {
    if (document.tree === null || document.tree === undefined) continue;
    const tree = checkedTree(document, file, context, (t) => t);
    context.documents.push({ file, document, tree });
    if ('version' in tree) context.warn({ kind: 'obsolete-version', file });
    context.unsupported.push(...unsupportedKeys(tree, file, locator(document)));
    let canonical = canonicalFile(tree, scopeOf(file, baseDir, document));
    if ('include' in canonical) canonical = await applyInclude(canonical, file, baseDir, context, loadComposeFile);
    if (isMapping(canonical['services'])) {
      canonical['services'] = await applyExtends(canonical['services'], file, (other) => loadExtendedFile(other, context));
    }
    layers.push({ tree: canonical, tags: { resets: document.resets, overrides: document.overrides } });
  }
  return layers;
}

/**
 * The canonical services of a file `extends: file:` names (each one checked against the schema on its
 * own); the keys the model does not carry are named for the services extended only.
 */
async function loadExtendedFile(file: string, context: LoadContext): Promise<{ services: Tree; use(name: string): void }> {
  const documents = await readDocuments(file, context, () => fail('extends', `cannot read ${file}: no such file in the commit`, { file }));
  const services: Tree = {};
  const unsupported = new Map<string, UnsupportedKey[]>();
  for (const document of documents) {
    if (document.tree === null || document.tree === undefined) continue;
    const tree = checkedTree(document, file, context, (t) => ({ services: isMapping(t['services']) ? t['services'] : {} }));
    context.documents.push({ file, document, tree });
    const scope = scopeOf(file, dirOf(file), document);
    for (const [name, service] of Object.entries(isMapping(tree['services']) ? tree['services'] : {})) {
      if (!isMapping(service)) continue;
      services[name] = canonicalService(service, ['services', name], scope);
      unsupported.set(name, unsupportedKeys({ services: { [name]: service } }, file, locator(document)));
    }
  }
  const resolved = await applyExtends(services, file, (other) => loadExtendedFile(other, context));
  return { services: resolved, use: (name) => context.unsupported.push(...(unsupported.get(name) ?? [])) };
}
