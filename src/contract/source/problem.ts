/**
 * Why a manifest cannot be read as a deployment, as one line with its place (`render.yaml:12:3: …`).
 * Readers throw a ManifestProblem at the key that is wrong; the reader's edge turns it into a
 * ReadFailure with the line and column of that key.
 */
import { UsageError } from '../../errors.js';
import type { Platform } from '../contract.js';

/** A key's place in a manifest: mapping keys and sequence indexes from the document's root. */
export type KeyPath = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

/**
 * - parse: the file is not valid YAML/TOML/JSON;
 * - invalid: it parses, but the platform would reject it (a wrong type, a missing required key);
 * - not-docker: the service is deployed without a Dockerfile of this repository (native runtime,
 *   buildpacks, a published image);
 * - service-needed: the manifest has several services and none was named (`services` lists them);
 * - no-service: the service named is not in the manifest (`services` lists those that are).
 * parse and invalid fail the commit's deployment, as the platform would; the others are for the caller.
 */
export type ReadFailureKind = 'parse' | 'invalid' | 'not-docker' | 'service-needed' | 'no-service';

export interface ReadFailure {
  kind: ReadFailureKind;
  platform: Platform;
  /** Repository-relative path of the file at fault. */
  file: string;
  line?: number;
  column?: number;
  /** One line, without the place. */
  message: string;
  services?: string[];
}

/** `render.yaml:12:3: services[0].envVars must be a list` */
export function failureLine(failure: ReadFailure): string {
  const place = failure.line !== undefined ? `:${failure.line}${failure.column !== undefined ? `:${failure.column}` : ''}` : '';
  return `${failure.file}${place}: ${failure.message}`;
}

/**
 * A service that must be named (`--service`) or that is not in the manifest: the user's to fix. The message
 * lists the services; `services` holds them for JSON and `doctor`.
 */
export class ServiceChoiceError extends UsageError {
  constructor(
    readonly failure: ReadFailure,
    readonly services: readonly string[] = failure.services ?? [],
  ) {
    super(failure.message);
    this.name = 'ServiceChoiceError';
  }
}

/** The usage error for a failure about the choice of service; undefined for the others (they are the commit's). */
export function serviceChoiceError(failure: ReadFailure): ServiceChoiceError | undefined {
  return failure.kind === 'service-needed' || failure.kind === 'no-service' ? new ServiceChoiceError(failure) : undefined;
}

/** `services[0].envVars[2].key` */
export function keyPathText(path: KeyPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out || '(top level)';
}

/** Thrown inside a reader; caught at its edge (see readWith in read-result.ts). */
export class ManifestProblem extends Error {
  constructor(
    readonly kind: ReadFailureKind,
    readonly path: KeyPath,
    message: string,
    readonly extra: { file?: string; position?: Position; services?: string[] } = {},
  ) {
    super(message);
    this.name = 'ManifestProblem';
  }

  /** This problem with its file and place (kept when already known). */
  placed(file: string, position: Position | undefined): ManifestProblem {
    if (this.extra.file !== undefined) return this;
    const at = this.extra.position ?? position;
    return new ManifestProblem(this.kind, this.path, this.message, { ...this.extra, file, ...(at ? { position: at } : {}) });
  }
}

export function invalid(path: KeyPath, message: string): ManifestProblem {
  return new ManifestProblem('invalid', path, `${keyPathText(path)} ${message}`);
}
