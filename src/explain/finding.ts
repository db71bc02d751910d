import type { PackageChange } from './deps/types.js';

/**
 * One semantic difference between the Dockerfile of the last good commit and the
 * Dockerfile of the culprit, as produced by `diffDockerfiles`.
 */

export type FindingKind =
  | 'base-image'
  | 'stage-added'
  | 'stage-removed'
  | 'target-stage'
  | 'package-added'
  | 'package-removed'
  | 'cmd'
  | 'entrypoint'
  | 'copy-added'
  | 'copy-removed'
  | 'copy-moved'
  | 'copy-source-changed'
  | 'directory-created'
  | 'directory-no-longer-created'
  | 'user'
  | 'useradd'
  | 'workdir'
  | 'env'
  | 'arg'
  | 'expose'
  | 'healthcheck'
  | 'volume'
  | 'run-added'
  | 'run-removed'
  /** One RUN whose command chain changed: `commands` says which commands it gained and lost. */
  | 'run-changed'
  /** Only in likely causes and `dependencies`: a package change read from a manifest or lock file. */
  | 'dependency'
  /** Only in likely causes: a line of a file sent to the builder (a config file), not a Dockerfile instruction. */
  | 'config-file'
  /** A difference of the deployment contracts (src/explain/manifest/): stage '(manifest)', instruction the manifest key. */
  | 'manifest-platform'
  | 'manifest-build'
  | 'manifest-command'
  | 'manifest-env'
  | 'manifest-port'
  | 'manifest-health'
  | 'manifest-pre-deploy'
  /**
   * A difference of two compose stacks (src/explain/manifest/stack-diff.ts): stage '(manifest)', `service`
   * the service concerned, the instruction its compose key (`services.db.healthcheck`).
   */
  | 'compose-service'
  | 'compose-image'
  | 'compose-build'
  | 'compose-env'
  | 'compose-depends-on'
  | 'compose-healthcheck'
  | 'compose-ports'
  | 'compose-command';

export type PackageManager = 'apt' | 'apk' | 'yum' | 'dnf' | 'microdnf' | 'pip' | 'npm' | 'yarn' | 'pnpm' | 'gem';

export interface PackageRef {
  manager: PackageManager;
  name: string;
  /** Set when `name` is a requirements file (`pip install -r requirements.txt`), not a package. */
  requirementsFile?: boolean;
}

export interface Finding {
  kind: FindingKind;
  /**
   * Stage name (`AS name`) or its index as a string ('0', '1', …); '(global)' for ARGs before the first FROM;
   * '(file)' for a config file, '(manifest)' for a deployment manifest.
   */
  stage: string;
  /** The Dockerfile instruction concerned: FROM, RUN, CMD, COPY, …; a file's path or a manifest's key otherwise. */
  instruction: string;
  /** The old value (image ref, command, source, value…), absent for additions. */
  before?: string;
  /** The new value, absent for removals. */
  after?: string;
  /** 1-based line numbers of the instruction in the old / new Dockerfile. */
  lineBefore?: number;
  lineAfter?: number;
  /** For package-* findings. A version change is one `package-added` finding carrying both `before` and `after`. */
  package?: PackageRef;
  /** The path concerned: a directory (mkdir), a COPY/ADD destination, WORKDIR, VOLUME… */
  path?: string;
  /** For run-changed findings: the commands of the chain added and removed (package names left to the package findings). */
  commands?: { added: string[]; removed: string[] };
  /** For compose findings: the service (of the failing commit's stack; a removed one's old name). */
  service?: string;
  /** For dependency findings: the package change. */
  dependency?: PackageChange;
  /** One line for people, e.g. "apt package supervisor is no longer installed (stage 0, line 2)". */
  summary: string;
}
