// The field reference of the JSON documents (docs/json.md), read from the result types themselves with
// the TypeScript compiler: each type's fields, their types and the doc comments written on them. A type
// a document refers to gets a section of its own; an object written inline is listed as dotted fields
// under the field that holds it (`planning.commits`, `candidates[].verdict`); a union of a few literal
// values is spelled out where it is used, a longer one gets a section listing its values.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The documents the commands print, each the type of one result. */
export const DOCUMENTS = [
  { type: 'BisectResult', file: 'src/session/result.ts' },
  { type: 'TestCommitResult', file: 'src/session/test-commit.ts' },
  { type: 'NarrowResult', file: 'src/session/result.ts' },
  { type: 'ExplainRangeResult', file: 'src/session/explain-range.ts' },
];

/** Literal unions with more values than this get a section of their own instead of being spelled out. */
const MAX_INLINE_VALUES = 8;

// A `|` inside a table cell ends the cell, even inside backticks, unless escaped.
const cell = (text) => text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');
const anchor = (name) => `#${name.toLowerCase()}`;
const link = (name) => `[${name}](${anchor(name)})`;

function compilerOptions() {
  const path = join(ROOT, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(path, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options;
}

/** The reference as Markdown: one section per type, the documents first. */
export function renderJsonReference() {
  const program = ts.createProgram(
    DOCUMENTS.map((d) => join(ROOT, d.file)),
    { ...compilerOptions(), noEmit: true },
  );
  return new Reference(program).render();
}

class Reference {
  constructor(program) {
    this.program = program;
    this.checker = program.getTypeChecker();
    /** name -> declaration, in the order the sections are written. */
    this.queue = new Map();
  }

  render() {
    for (const { type, file } of DOCUMENTS) {
      const source = this.program.getSourceFile(join(ROOT, file));
      const declaration = source?.statements.find((s) => (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === type);
      if (!declaration) throw new Error(`${file} declares no ${type}`);
      this.enqueue(type, declaration);
    }
    const sections = [];
    // The queue grows while sections are written: every type a section refers to is added to it.
    for (const [name, declaration] of this.queue) sections.push(this.section(name, declaration));
    return sections.join('\n\n');
  }

  enqueue(name, declaration) {
    const known = this.queue.get(name);
    if (known && known !== declaration) throw new Error(`two types named ${name} (${this.where(known)}, ${this.where(declaration)}): the reference needs one`);
    if (!known) this.queue.set(name, declaration);
    return link(name);
  }

  where(node) {
    return node.getSourceFile().fileName.slice(ROOT.length + 1);
  }

  section(name, declaration) {
    const lines = [`### ${name}`, ''];
    const about = this.docOf(declaration);
    if (about) lines.push(about, '');
    if (ts.isTypeAliasDeclaration(declaration) && this.literalValues(declaration.type)) {
      const values = this.writtenLiterals(declaration.type) ?? this.literalValues(declaration.type).map((value) => ({ value, doc: '' }));
      if (!values.some((v) => v.doc)) return [...lines, `One of ${values.map((v) => `\`${v.value}\``).join(', ')}.`].join('\n');
      lines.push('| value | meaning |', '| --- | --- |');
      for (const { value, doc } of values) lines.push(`| \`${value}\` | ${cell(doc)} |`);
      return lines.join('\n');
    }
    const bases = ts.isInterfaceDeclaration(declaration) ? (declaration.heritageClauses ?? []).flatMap((h) => h.types) : [];
    if (bases.length > 0) lines.push(`The fields of ${bases.map((b) => this.typeText(b.expression, b)).join(' and ')}, and:`, '');
    const members = ts.isInterfaceDeclaration(declaration) ? declaration.members : this.objectMembers(declaration.type);
    lines.push('| field | type | description |', '| --- | --- | --- |');
    for (const row of this.rows(members, '')) lines.push(`| \`${row.field}\` | ${cell(row.type)} | ${cell(row.description)} |`);
    return lines.join('\n');
  }

  objectMembers(node) {
    if (ts.isTypeLiteralNode(node)) return node.members;
    throw new Error(`${this.where(node)}: ${node.getText()} is not an object type the reference can list`);
  }

  /** One row per field, and the fields of the objects written inline under it. */
  rows(members, prefix) {
    const rows = [];
    for (const member of members) {
      if (!ts.isPropertySignature(member) || !member.type) throw new Error(`${this.where(member)}: ${member.getText()} is not a field`);
      const name = `${prefix}${member.name.getText()}`;
      const { text, nested } = this.describe(member.type);
      rows.push({ field: `${name}${member.questionToken ? '?' : ''}`, type: text, description: this.docOf(member) });
      for (const { suffix, members: inner } of nested) rows.push(...this.rows(inner, `${name}${suffix}.`));
    }
    return rows;
  }

  /** A type as the table writes it, and the inline objects whose fields are listed below it (`suffix`: `` or `[]`). */
  describe(node) {
    if (ts.isParenthesizedTypeNode(node)) return this.describe(node.type);
    if (ts.isTypeLiteralNode(node)) return { text: '{ … }', nested: [{ suffix: '', members: node.members }] };
    if (ts.isArrayTypeNode(node)) return this.arrayOf(node.elementType);
    if (ts.isTypeReferenceNode(node) && ['Array', 'ReadonlyArray'].includes(node.typeName.getText())) return this.arrayOf(node.typeArguments[0]);
    if (ts.isTypeReferenceNode(node) && node.typeName.getText() === 'Readonly') return this.describe(node.typeArguments[0]);
    if (ts.isTypeReferenceNode(node) && node.typeName.getText() === 'Record') {
      const value = this.describe(node.typeArguments[1]).text;
      return { text: value === 'unknown' ? 'object' : `object of ${value}`, nested: [] };
    }
    if (ts.isIntersectionTypeNode(node)) {
      const parts = node.types.map((t) => this.describe(t));
      return { text: parts.map((p) => p.text).join(' & '), nested: parts.flatMap((p) => p.nested) };
    }
    const values = this.literalValues(node);
    if (values && (values.length <= MAX_INLINE_VALUES || !ts.isTypeReferenceNode(node)))
      return { text: values.map((v) => `\`${v}\``).join(' | '), nested: [] };
    if (ts.isUnionTypeNode(node)) return { text: node.types.map((t) => this.describe(t).text).join(' | '), nested: [] };
    if (ts.isTypeReferenceNode(node)) return { text: this.typeText(node.typeName, node), nested: [] };
    if (ts.isLiteralTypeNode(node)) return { text: `\`${node.literal.getText()}\``, nested: [] };
    return { text: node.getText(), nested: [] };
  }

  arrayOf(element) {
    const inner = this.describe(element);
    const text = / [|&] /.test(inner.text) ? `(${inner.text})[]` : `${inner.text}[]`;
    return { text, nested: inner.nested.map((n) => ({ ...n, suffix: `[]${n.suffix}` })) };
  }

  /** A named type: a link to its section (added to the queue), or what it stands for. */
  typeText(name, node) {
    let symbol = this.checker.getSymbolAtLocation(name);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    const declaration = symbol?.declarations?.[0];
    if (!declaration || !declaration.getSourceFile().fileName.startsWith(join(ROOT, 'src')))
      return this.checker.typeToString(this.checker.getTypeFromTypeNode(node));
    if (ts.isTypeAliasDeclaration(declaration) && !this.literalValues(declaration.type) && !ts.isTypeLiteralNode(declaration.type))
      return this.describe(declaration.type).text;
    return this.enqueue(symbol.name, declaration);
  }

  /** The values of a union of literals (`"found"`, `1`) in the order written, or undefined when the type is not one. */
  literalValues(node) {
    const written = this.writtenLiterals(node);
    if (written) return written.map((w) => w.value);
    const type = this.checker.getTypeFromTypeNode(node);
    if (!type.isUnion()) return undefined;
    if (!type.types.every((t) => t.isStringLiteral() || t.isNumberLiteral())) return undefined;
    return type.types.map((t) => JSON.stringify(t.value));
  }

  /** The literals of a union as the source writes them (through aliases), each with the doc comment above it. */
  writtenLiterals(node) {
    if (ts.isParenthesizedTypeNode(node)) return this.writtenLiterals(node.type);
    if (ts.isLiteralTypeNode(node) && (ts.isStringLiteral(node.literal) || ts.isNumericLiteral(node.literal)))
      return [{ value: JSON.stringify(ts.isStringLiteral(node.literal) ? node.literal.text : Number(node.literal.text)), doc: '' }];
    if (ts.isUnionTypeNode(node)) {
      const text = node.getSourceFile().text;
      const parts = node.types.map((member, i) => {
        const literals = this.writtenLiterals(member);
        if (!literals || literals.length !== 1) return literals;
        const before = text.slice(i === 0 ? node.pos : node.types[i - 1].end, member.getStart());
        const docs = before.match(/\/\*\*[\s\S]*?\*\//g) ?? [];
        return [{ ...literals[0], doc: docs.map(stripComment).join(' ') }];
      });
      return parts.every(Boolean) ? parts.flat() : undefined;
    }
    if (ts.isTypeReferenceNode(node) && !node.typeArguments) {
      let symbol = this.checker.getSymbolAtLocation(node.typeName);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
      const declaration = symbol?.declarations?.[0];
      if (declaration && ts.isTypeAliasDeclaration(declaration)) return this.writtenLiterals(declaration.type);
    }
    return undefined;
  }

  docOf(node) {
    const symbol = node.name ? this.checker.getSymbolAtLocation(node.name) : undefined;
    return symbol ? ts.displayPartsToString(symbol.getDocumentationComment(this.checker)).replace(/\s*\n\s*/g, ' ') : '';
  }
}

const stripComment = (comment) =>
  comment
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').trim())
    .filter(Boolean)
    .join(' ');
