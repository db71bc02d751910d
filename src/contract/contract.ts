/**
 * What a platform deploys at one commit, read from the repository's own manifest (render.yaml, fly.toml,
 * Kubernetes + skaffold, railway, heroku.yml, a DigitalOcean app spec, a Cloud Run service, one compose
 * service): how the image is built, how the container is started, its environment, the port the platform
 * routes to, what the platform counts as healthy, and the command it runs before the health phase.
 *
 * Every value is resolved with the platform's own rules and defaults, and says where it came from (the
 * manifest key, or the platform default), so nothing downstream applies a platform rule again. A compose
 * stack is a set of these, one per service (same manifest, different `service`).
 *
 * No secret value is ever held here: a secret or generated variable carries its key only.
 */

export type Platform = 'render' | 'fly' | 'kubernetes' | 'railway' | 'heroku' | 'digitalocean' | 'cloudrun' | 'compose';

/** A file read from git at the commit: its repository-relative path and its blob id. */
export interface ManifestFile {
  path: string;
  blob: string;
}

/** A manifest file's text as the reader receives it. */
export interface FileText extends ManifestFile {
  text: string;
}

/**
 * A command as the platform runs it:
 * - `exec`: the words as given, no shell (Kubernetes `command`, a TOML/JSON array);
 * - `shell`: a script run by `/bin/sh -c` (Docker's shell form);
 * - `words`: a string the platform splits into words the way a shell would, without running a shell: no
 *   `$VAR` expansion, no `&&` (Fly `[processes]`, Railway `startCommand`, compose `command: "..."`).
 */
export type CommandLine = { form: 'exec'; argv: string[] } | { form: 'shell'; script: string } | { form: 'words'; text: string };

export interface BuildSpec {
  /** Repository-relative build context ('' = the repository root). */
  context: string;
  /** Repository-relative Dockerfile, resolved with the platform's rule (relative to the manifest, the context or the root). */
  dockerfile: string;
  /** A .dockerignore the platform uses instead of the context's own (Fly `[build] ignorefile`), repository-relative. */
  ignoreFile?: string;
  target?: string;
  /** Build arguments; a value absent means "taken from the environment" (compose `args: [KEY]`). */
  args: { key: string; value?: string }[];
  /** Names of build secrets (`RUN --mount=type=secret,id=<name>`); their values are never read. */
  secrets: string[];
  /** The manifest keys (or defaults) the Dockerfile path and context came from, e.g. `dockerfilePath`, `default ./Dockerfile`. */
  from: { dockerfile: string; context: string };
}

/** How the container's ENTRYPOINT and CMD end up, with the platform's precedence already applied. */
export interface RunSpec {
  /** Replaces the image ENTRYPOINT; absent: the image's own. */
  entrypoint?: CommandLine;
  /**
   * Replaces the image CMD; 'clear' drops it (as `docker run --entrypoint` does, and Kubernetes `command`
   * without `args`); absent: the image's own.
   */
  cmd?: CommandLine | 'clear';
  /** Replaces the image WORKDIR (Kubernetes `workingDir`, compose `working_dir`). */
  workingDir?: string;
  /** Replaces the image USER (compose `user`, Kubernetes `securityContext.runAsUser[:runAsGroup]`). */
  user?: string;
  /** The manifest keys the overrides came from, e.g. `dockerCommand`, `[processes] app`. Empty: the image decides. */
  from: string[];
}

/**
 * - literal: the value is in the manifest;
 * - generated: the platform makes a fresh random value (Render `generateValue`): deploybisect makes one per
 *   run and never shows it;
 * - platform: the platform sets it (`PORT`); the value is the platform's;
 * - unresolved: the value lives outside the repository (a dashboard, a database, a secret store): the user
 *   passes it, or the variable is left unset.
 */
export type EnvKind = 'literal' | 'generated' | 'platform' | 'unresolved';

export interface EnvEntry {
  key: string;
  /** Only for literal and platform entries; never a secret. */
  value?: string;
  kind: EnvKind;
  /** A secret (never printed): generated values, secret references, values the manifest marks secret. */
  secret: boolean;
  /** The manifest key it came from, e.g. `envVars[3]`, `[env]`, `env[0].valueFrom.secretKeyRef`. */
  from: string;
  /** For an unresolved entry: why (`sync: false`, `fromDatabase app-db.connectionString`) and how to pass it. */
  unresolved?: { reason: string; supply: string };
}

export interface PortSpec {
  /** The container port the platform sends traffic (and its checks) to. */
  number: number;
  /** The platform tells the app through the PORT variable (Render, Railway, Heroku, DigitalOcean, Cloud Run). */
  injectedAsPort: boolean;
  /**
   * manifest: a key of the manifest; platform-default: the platform's documented default; chosen: the
   * platform's value is undocumented or random, so deploybisect picks one (see docs/platforms.md).
   */
  source: 'manifest' | 'platform-default' | 'chosen';
  /** The key or default, e.g. `[http_service] internal_port`, `Render's PORT default`. */
  from: string;
}

/** An inclusive range of HTTP status codes. */
export interface StatusRange {
  from: number;
  to: number;
}

export type HealthKind = 'http' | 'tcp' | 'exec' | 'grpc';

/** One check the platform runs before it routes traffic to the new container. */
export interface HealthCheck {
  kind: HealthKind;
  /** http: the request path (with its query). */
  path?: string;
  /** http, tcp, grpc: the container port checked. */
  port?: number;
  /** http only. */
  scheme?: 'http' | 'https';
  method?: string;
  headers: { name: string; value: string }[];
  /** http only: the codes that count as healthy. */
  successCodes?: StatusRange[];
  /** http only: whether redirects are followed (a 3xx counts by its final answer) or judged as they are. */
  followRedirects?: boolean;
  /** exec: the command, run without a shell. */
  command?: string[];
  /** grpc: the service name asked for (empty: the server as a whole). */
  grpcService?: string;
  /** Time between checks; absent where the platform does not say (deploybisect polls at its own pace). */
  intervalMs?: number;
  /** One check's time limit. */
  timeoutMs?: number;
  /** Failures before this are not counted (Kubernetes initialDelaySeconds, Fly grace_period). */
  graceMs: number;
  /** Consecutive failures that make the deployment fail; absent: only the deadline counts. */
  failureThreshold?: number;
  /** Consecutive successes that make it healthy. */
  successThreshold: number;
  /** How long the platform waits in all before it gives up; absent: the platform states none. */
  deadlineMs?: number;
  /** Which manifest keys set this check, and which of its properties are the platform's defaults. */
  from: { keys: string[]; defaults: string[] };
}

export interface PreDeploy {
  /** The command; it replaces the image CMD (or, when `replaces` says so, the ENTRYPOINT too). */
  command: CommandLine;
  replaces: 'cmd' | 'entrypoint';
  /** A non-zero exit within this time fails the deployment; absent: the platform states no limit. */
  timeoutMs?: number;
  from: string;
}

/** A key of the manifest that deploybisect reads past, named so it is never silently ignored. */
export interface Unsupported {
  key: string;
  /** Why it is not acted on, e.g. "monitoring only: Fly does not wait for it". */
  reason: string;
}

export interface DeploymentContract {
  platform: Platform;
  /** The service of the manifest (Render service name, Fly process group, Kubernetes workload/container…). */
  service: string;
  /** The manifest that was read. */
  manifest: ManifestFile;
  /** Every other file the contract was read from (Kubernetes manifests named by skaffold.yaml, env files). */
  alsoRead: ManifestFile[];
  build: BuildSpec;
  run: RunSpec;
  env: EnvEntry[];
  /** Absent for a service that takes no traffic (a worker). */
  port?: PortSpec;
  /** Every check must pass; empty: the platform only waits for the container to start and stay up. */
  health: HealthCheck[];
  preDeploy?: PreDeploy;
  unsupported: Unsupported[];
  /** Facts worth a line in the report (a choice made where the platform's documentation is silent). */
  notes: string[];
}
