/**
 * Why a compose stack cannot be loaded at a commit, in compose's own words. Such a commit is a
 * failed deployment (the platform would refuse it), not an error of deploybisect: the loader returns
 * the failure as data; ComposeFault carries it between the loader's steps.
 */

export type ComposeFailureKind =
  /** No compose file at the commit (none of the default names, or an explicit one missing). */
  | 'no-file'
  /** Not YAML, or not a mapping at the top. */
  | 'yaml'
  /** Against the compose specification's JSON schema. */
  | 'schema'
  /** `${VAR:?err}` unset, or a `$` compose cannot read. */
  | 'interpolation'
  | 'extends'
  | 'env-file'
  /** References compose checks after merging: undefined services, networks, volumes, secrets; profiles. */
  | 'invalid-project';

export interface ComposeFailure {
  kind: ComposeFailureKind;
  /** Repository-relative file the reason is about (empty when it is about the project as a whole). */
  file: string;
  /** 1-based, when known. */
  line: number | null;
  column: number | null;
  /** Compose's kind of reason, e.g. `services.web additional properties 'foo' not allowed`. */
  message: string;
}

/** One line: `compose.yaml:12: services.web additional properties 'foo' not allowed`. */
export function describeFailure(failure: ComposeFailure): string {
  const where = failure.file === '' ? '' : failure.line === null ? `${failure.file}: ` : `${failure.file}:${failure.line}: `;
  return `${where}${failure.message}`;
}

export class ComposeFault extends Error {
  readonly failure: ComposeFailure;
  constructor(failure: ComposeFailure) {
    super(describeFailure(failure));
    this.name = 'ComposeFault';
    this.failure = failure;
  }
}

/** Throws the failure (file and position optional). */
export function fail(
  kind: ComposeFailureKind,
  message: string,
  at: { file?: string; line?: number | null; column?: number | null } = {},
): never {
  throw new ComposeFault({ kind, message, file: at.file ?? '', line: at.line ?? null, column: at.column ?? null });
}
