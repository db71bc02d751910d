// Layering of src/ (`npm run check:layers`, dependency-cruiser).
//
// THE LAYER TABLE below is the one place to read or change the architecture: each row names a layer,
// the files in it, and the layers it may import. Imports inside a layer are always allowed; a layer may
// import only what its row lists; a file under src/ that is in no row is an error (place it in a layer).
// Type-only imports (`import type`) count like any other: a type is a dependency too.
// The table must stay acyclic (checked when this file loads), so the rules also rule out import cycles
// between layers; cycles between files are the `no-circular` rule's.

/** Leaf modules anyone may import (they import nothing above themselves). */
const LEAVES = ['errors', 'duration'];

// prettier-ignore
const LAYERS = {
  //          files (path from the repository root)     may import (besides its own files)
  cli:      { files: '^src/cli/',                        mayImport: ['library', 'demo', 'session', 'options', 'probes', 'docker', 'contract', 'explain', 'git', 'bisect', 'text', ...LEAVES] },
  library:  { files: '^src/(api|index)\\.ts$',            mayImport: ['session', 'options', 'probes', 'docker', 'contract', 'explain', 'git', 'bisect', 'text', ...LEAVES] },
  demo:     { files: '^src/demo/',                       mayImport: ['library', 'session', 'options', 'probes', 'docker', 'contract', 'explain', 'git', 'bisect', 'text', ...LEAVES] },
  session:  { files: '^src/session/',                    mayImport: ['options', 'probes', 'docker', 'contract', 'explain', 'git', 'bisect', 'text', ...LEAVES] },
  options:  { files: '^src/options/',                    mayImport: ['probes', 'docker', 'contract', 'explain', 'git', 'bisect', 'text', ...LEAVES] },
  probes:   { files: '^src/probes/',                     mayImport: ['docker', 'git', 'bisect', 'text', ...LEAVES] },
  // What a platform deploys at a commit, read from its manifests (render.yaml, fly.toml, compose, ...).
  explain:  { files: '^src/explain/',                    mayImport: ['contract', 'git', 'bisect', 'text', ...LEAVES] },
  contract: { files: '^src/contract/',                   mayImport: ['git', 'bisect', 'text', ...LEAVES] },
  docker:   { files: '^src/docker/',                     mayImport: ['git', 'bisect', 'text', ...LEAVES] },
  git:      { files: '^src/git/',                        mayImport: ['bisect', 'text', ...LEAVES] },
  bisect:   { files: '^src/bisect/',                     mayImport: ['text', 'errors'], pure: true },
  text:     { files: '^src/text/',                       mayImport: [], pure: true },
  duration: { files: '^src/duration\\.ts$',              mayImport: ['errors'] },
  errors:   { files: '^src/errors\\.ts$',                mayImport: [] },
};

/**
 * Node modules a pure layer (pure: true above: the search core and the string helpers) may use: none of
 * them does I/O. Every other Node module (fs, child_process, net, http, os, ...) and every npm package
 * (dockerode, simple-git, ...) is forbidden there.
 */
const PURE_NODE_MODULES = ['assert', 'assert/strict', 'buffer', 'events', 'path', 'string_decoder', 'url', 'util'];

// ---------------------------------------------------------------------------------------------------
// Rules generated from the table (nothing below needs changing when the architecture does).

for (const [name, layer] of Object.entries(LAYERS)) {
  for (const target of layer.mayImport) {
    if (!(target in LAYERS)) throw new Error(`.dependency-cruiser.mjs: layer ${name} may import "${target}", which is not a layer`);
  }
}
assertAcyclic(LAYERS);

const layerRules = Object.entries(LAYERS).map(([name, layer]) => ({
  name: `layer-${name}`,
  severity: 'error',
  comment:
    `${name} (${layer.files}) may import only ` +
    (layer.mayImport.length > 0 ? layer.mayImport.join(', ') : 'nothing else under src/') +
    ' (the layer table in .dependency-cruiser.mjs)',
  from: { path: layer.files },
  to: { path: '^src/', pathNot: [layer.files, ...layer.mayImport.map((target) => LAYERS[target].files)] },
}));

const pureLayers = Object.entries(LAYERS).filter(([, layer]) => layer.pure);
const purePaths = pureLayers.map(([, layer]) => layer.files);
const pureNames = pureLayers.map(([name]) => name).join(', ');

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...layerRules,
    {
      name: 'not-in-a-layer',
      severity: 'error',
      comment: 'Every file under src/ belongs to a layer: add its folder to the layer table in .dependency-cruiser.mjs',
      from: { path: '^src/', pathNot: Object.values(LAYERS).map((layer) => layer.files) },
      to: {},
    },
    {
      name: 'import-of-unlayered-file',
      severity: 'error',
      comment: 'This file under src/ is in no layer: add its folder to the layer table in .dependency-cruiser.mjs',
      from: {},
      to: { path: '^src/', pathNot: Object.values(LAYERS).map((layer) => layer.files) },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A file under src/ that imports nothing and that nothing imports: dead, or in no layer',
      from: { orphan: true, path: '^src/', pathNot: '\\.d\\.ts$' },
      to: {},
    },
    {
      name: 'pure-core-does-no-io',
      severity: 'error',
      comment: `${pureNames} do no I/O: of Node's modules only ${PURE_NODE_MODULES.join(', ')}`,
      from: { path: purePaths },
      to: { dependencyTypes: ['core'], pathNot: `^(node:)?(${PURE_NODE_MODULES.join('|')})$` },
    },
    {
      name: 'pure-core-uses-no-packages',
      severity: 'error',
      comment: `${pureNames} use no npm packages (dockerode, simple-git, ... do I/O; the core stays plain TypeScript)`,
      from: { path: purePaths },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycle between files (type-only imports included): break it by moving the shared part down a layer',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing on disk',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true, // type-only imports count
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['types', 'typings', 'module', 'main'],
    },
  },
};

/** Throws when the table allows a cycle of layers (a -> b -> ... -> a). */
function assertAcyclic(layers) {
  const state = new Map(); // name -> 'visiting' | 'done'
  const visit = (name, path) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw new Error(`.dependency-cruiser.mjs: the layer table has a cycle: ${[...path.slice(path.indexOf(name)), name].join(' -> ')}`);
    }
    state.set(name, 'visiting');
    for (const target of layers[name].mayImport) visit(target, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of Object.keys(layers)) visit(name, []);
}
