#!/usr/bin/env node
// The shape of src/, measured with the TypeScript compiler (`npm run check:shape`):
//   - no file over MAX_FILE_LINES lines;
//   - no function over MAX_FUNCTION_LINES lines: function declarations, methods, constructors, accessors,
//     arrow functions and function expressions, from the first line of the declaration (`const f = ...`
//     for a function that initializes a variable or property) to its closing brace; a nested function
//     counts on its own and inside the one around it;
//   - no import cycle between files, nor between the top-level folders of src/ (each top-level file such
//     as api.ts is a unit of its own). Relative imports are resolved the way tsc resolves them (`./x.js`
//     is ./x.ts); `import type`, `export ... from`, `import()` and `import('./x.js').T` all count.
// Prints the numbers (longest function, longest file, files per top-level folder) and exits 1 when a
// limit is broken; `--report` prints the same and exits 0.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const MAX_FILE_LINES = 350;
const MAX_FUNCTION_LINES = 80;

const args = process.argv.slice(2);
if (args.includes('--help') || args.some((a) => a !== '--report')) {
  console.log('usage: node scripts/code-shape.mjs [--report]\n  --report  print the numbers, do not fail on broken limits');
  process.exit(args.includes('--help') ? 0 : 2);
}
const reportOnly = args.includes('--report');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'src');
const compilerOptions = readCompilerOptions(join(root, 'tsconfig.json'));

const files = listSourceFiles(srcDir).sort();
const fileSet = new Set(files.map(rel));
const fileLines = new Map(); // relative path -> lines
const functions = []; // { name, file, line, lines }
const imports = new Map(); // relative path -> Map(relative path -> { typeOnly: boolean })
const unresolved = []; // `file: specifier` of relative imports that resolve to nothing under src/

for (const absolute of files) {
  const file = rel(absolute);
  const text = readFileSync(absolute, 'utf8');
  const sourceFile = ts.createSourceFile(absolute, text, ts.ScriptTarget.Latest, true);
  fileLines.set(file, countLines(text));
  collectFunctions(sourceFile, file);
  imports.set(file, collectImports(sourceFile, absolute, file));
}

// ---- limits ----------------------------------------------------------------------------------------
const longFiles = [...fileLines].filter(([, lines]) => lines > MAX_FILE_LINES).sort((a, b) => b[1] - a[1]);
const longFunctions = functions.filter((f) => f.lines > MAX_FUNCTION_LINES).sort((a, b) => b.lines - a.lines);

const fileGraph = new Map([...imports].map(([file, targets]) => [file, [...targets.keys()]]));
const fileCycles = cyclesOf(fileGraph);

// Top-level units: folders (cli/, session/, ...) and the files directly under src/ (api.ts, ...).
const unitOf = (file) => (file.split('/').length > 2 ? file.split('/')[1] + '/' : file.split('/')[1]);
const unitEdges = new Map(); // "a\0b" -> [{ from, to, typeOnly }]
for (const [from, targets] of imports) {
  for (const [to, { typeOnly }] of targets) {
    if (unitOf(from) === unitOf(to)) continue;
    const key = `${unitOf(from)}\0${unitOf(to)}`;
    if (!unitEdges.has(key)) unitEdges.set(key, []);
    unitEdges.get(key).push({ from, to, typeOnly });
  }
}
const unitGraph = new Map();
for (const file of fileLines.keys()) unitGraph.set(unitOf(file), []);
for (const key of unitEdges.keys()) {
  const [a, b] = key.split('\0');
  unitGraph.get(a).push(b);
}
const folderCycles = cyclesOf(unitGraph);

// ---- report ----------------------------------------------------------------------------------------
const out = [];
out.push(
  `code-shape: ${files.length} files and ${functions.length} functions under src/ ` +
    `(limits: ${MAX_FILE_LINES} lines a file, ${MAX_FUNCTION_LINES} lines a function, no import cycles)`,
);

out.push('', `Files over ${MAX_FILE_LINES} lines: ${longFiles.length}`);
for (const [file, lines] of longFiles) out.push(`  ${pad(lines)}  ${file}`);

out.push('', `Functions over ${MAX_FUNCTION_LINES} lines: ${longFunctions.length}`);
for (const f of longFunctions) out.push(`  ${pad(f.lines)}  ${f.file}:${f.line}  ${f.name}`);

out.push('', `Import cycles between files: ${fileCycles.length}`);
for (const { members, cycle } of fileCycles) {
  out.push(`  ${members.length} files: ${cycle.join(' -> ')}`);
  if (members.length > cycle.length - 1)
    out.push(
      `    (and ${members.length - (cycle.length - 1)} more in the same knot: ${members.filter((m) => !cycle.includes(m)).join(', ')})`,
    );
}

out.push('', `Import cycles between top-level folders of src/: ${folderCycles.length}`);
for (const { members, cycle } of folderCycles) {
  out.push(`  ${cycle.join(' -> ')}${members.length > cycle.length - 1 ? `  (one knot of ${members.length}: ${members.join(', ')})` : ''}`);
  // Every import between two folders of the knot: the ones to remove are among them.
  for (const from of members) {
    for (const to of members) {
      const witnesses = unitEdges.get(`${from}\0${to}`);
      if (!witnesses) continue;
      const shown = witnesses.slice(0, 3).map((w) => `${w.from} -> ${w.to}${w.typeOnly ? ' (type only)' : ''}`);
      const more = witnesses.length > 3 ? ` (+${witnesses.length - 3} more)` : '';
      out.push(`    ${from} -> ${to}: ${shown.join(', ')}${more}`);
    }
  }
}

if (unresolved.length > 0) {
  out.push('', `Relative imports that resolve to no file under src/ (not counted): ${unresolved.length}`);
  for (const u of unresolved) out.push(`  ${u}`);
}

const longestFunction = [...functions].sort((a, b) => b.lines - a.lines)[0];
const longestFile = [...fileLines].sort((a, b) => b[1] - a[1])[0];
const perUnit = new Map();
for (const file of fileLines.keys()) {
  const unit = unitOf(file).endsWith('/') ? unitOf(file) : '(top-level files)';
  perUnit.set(unit, (perUnit.get(unit) ?? 0) + 1);
}
const topLevelFiles = [...fileLines.keys()].filter((f) => !unitOf(f).endsWith('/')).map(unitOf);
out.push('', 'Summary:');
if (longestFunction)
  out.push(`  longest function: ${longestFunction.name} (${longestFunction.file}:${longestFunction.line}), ${longestFunction.lines} lines`);
if (longestFile) out.push(`  longest file: ${longestFile[0]}, ${longestFile[1]} lines`);
out.push(`  total lines: ${[...fileLines.values()].reduce((a, b) => a + b, 0)}`);
out.push('  files per top-level folder:');
for (const [unit, count] of [...perUnit].sort((a, b) => a[0].localeCompare(b[0]))) {
  out.push(`    ${unit.padEnd(18)} ${pad(count, 3)}${unit === '(top-level files)' ? `  (${topLevelFiles.join(', ')})` : ''}`);
}

const broken = [
  longFiles.length > 0 && `${longFiles.length} files over ${MAX_FILE_LINES} lines`,
  longFunctions.length > 0 && `${longFunctions.length} functions over ${MAX_FUNCTION_LINES} lines`,
  fileCycles.length > 0 && `${fileCycles.length} import cycles between files`,
  folderCycles.length > 0 && `${folderCycles.length} import cycles between top-level folders`,
].filter(Boolean);
out.push('');
if (broken.length === 0) out.push('code-shape: every limit holds.');
else out.push(`code-shape: limits broken: ${broken.join(', ')}${reportOnly ? ' (--report: not failing)' : ''}.`);
console.log(out.join('\n'));
process.exitCode = broken.length > 0 && !reportOnly ? 1 : 0;

// ---- helpers ---------------------------------------------------------------------------------------

function readCompilerOptions(tsconfigPath) {
  const { config, error } = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, dirname(tsconfigPath)).options;
}

function listSourceFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listSourceFiles(path));
    else if (/\.(ts|tsx|mts|cts)$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) found.push(path);
  }
  return found;
}

function rel(absolute) {
  return relative(root, absolute).split(sep).join('/');
}

/** Lines as `wc -l` counts them for a file that ends with a newline. */
function countLines(text) {
  if (text.length === 0) return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

function pad(n, width = 4) {
  return String(n).padStart(width);
}

function lineOf(sourceFile, position) {
  return sourceFile.getLineAndCharacterOfPosition(position).line + 1;
}

function isFunctionLike(node) {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node)
  );
}

function collectFunctions(sourceFile, file) {
  const visit = (node, enclosing) => {
    let inner = enclosing;
    if (isFunctionLike(node) && node.body) {
      const declaration = declarationOf(node);
      const start = lineOf(sourceFile, declaration.getStart(sourceFile));
      const end = lineOf(sourceFile, node.getEnd());
      const name = nameOf(node, enclosing);
      functions.push({ name, file, line: start, lines: end - start + 1 });
      inner = name;
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(sourceFile, undefined);
}

/** The statement or member a function is the value of (`export const f = () => {...}`), else the function. */
function declarationOf(node) {
  const parent = node.parent;
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return node;
  if (ts.isVariableDeclaration(parent) && parent.initializer === node) {
    const list = parent.parent;
    const statement = list?.parent;
    return statement && ts.isVariableStatement(statement) && list.declarations.length === 1 ? statement : parent;
  }
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.initializer === node) return parent;
  return node;
}

function propertyName(name) {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return `[${name.getText()}]`;
}

/** Where a class or object literal member lives: the class's name, or the variable the object is assigned to. */
function ownerOf(member) {
  const owner = member.parent;
  if (ts.isClassLike(owner)) return owner.name?.text ?? '(class)';
  if (ts.isObjectLiteralExpression(owner)) {
    const holder = owner.parent;
    if (holder && (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder)) && holder.name) return propertyName(holder.name);
    return '{}';
  }
  return undefined;
}

function nameOf(node, enclosing) {
  const inside = (name) => (enclosing ? `${enclosing} > ${name}` : name);
  if (ts.isFunctionDeclaration(node)) return node.name?.text ?? 'default';
  if (ts.isConstructorDeclaration(node)) return `${ownerOf(node)}.constructor`;
  if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) {
    const prefix = ts.isGetAccessorDeclaration(node) ? 'get ' : ts.isSetAccessorDeclaration(node) ? 'set ' : '';
    const owner = ownerOf(node);
    const member = `${prefix}${owner ? `${owner}.` : ''}${propertyName(node.name)}`;
    return ts.isClassLike(node.parent) ? member : inside(member);
  }
  const parent = node.parent;
  if (ts.isFunctionExpression(node) && node.name) return inside(node.name.text);
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return inside(parent.name.text);
  if (ts.isPropertyDeclaration(parent)) return `${ownerOf(parent)}.${propertyName(parent.name)}`;
  if (ts.isPropertyAssignment(parent)) return inside(`${ownerOf(parent) ?? '{}'}.${propertyName(parent.name)}`);
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
    const callee = parent.expression.getText().replace(/\s+/g, ' ');
    return inside(`(callback of ${callee.length > 40 ? `…${callee.slice(-39)}` : callee})`);
  }
  return inside(`(${ts.isArrowFunction(node) ? 'arrow' : 'function'})`);
}

function collectImports(sourceFile, absolute, file) {
  const targets = new Map();
  const add = (specifierNode, typeOnly) => {
    if (!specifierNode || !ts.isStringLiteralLike(specifierNode)) return;
    const specifier = specifierNode.text;
    if (!specifier.startsWith('.')) return;
    const resolved = ts.resolveModuleName(
      specifier,
      absolute,
      compilerOptions,
      ts.sys,
      undefined,
      undefined,
      ts.ModuleKind.ESNext,
    ).resolvedModule;
    const target = resolved && !resolved.isExternalLibraryImport ? rel(resolve(resolved.resolvedFileName)) : undefined;
    if (target === undefined || !fileSet.has(target)) {
      unresolved.push(`${file}: ${specifier}`);
      return;
    }
    const before = targets.get(target);
    targets.set(target, { typeOnly: typeOnly && (before?.typeOnly ?? true) });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allTypeSpecifiers =
        !!clause &&
        !clause.name &&
        !!bindings &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, !!clause && (clause.isTypeOnly || allTypeSpecifiers));
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      const allTypeSpecifiers =
        !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, node.isTypeOnly || allTypeSpecifiers);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return targets;
}

/**
 * The cycles of a graph (Map node -> [node]): one per strongly connected component with more than one
 * node or a self-import, given as its members and one shortest cycle through its first member.
 */
function cyclesOf(graph) {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const components = [];
  let counter = 0;
  const strongConnect = (v) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strongConnect(v);

  const cycles = [];
  for (const members of components) {
    const start = members[0];
    const selfLoop = (graph.get(start) ?? []).includes(start);
    if (members.length === 1 && !selfLoop) continue;
    cycles.push({ members, cycle: selfLoop ? [start, start] : shortestCycle(graph, start, new Set(members)) });
  }
  return cycles.sort((a, b) => b.members.length - a.members.length || a.members[0].localeCompare(b.members[0]));
}

/** Breadth-first from `start` back to it, inside `within`. */
function shortestCycle(graph, start, within) {
  const previous = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!within.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]));
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
