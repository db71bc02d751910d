/**
 * The edge of every reader: a contract, or a failure with its file, line and column. Inside, readers
 * throw ManifestProblem at the key at fault; `inDocument` gives the problem its file and place.
 */
import type { DeploymentContract, FileText, Platform } from '../contract.js';
import { Node } from './node.js';
import { ManifestProblem, type ReadFailure } from './problem.js';
import { parseToml } from './toml-source.js';
import { parseYaml, parseYamlDocuments, type ParsedText } from './yaml-source.js';

export type ReadResult = { ok: true; contract: DeploymentContract } | { ok: false; failure: ReadFailure };

/** A manifest file, parsed, with its root as a typed Node. */
export interface ParsedFile {
  file: FileText;
  parsed: ParsedText;
  root: Node;
}

export function loadYaml(file: FileText): ParsedFile {
  const parsed = placedIn(file, () => parseYaml(file));
  return { file, parsed, root: new Node(parsed.value) };
}

/** Each document of a multi-document YAML file; `index` is the document's position among the non-empty ones. */
export function loadYamlDocuments(file: FileText): ParsedFile[] {
  return placedIn(file, () => parseYamlDocuments(file)).map((parsed) => ({ file, parsed, root: new Node(parsed.value) }));
}

export function loadToml(file: FileText): ParsedFile {
  const parsed = placedIn(file, () => parseToml(file));
  return { file, parsed, root: new Node(parsed.value) };
}

/** Runs `read` on a file; a problem it throws gets the file's name and the place of its key. */
export function inDocument<T>(doc: ParsedFile, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ManifestProblem) throw error.placed(doc.file.path, doc.parsed.locate(error.path));
    throw error;
  }
}

function placedIn<T>(file: FileText, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ManifestProblem) throw error.placed(file.path, undefined);
    throw error;
  }
}

/** Runs a reader; a ManifestProblem becomes a failure (any other error is a bug and is thrown). */
export function readManifest(platform: Platform, manifest: FileText, read: () => DeploymentContract): ReadResult {
  try {
    return { ok: true, contract: read() };
  } catch (error) {
    if (!(error instanceof ManifestProblem)) throw error;
    const at = error.extra.position;
    const failure: ReadFailure = {
      kind: error.kind,
      platform,
      file: error.extra.file ?? manifest.path,
      message: error.message,
      ...(at ? { line: at.line, column: at.column } : {}),
      ...(error.extra.services ? { services: error.extra.services } : {}),
    };
    return { ok: false, failure };
  }
}
