// Generated from the option table (src/options/option-table.ts) by `npm run docs:options`; do not edit.
// A unit test (test/unit/config-file.test.ts) checks that it is in step with the table.

/**
 * Everything the config file can say; the library takes the same options. Durations are text such
 * as `90s` or `2m`, or a number of seconds.
 */
export interface ConfigOptions {
  /** `-f, --file <path>`: Dockerfile: relative = inside each commit's build context; absolute and outside the repository = that one file for every commit */
  file?: string;
  /** `--context <dir>`: build context, relative to the repository root */
  context?: string;
  /** `--build-arg <KEY=VALUE>`: build argument (repeatable) */
  buildArg?: string[] | string;
  /** `--target <stage>`: build this stage of a multi-stage Dockerfile */
  target?: string;
  /** `--builder <kind>`: how images are built: auto (BuildKit where the engine has it, else the classic builder), buildkit (the engine's own: RUN --mount, COPY --chmod, secrets), classic */
  builder?: 'auto' | 'buildkit' | 'classic';
  /** `--secret <id=ID,env=VAR|src=FILE>`: a build secret for RUN --mount=type=secret, as docker build --secret takes it: from an environment variable (env=) or a file (src=); its value is never shown or stored (repeatable; needs BuildKit) */
  secret?: string[] | string;
  /** `--build-network <mode>`: network mode for RUN steps during the build, e.g. host */
  buildNetwork?: string;
  /** `--platform <name>`: deploy each commit as the platform would, from its manifest at that commit: auto (the manifest found in the bad commit's tree: render.yaml, fly.toml, skaffold.yaml or Kubernetes manifests, railway.toml/json, heroku.yml, .do/app.yaml, a Cloud Run service.yaml, then a compose file with a service built from the repository), one platform by name, or none (the options alone, no manifest). Options given on the command line win over the manifest; docs/platforms.md says what is read from each */
  platform?: 'auto' | 'render' | 'fly' | 'kubernetes' | 'railway' | 'heroku' | 'digitalocean' | 'cloudrun' | 'compose' | 'none';
  /** `--manifest <path>`: the platform manifest to deploy by, as a path in the repository (e.g. infra/render.yaml), where detection does not look; with --platform when its name does not say which platform it is for */
  manifest?: string;
  /** `--service <name>`: the service to deploy, where the manifest has several (Render services, Fly process groups, Kubernetes workloads or containers, app spec services, compose services); without it a manifest with several says which there are */
  service?: string;
  /** `--compose-file <path>`: a compose file to deploy by, as a path in the repository (e.g. doc/docker-compose.yml); repeatable: the files are merged in order, as compose's own -f merges them, and the first one's directory is the project directory. Without it, compose's own file names (compose.yaml, docker-compose.yml, … and their override files) are looked for. Implies --platform compose; docs/stacks.md says what is read */
  composeFile?: string[] | string;
  /** `--profile <name>`: a compose profile to enable, as `docker compose --profile` takes it (repeatable; `*` enables every profile): services whose profiles are not enabled are not started. Without it, COMPOSE_PROFILES from the project's .env decides */
  profile?: string[] | string;
  /** `--build-service <name[=file]>`: a compose service that runs a published image (`image:` only) but is this repository's own: its image is built from each commit instead, from DOCKERFILE (a path in the repository, default Dockerfile) with the repository root as the context (repeatable) */
  buildService?: string[] | string;
  /** `--network <mode>`: container network: bridge publishes the probed ports on 127.0.0.1 at ephemeral ports and rewrites probe URLs to them; host; none */
  network?: 'bridge' | 'host' | 'none';
  /** `-e, --env <KEY=VALUE>`: container environment variable (repeatable) */
  env?: string[] | string;
  /** `--env-file <path>`: read container environment variables from a file of KEY=VALUE lines, as docker run --env-file (repeatable) */
  envFile?: string[] | string;
  /** `--secret-env <KEY>`: pass KEY from your environment to the container; its value is masked as *** in logs, reports and JSON (repeatable) */
  secretEnv?: string[] | string;
  /** `--memory <bytes>`: memory limit per container (swap not allowed beyond it), e.g. 512m, 2g */
  memory?: string;
  /** `--cpus <number>`: CPU limit per container, e.g. 0.5 */
  cpus?: number;
  /** `--pids-limit <number>`: process limit per container (0 = none) */
  pidsLimit?: number;
  /** `--image-platform <os/arch>`: the image's platform to build and run, e.g. linux/amd64 (docker build --platform) */
  imagePlatform?: string;
  /** `--probe <spec>`: health probe, repeatable, all must pass: healthcheck | http://HOST:PORT/PATH | https://… | tcp://HOST:PORT | exec:<command> | log:<regex> | exit:<code> | running:<duration>. Default: healthcheck when the image has a HEALTHCHECK, else running:10s plus GET / on the first EXPOSEd port */
  probe?: string[] | string;
  /** `--fail-on-log <regex>`: the commit is bad the moment a line of container output matches, e.g. 'Traceback|FATAL|panic:' (repeatable) */
  failOnLog?: string[] | string;
  /** `--no-default-http`: without --probe and HEALTHCHECK, do not GET / on the first EXPOSEd port */
  defaultHttp?: boolean;
  /** `--health-interval <duration>`: run the image's HEALTHCHECK this often (its test and retries kept). Default: at most 500ms, the image's tolerance (start period + interval × retries) kept */
  healthInterval?: string | number;
  /** `--expect-status <code|range>`: HTTP status an http probe accepts: 200, 2xx, 200-399 */
  expectStatus?: string;
  /** `--expect-body <regex>`: regular expression the body of an http probe must match */
  expectBody?: string;
  /** `--header <K:V>`: request header for http probes (repeatable) */
  header?: string[] | string;
  /** `--insecure`: accept any TLS certificate in https probes */
  insecure?: boolean;
  /** `--timeout <duration>`: time the probes of one commit may take */
  timeout?: string | number;
  /** `--build-timeout <duration>`: a build (with its pulls) that takes longer is stopped and reported as hung (exit 1; re-run to resume) */
  buildTimeout?: string | number;
  /** `--regression <kind>`: what counts as bad: auto (follow the bad commit: build failure or runtime failure; for test, runtime), build, runtime (build failures are skipped: test exits 125), any */
  regression?: 'auto' | 'build' | 'runtime' | 'any';
  /** `--prior <kind>`: which commits to test first: risk (weigh commits by what they change for the deployment: the Dockerfile's CMD, USER, packages, start scripts, configs, manifests, and what the bad commit's output names; never more than ⌈log2 D⌉+2 builds) or uniform (git's halving) */
  prior?: 'risk' | 'uniform';
  /** `--first-parent`: follow only the first parent of merges, as git bisect --first-parent */
  firstParent?: boolean;
  /** `--no-verify`: do not check that good passes and bad fails before the search */
  verify?: boolean;
  /** `--no-build-ahead`: build one image at a time: do not build the next candidates while one is probed (by default they are, with one job on one engine with room on its disk) */
  buildAhead?: boolean;
  /** `-j, --jobs <k>`: evaluate k commits at once: good and bad together, then rounds of k commits that cut the remaining range into k+1 near-equal parts (narrow: k configurations of a round at once). Default: one per engine */
  jobs?: number;
  /** `--runs <n>`: run each evaluated commit n times (fresh containers from one image); the verdict is the majority, a tie is bad, and disagreeing runs are reported. Bypasses the verdict cache */
  runs?: number;
  /** `--flaky`: flake-aware search for deployments whose health checks sometimes lie: every run updates the probability of each commit being the culprit (and of "it was noise"); stops at --confidence. Bypasses the verdict cache */
  flaky?: boolean;
  /** `--confidence <p>`: with --flaky: stop when one commit (or "noise") is this probable */
  confidence?: number;
  /** `--flake-rate <f>`: with --flaky: the share of runs of a healthy commit that fail anyway, when known (default: learnt from the runs) */
  flakeRate?: number;
  /** `--max-runs <n>`: with --flaky: give up (exit 5) after this many runs in all */
  maxRuns?: number;
  /** `--narrow`: after the search, narrow the culprit to the change that breaks it, as `deploybisect narrow <culprit>` does */
  narrow?: boolean;
  /** `--max-builds <n>`: narrow: at most this many builds (the commit and its parent included); when they run out, the best pair found so far is reported (exit 5) */
  maxBuilds?: number;
  /** `--docker-host <url>`: a Docker engine to build and run on: unix:///path, tcp://host:port (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH honoured), ssh://user@host. Repeat to spread the work over several engines. Default: DOCKER_HOST, else the current docker context, else the local socket */
  dockerHost?: string[] | string;
  /** `--engine-timeout <duration>`: an engine call (inspect, create, start, remove, list...) that gets no answer this long ends the run as a lost engine (exit 1; the state is kept, re-run to resume). Builds have --build-timeout; waiting for a container has --timeout */
  engineTimeout?: string | number;
  /** `--cache-dir <dir>`: where verdicts are remembered across runs, and where runs save their state (default: $XDG_CACHE_HOME/deploybisect or ~/.cache/deploybisect) */
  cacheDir?: string;
  /** `--no-cache`: neither read nor write the verdict cache */
  cache?: boolean;
  /** `--report <file.md>`: write a Markdown incident report: the range, every step, the culprit, what changed and the evidence, how to reproduce */
  report?: string;
  /** `--keep-images`: keep the images built (labelled deploybisect.session and deploybisect.build), and probe a kept image of the same build instead of building it again */
  keepImages?: boolean;
  /** `-v, --verbose`: stream build output and container logs; on a terminal with colour the lines keep their colours, elsewhere they are plain text */
  verbose?: boolean;
  /** `--last-good-file <file>`: nightly: read and write the last known good commit in this file (e.g. in a cached directory) instead of the ref refs/deploybisect/last-good */
  lastGoodFile?: string;
  /** `-q, --quiet`: print only the result */
  quiet?: boolean;
  /** `--json`: print one JSON document on stdout and nothing else there */
  json?: boolean;
}
