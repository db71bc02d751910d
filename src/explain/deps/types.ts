/**
 * What the dependency readers produce: the packages one manifest or lock file declares (a snapshot of
 * that file at one commit), and the package changes between two commits that the explanation shows.
 */

/** npm covers every Node package manager (npm, yarn, pnpm): they install from the same registry. */
export type Ecosystem = 'npm' | 'python' | 'go' | 'ruby' | 'rust' | 'php' | 'runtime';

export type Scope = 'production' | 'dev';

/** One package as one file declares or locks it. */
export interface DeclaredPackage {
  name: string;
  /** The locked version (lock files) or the requirement as written (manifests: `^4.8.0`, `>=3,<4`). */
  version: string;
  scope: Scope;
  /** Declared by the project itself (a manifest's entry, or a lock's root/importer entry). */
  direct: boolean;
  /** 1-based line of the file that carries it, where it can be told. */
  line?: number;
  /** Commands the package installs (npm lock v2/v3 `bin`, yarn berry `bin`). */
  bins?: string[];
  /** The runtime the package says it needs (`engines.node`, poetry's `python-versions`). */
  engines?: string;
  /** Locks that hold several copies (npm's nested node_modules) list the other versions here. */
  otherVersions?: string[];
}

/** A runtime the project pins (`.nvmrc`, `engines.node`, `.python-version`, `requires-python`, `go 1.22`). */
export interface RuntimePin {
  runtime: 'node' | 'python' | 'go' | 'ruby' | 'rust' | 'php';
  version: string;
  line?: number;
}

export type FileRole = 'manifest' | 'lock' | 'runtime';

/** What one dependency file says at one commit. */
export interface DependencySnapshot {
  ecosystem: Ecosystem;
  /** Path from the repository root. */
  path: string;
  role: FileRole;
  packages: DeclaredPackage[];
  runtimes: RuntimePin[];
  /** Other files this one includes (`-r base.txt` in a requirements file), relative to its directory. */
  includes?: string[];
  /** npm scripts (package.json), for commands run through `npm run <script>`. */
  scripts?: Record<string, string>;
  /** Why the file could not be read (it does not parse): its packages are then unknown, not empty. */
  problem?: string;
}

/** moved: the same version, between production and dev; changed: another requirement or source, no newer or older version. */
export type ChangeKind = 'added' | 'removed' | 'upgraded' | 'downgraded' | 'moved' | 'changed';

/** Where a change is written: a manifest or lock file, and the line before and after. */
export interface ChangeSource {
  path: string;
  lineBefore?: number;
  lineAfter?: number;
}

/** One package that changed between two commits. */
export interface PackageChange {
  ecosystem: Ecosystem;
  name: string;
  /** The locked version where a lock says, else the version an exact pin names (`==3.0.0`), else the requirement as written; absent when added. */
  from?: string;
  /** Likewise after the change; absent when removed. */
  to?: string;
  /** added, removed, upgraded, downgraded, or moved (same version, between production and dev). */
  kind: ChangeKind;
  /** A new major version (for 0.x, a new minor, as `^` ranges count it). */
  major: boolean;
  /** Declared by the project (a manifest names it) rather than pulled in by another package. */
  direct: boolean;
  scope: Scope;
  /** The scope before, when the change moved the package between production and dev. */
  scopeBefore?: Scope;
  /** The requirement as the manifest writes it, before and after, when a manifest names the package. */
  declared?: { from?: string; to?: string };
  /** What the lock says the package needs of its runtime, before and after (`>=14`). */
  engines?: { from?: string; to?: string };
  bins?: string[];
  sources: ChangeSource[];
}
