/**
 * A Dockerfile as plain data: build stages of instructions, each with its logical text,
 * exec (JSON) form, heredoc bodies and the WORKDIR in effect. Parsed with dockerfile-ast.
 *
 * Pure and total: odd input (empty, no FROM, unknown instructions, broken JSON) gives what
 * can be read, never an exception. Instructions before the first FROM form the preamble
 * (normally global ARGs).
 *
 * Heredocs (`RUN <<EOF … EOF`, `COPY <<EOT /dst`): dockerfile-ast 0.7 recognises them (the
 * instruction spans the body); the bodies are read here from the raw text.
 */
import { posix } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';

export interface Heredoc {
  name: string;
  body: string;
}

export interface DockerInstruction {
  /** Upper-case keyword: RUN, COPY… */
  keyword: string;
  /** 1-based line where the instruction starts. */
  line: number;
  /** `--name=value` flags before the arguments (`--from`, `--chown`, `--mount`, `--interval`…). */
  flags: { name: string; value: string | null }[];
  /** The arguments as one line: continuations joined, comment lines dropped, whitespace collapsed; heredoc bodies excluded. */
  text: string;
  /** The arguments in exec (JSON array) form, when written so. */
  exec?: string[];
  heredocs: Heredoc[];
  /** The WORKDIR in effect when the instruction runs (before it, for WORKDIR itself). */
  workdir: string;
}

export interface DockerStage {
  index: number;
  /** The `AS name`, lower-cased (stage names are case-insensitive). */
  name?: string;
  /** What the stage is matched by: its name, else its index as a string. */
  key: string;
  /** The base image as written, with global ARG defaults substituted where known. */
  image: string;
  platform?: string;
  line: number;
  /** The instructions after FROM. */
  instructions: DockerInstruction[];
}

export interface DockerfileModel {
  /** Instructions before the first FROM (global ARGs). */
  preamble: DockerInstruction[];
  stages: DockerStage[];
}

/** `buildArgs`: values given for the build (`--build-arg`), which win over the global ARG defaults they name. */
export function parseDockerfile(content: string, options: { buildArgs?: Readonly<Record<string, string>> } = {}): DockerfileModel {
  try {
    return buildModel(content, options.buildArgs ?? {});
  } catch {
    return { preamble: [], stages: [] };
  }
}

function buildModel(content: string, buildArgs: Readonly<Record<string, string>>): DockerfileModel {
  const dockerfile = DockerfileParser.parse(content);
  const escape = dockerfile.getEscapeCharacter();
  const preamble: DockerInstruction[] = [];
  const stages: DockerStage[] = [];
  let workdir = '/';
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword === 'FROM') {
      const stage = newStage(instruction, stages.length, preamble, buildArgs);
      const parent = stages.find((s) => s.key === stage.image.toLowerCase());
      workdir = parent ? finalWorkdir(parent) : '/';
      stages.push(stage);
      continue;
    }
    const model = instructionModel(instruction, keyword, escape, workdir);
    if (keyword === 'WORKDIR' && model.text !== '') workdir = posix.resolve(workdir, model.text);
    const current = stages[stages.length - 1];
    if (current) current.instructions.push(model);
    else preamble.push(model);
  }
  return { preamble, stages };
}

function newStage(
  from: Instruction,
  index: number,
  preamble: readonly DockerInstruction[],
  buildArgs: Readonly<Record<string, string>>,
): DockerStage {
  const words = (from.getArgumentsContent() ?? '')
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const image = substituteArgs(words[0] ?? '', preamble, buildArgs);
  const as = words[1]?.toUpperCase() === 'AS' ? words[2]?.toLowerCase() : undefined;
  const platform = flagsOf(from).find((f) => f.name === 'platform')?.value ?? undefined;
  const stage: DockerStage = { index, key: as ?? String(index), image, line: from.getRange().start.line + 1, instructions: [] };
  if (as !== undefined) stage.name = as;
  if (platform !== undefined) stage.platform = platform;
  return stage;
}

/**
 * `${NAME}`, `$NAME`, `${NAME:-default}` from the global ARGs: a build argument given for a declared
 * ARG, else its default; unknown variables stay.
 */
function substituteArgs(text: string, preamble: readonly DockerInstruction[], buildArgs: Readonly<Record<string, string>>): string {
  const defaults = new Map<string, string>();
  for (const ins of preamble) {
    if (ins.keyword !== 'ARG') continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(ins.text);
    if (!m) continue;
    const given = Object.hasOwn(buildArgs, m[1]!) ? buildArgs[m[1]!] : undefined;
    if (given !== undefined) defaults.set(m[1]!, given);
    else if (m[2] !== undefined) defaults.set(m[1]!, unquote(m[2]));
  }
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced?: string, fallback?: string, bare?: string) => {
      const value = defaults.get((braced ?? bare)!);
      if (value !== undefined && value !== '') return value;
      return fallback ?? whole;
    },
  );
}

function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/s.exec(value);
  return m ? m[2]! : value;
}

function finalWorkdir(stage: DockerStage): string {
  let workdir = stage.instructions[0]?.workdir ?? '/';
  for (const ins of stage.instructions) {
    if (ins.keyword === 'WORKDIR' && ins.text !== '') workdir = posix.resolve(ins.workdir, ins.text);
  }
  return workdir;
}

function flagsOf(instruction: Instruction): { name: string; value: string | null }[] {
  const withFlags = instruction as Instruction & { getFlags?: () => { getName(): string; getValue(): string | null }[] };
  if (typeof withFlags.getFlags !== 'function') return [];
  return withFlags.getFlags().map((f) => ({ name: f.getName().toLowerCase(), value: f.getValue() }));
}

function instructionModel(instruction: Instruction, keyword: string, escape: string, workdir: string): DockerInstruction {
  const raw = instruction.getRawArgumentsContent() ?? '';
  const { logical, heredocs } = logicalText(raw, escape);
  const text = logical.replace(/\s+/g, ' ').trim();
  const model: DockerInstruction = {
    keyword,
    line: instruction.getRange().start.line + 1,
    flags: flagsOf(instruction),
    text,
    heredocs,
    workdir,
  };
  const exec = execForm(text);
  if (exec !== undefined) model.exec = exec;
  return model;
}

/**
 * Join continuation lines (dropping comment lines inside them, as Docker does), then read the
 * bodies of the heredocs the first logical line opens.
 */
function logicalText(raw: string, escape: string): { logical: string; heredocs: Heredoc[] } {
  const lines = raw.split(/\r?\n/);
  let logical = '';
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    i += 1;
    if (i > 1 && (/^\s*#/.test(line) || line.trim() === '')) continue;
    const trimmed = line.trimEnd();
    if (trimmed.endsWith(escape)) {
      logical += trimmed.slice(0, -1);
      continue;
    }
    logical += line;
    break;
  }
  const heredocs: Heredoc[] = [];
  for (const marker of logical.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\2/g)) {
    const stripTabs = marker[1] === '-';
    const name = marker[3]!;
    const body: string[] = [];
    while (i < lines.length) {
      const line = lines[i]!;
      i += 1;
      const candidate = stripTabs ? line.replace(/^\t+/, '') : line;
      if (candidate.trimEnd() === name) break;
      body.push(candidate);
    }
    heredocs.push({ name, body: body.join('\n') });
  }
  return { logical, heredocs };
}

function execForm(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // Not JSON: Docker runs it in shell form.
  }
  return undefined;
}

/** Instructions of a stage with the given keyword. */
export function instructionsOf(stage: DockerStage, keyword: string): DockerInstruction[] {
  return stage.instructions.filter((ins) => ins.keyword === keyword);
}
