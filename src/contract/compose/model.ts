/**
 * The normalised model of a compose stack at one commit: what `docker compose config` would print,
 * as typed values. Paths inside the repository are repository-relative ('' is the root); nothing
 * here holds a secret's value (a secret names its source, never its content).
 */

/** `command:` / `entrypoint:` kept as written: null (the image's), '' or [] (empty), a string (split by compose, not run in a shell), or a list. */
export type CommandValue = null | string | readonly string[];

/** Where a build context, bind source or file lives. */
export type PathRef =
  /** A path inside the repository, read from the commit's tree ('' is the root). */
  | { kind: 'repository'; path: string }
  /** An absolute or home-relative path of the host, or a relative one leaving the repository. */
  | { kind: 'host'; path: string }
  /** A remote build context (git or http URL). */
  | { kind: 'url'; url: string };

export interface BuildSecretRef {
  /** The top-level secret it names. */
  source: string;
  /** The id a `RUN --mount=type=secret,id=...` uses (compose's default: the source's name). */
  target: string;
}

export interface ComposeBuild {
  context: PathRef;
  /** As written (relative to the context), default `Dockerfile`; null with `dockerfile_inline`. */
  dockerfile: string | null;
  /** The Dockerfile as a path (context + dockerfile), or null with `dockerfile_inline`. */
  dockerfilePath: PathRef | null;
  dockerfileInline: string | null;
  target: string | null;
  /** Build arguments; null: a bare key left unset (the builder then uses the ARG's default). */
  args: Readonly<Record<string, string | null>>;
  secrets: readonly BuildSecretRef[];
}

/** Where a service's environment variable came from. */
export type EnvironmentSource =
  /** `environment:` with a value (interpolated from the compose file). */
  | { kind: 'environment' }
  /** `environment:` with a bare key, resolved from the pinned environment the caller gave. */
  | { kind: 'pinned' }
  /** `environment:` with a bare key, resolved from the project's `.env`. */
  | { kind: 'dotenv'; path: string }
  /** A line of an `env_file:`. */
  | { kind: 'env_file'; path: string };

export interface EnvironmentValue {
  /** null: a bare key set nowhere, so the container gets no such variable. */
  value: string | null;
  source: EnvironmentSource;
}

export interface EnvFileRef {
  path: PathRef;
  required: boolean;
  /** `format: raw` takes values verbatim (no quotes, no interpolation). */
  raw: boolean;
  /** Whether the file was found at the commit (an optional one may be missing). */
  found: boolean;
}

export interface PortMapping {
  /** Container port. */
  target: number;
  /** Host port or range as compose writes it (`"8080"`, `"8000-8010"`); null: an ephemeral host port. */
  published: string | null;
  /** null: every address (compose's 0.0.0.0). */
  hostIp: string | null;
  protocol: 'tcp' | 'udp' | string;
  mode: 'ingress' | 'host' | string;
  name: string | null;
  appProtocol: string | null;
}

export type HealthTest =
  /** Exec form: argv run without a shell. */
  | { kind: 'CMD'; argv: readonly string[] }
  /** Shell form: run with the container's default shell (`/bin/sh -c`). */
  | { kind: 'CMD-SHELL'; command: string };

export type ComposeHealthcheck =
  /** `disable: true` or `test: ["NONE"]`: the image's HEALTHCHECK is turned off too. */
  | { kind: 'disabled'; by: 'disable' | 'NONE' }
  | {
      kind: 'check';
      /** null: no `test:`, the image's HEALTHCHECK command with these timings. */
      test: HealthTest | null;
      intervalMs: number;
      timeoutMs: number;
      retries: number;
      startPeriodMs: number;
      startIntervalMs: number;
      /** The keys the file set; the others carry compose's defaults (interval 30s, timeout 30s, retries 3, start_period 0s, start_interval 5s). */
      given: readonly ('test' | 'interval' | 'timeout' | 'retries' | 'start_period' | 'start_interval')[];
    };

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface Dependency {
  condition: DependencyCondition;
  required: boolean;
  restart: boolean;
  /** What put it there: depends_on itself, or one of the references compose turns into a dependency. */
  from: 'depends_on' | 'links' | 'volumes_from' | 'network_mode' | 'ipc' | 'pid' | 'uts' | 'cgroup';
}

export type VolumeMount =
  | { type: 'bind'; source: PathRef; target: string; readOnly: boolean }
  /** source null: an anonymous volume. */
  | { type: 'volume'; source: string | null; target: string; readOnly: boolean }
  | { type: 'tmpfs'; target: string; readOnly: boolean }
  | { type: 'npipe' | 'cluster' | 'image'; source: string | null; target: string; readOnly: boolean };

export interface ServiceNetwork {
  aliases: readonly string[];
  ipv4Address: string | null;
  ipv6Address: string | null;
}

export interface ServiceSecretRef {
  source: string;
  /** Path in the container (default /run/secrets/<source>). */
  target: string;
}

export interface ComposeService {
  name: string;
  image: string | null;
  build: ComposeBuild | null;
  command: CommandValue;
  entrypoint: CommandValue;
  /** Resolved: env_file lines in order, then `environment:` over them. */
  environment: Readonly<Record<string, EnvironmentValue>>;
  envFiles: readonly EnvFileRef[];
  ports: readonly PortMapping[];
  /** `expose:` entries as strings (`"3000"`, `"8000-8010/udp"`). */
  expose: readonly string[];
  /** null: the file says nothing (the image's HEALTHCHECK applies unchanged). */
  healthcheck: ComposeHealthcheck | null;
  dependsOn: Readonly<Record<string, Dependency>>;
  volumes: readonly VolumeMount[];
  /** `volumes_from:` entries as written (`service`, `service:ro`, `container:name`). */
  volumesFrom: readonly string[];
  /** Empty when `network_mode` is set; `{ default }` when the file names none. */
  networks: Readonly<Record<string, ServiceNetwork>>;
  networkMode: string | null;
  /** `links:` entries as written (`service` or `service:alias`). */
  links: readonly string[];
  /** `no` unless set. */
  restart: string;
  profiles: readonly string[];
  /** As compose normalises it (`if_not_present` → `missing`); null: not set. */
  pullPolicy: string | null;
  secrets: readonly ServiceSecretRef[];
  containerName: string | null;
  hostname: string | null;
  workingDir: string | null;
  user: string | null;
  /** `host:ip` entries. */
  extraHosts: readonly string[];
  labels: Readonly<Record<string, string>>;
  init: boolean | null;
  tty: boolean;
  stdinOpen: boolean;
  stopSignal: string | null;
  stopGracePeriodMs: number | null;
}

export interface ComposeNetwork {
  /** The engine's name (compose's `<project>_<key>` when not external and not named). */
  name: string | null;
  external: boolean;
  internal: boolean;
  driver: string | null;
  /** The implicit `default` network compose adds when a service names none. */
  implicit: boolean;
}

export interface ComposeVolume {
  name: string | null;
  external: boolean;
  driver: string | null;
}

export type ComposeSecretSource =
  | { kind: 'file'; path: PathRef }
  /** The variable of the pinned environment that holds the value (the value is never in the model). */
  | { kind: 'environment'; variable: string }
  | { kind: 'external'; name: string | null };

export interface ComposeSecret {
  source: ComposeSecretSource;
}

/** A key of the files that deploybisect reads but does not act on: named, never silently dropped. */
export interface UnsupportedKey {
  /** Dotted path, e.g. `services.web.deploy` or `services.web.build.ssh`. */
  path: string;
  file: string;
  line: number | null;
}

export type ComposeWarning =
  /** A variable the files interpolate that neither the pinned environment nor `.env` sets (compose: blank string). */
  | { kind: 'unset-variable'; variable: string; path: string; file: string }
  /** A bare `environment:` key set nowhere (the container gets no such variable). */
  | { kind: 'unset-environment'; service: string; variable: string }
  | { kind: 'missing-optional-env-file'; service: string; path: string }
  /** A dependency on a service its profiles leave out, with `required: false` (compose drops it). */
  | { kind: 'dropped-optional-dependency'; service: string; dependency: string }
  | { kind: 'obsolete-version'; file: string }
  /** More than one file of the same role (`compose.yaml` and `docker-compose.yml`): compose takes the first. */
  | { kind: 'several-candidates'; used: string; ignored: readonly string[] };

export interface ComposeProject {
  /** Top-level `name:` (interpolated); null: compose would take the project directory's name. */
  name: string | null;
  /** The directory relative paths are resolved against ('' is the repository root). */
  projectDir: string;
  /** The files read, in merge order (repository-relative). */
  files: readonly string[];
  /** The project's `.env` when the commit has one. */
  dotenvFile: string | null;
  /** Active services by name (the ones the active profiles leave in). */
  services: Readonly<Record<string, ComposeService>>;
  /** Services the active profiles leave out. */
  disabledServices: readonly string[];
  activeProfiles: readonly string[];
  networks: Readonly<Record<string, ComposeNetwork>>;
  volumes: Readonly<Record<string, ComposeVolume>>;
  secrets: Readonly<Record<string, ComposeSecret>>;
  unsupported: readonly UnsupportedKey[];
  warnings: readonly ComposeWarning[];
}
