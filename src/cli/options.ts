/**
 * The one table of command-line options: commander is wired from it, `--help` shows it, and the
 * README's option reference is rendered from it (a test keeps the README in step).
 */
export type CommandName = 'run' | 'test' | 'explain' | 'clean' | 'log' | 'nightly' | 'init' | 'demo';

export interface OptionSpec {
  /** commander flags, e.g. `-C, --repo <dir>`. */
  flags: string;
  description: string;
  /** Default shown in help and applied by commander. */
  defaultValue?: string | boolean;
  repeatable?: boolean;
  choices?: readonly string[];
  commands: readonly CommandName[];
}

const EVAL: readonly CommandName[] = ['run', 'test'];
const ALL: readonly CommandName[] = ['run', 'test', 'explain', 'clean'];
/** Options that say where the repository, its Dockerfile and build context are. */
const SOURCE: readonly CommandName[] = ['run', 'test', 'explain'];

export const OPTIONS: readonly OptionSpec[] = [
  { flags: '-C, --repo <dir>', description: 'repository to bisect', defaultValue: '.', commands: [...SOURCE, 'log', 'init'] },
  {
    flags: '-f, --file <path>',
    description:
      'Dockerfile: relative = inside each commit\'s build context; absolute and outside the repository = that one file for every commit',
    defaultValue: 'Dockerfile',
    commands: SOURCE,
  },
  { flags: '--context <dir>', description: 'build context, relative to the repository root', defaultValue: '.', commands: SOURCE },
  { flags: '--build-arg <KEY=VALUE>', description: 'build argument (repeatable)', repeatable: true, commands: EVAL },
  { flags: '--target <stage>', description: 'build this stage of a multi-stage Dockerfile', commands: SOURCE },
  { flags: '--build-network <mode>', description: 'network mode for RUN steps during the build, e.g. host', commands: EVAL },
  {
    flags: '--network <mode>',
    description:
      'container network: bridge publishes the probed ports on 127.0.0.1 at ephemeral ports and rewrites probe URLs to them; host; none',
    defaultValue: 'bridge',
    choices: ['bridge', 'host', 'none'],
    commands: EVAL,
  },
  { flags: '-e, --env <KEY=VALUE>', description: 'container environment variable (repeatable)', repeatable: true, commands: EVAL },
  {
    flags: '--env-file <path>',
    description: 'read container environment variables from a file of KEY=VALUE lines, as docker run --env-file (repeatable)',
    repeatable: true,
    commands: EVAL,
  },
  {
    flags: '--secret-env <KEY>',
    description: 'pass KEY from your environment to the container; its value is masked as *** in logs, reports and JSON (repeatable)',
    repeatable: true,
    commands: EVAL,
  },
  { flags: '--memory <bytes>', description: 'memory limit per container (swap not allowed beyond it), e.g. 512m, 2g', defaultValue: '1g', commands: EVAL },
  { flags: '--cpus <number>', description: 'CPU limit per container, e.g. 0.5', commands: EVAL },
  { flags: '--pids-limit <number>', description: 'process limit per container (0 = none)', defaultValue: '512', commands: EVAL },
  { flags: '--platform <os/arch>', description: 'platform to build and run, e.g. linux/amd64', commands: EVAL },
  {
    flags: '--probe <spec>',
    description:
      'health probe, repeatable, all must pass: healthcheck | http://HOST:PORT/PATH | https://… | tcp://HOST:PORT | exec:<command> | log:<regex> | exit:<code> | running:<duration>. Default: healthcheck when the image has a HEALTHCHECK, else running:10s plus GET / on the first EXPOSEd port',
    repeatable: true,
    commands: EVAL,
  },
  {
    flags: '--fail-on-log <regex>',
    description: 'the commit is bad the moment a line of container output matches, e.g. \'Traceback|FATAL|panic:\' (repeatable)',
    repeatable: true,
    commands: EVAL,
  },
  { flags: '--no-default-http', description: 'without --probe and HEALTHCHECK, do not GET / on the first EXPOSEd port', commands: EVAL },
  {
    flags: '--health-interval <duration>',
    description: 'run the image\'s HEALTHCHECK this often (its test and retries kept). Default: at most 1s, retries scaled to keep the image\'s tolerance',
    commands: EVAL,
  },
  { flags: '--expect-status <code|range>', description: 'HTTP status an http probe accepts: 200, 2xx, 200-399', defaultValue: '2xx', commands: EVAL },
  { flags: '--expect-body <regex>', description: 'regular expression the body of an http probe must match', commands: EVAL },
  { flags: '--header <K:V>', description: 'request header for http probes (repeatable)', repeatable: true, commands: EVAL },
  { flags: '--insecure', description: 'accept any TLS certificate in https probes', commands: EVAL },
  { flags: '--timeout <duration>', description: 'time the probes of one commit may take', defaultValue: '60s', commands: EVAL },
  {
    flags: '--build-timeout <duration>',
    description: 'a build (with its pulls) that takes longer is stopped and reported as hung (exit 1; re-run to resume)',
    defaultValue: '20m',
    commands: EVAL,
  },
  {
    flags: '--regression <kind>',
    description:
      'what counts as bad: auto (follow the bad commit: build failure or runtime failure), build, runtime (build failures are skipped), any',
    defaultValue: 'auto',
    choices: ['auto', 'build', 'runtime', 'any'],
    commands: ['run'],
  },
  { flags: '--first-parent', description: 'follow only the first parent of merges, as git bisect --first-parent', commands: ['run'] },
  { flags: '--no-verify', description: 'do not check that good passes and bad fails before the search', commands: ['run'] },
  {
    flags: '-j, --jobs <k>',
    description:
      'evaluate k commits at once: good and bad together, then rounds of k commits that cut the remaining range into k+1 near-equal parts. Default: one per engine',
    commands: ['run'],
  },
  {
    flags: '--runs <n>',
    description:
      'run each evaluated commit n times (fresh containers from one image); the verdict is the majority, a tie is bad, and disagreeing runs are reported. Bypasses the verdict cache',
    defaultValue: '1',
    commands: ['run'],
  },
  {
    flags: '--flaky',
    description:
      'flake-aware search for deployments whose health checks sometimes lie: every run updates the probability of each commit being the culprit (and of "it was noise"); stops at --confidence. Bypasses the verdict cache',
    commands: ['run'],
  },
  { flags: '--confidence <p>', description: 'with --flaky: stop when one commit (or "noise") is this probable. Default: 0.99', commands: ['run'] },
  {
    flags: '--flake-rate <f>',
    description: 'with --flaky: the share of runs of a healthy commit that fail anyway, when known (default: learnt from the runs)',
    commands: ['run'],
  },
  { flags: '--max-runs <n>', description: 'with --flaky: give up (exit 5) after this many runs in all. Default: 60', commands: ['run'] },
  {
    flags: '--state <file>',
    description:
      'the saved state of this search: every run\'s outcome, written as soon as it is known, so that re-running the same command after an interruption resumes it (default: <cache dir>/state/<repository and range>.json)',
    commands: ['run', 'log'],
  },
  { flags: '--restart', description: 'discard the saved state of this range and start over', commands: ['run'] },
  {
    flags: '--mark <sha=verdict>',
    description: 'a verdict you know, used instead of evaluating that commit: <commit>=good, bad or skip (repeatable; not with --flaky)',
    repeatable: true,
    commands: ['run'],
  },
  {
    flags: '--docker-host <url>',
    description:
      'a Docker engine to build and run on: unix:///path, tcp://host:port (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH honoured), ssh://user@host. Repeat to spread the work over several engines. Default: DOCKER_HOST, else the current docker context, else the local socket',
    repeatable: true,
    commands: [...ALL.filter((c) => c !== 'explain'), 'demo'],
  },
  {
    flags: '--engine-timeout <duration>',
    description:
      'an engine call (inspect, create, start, remove, list...) that gets no answer this long ends the run as a lost engine (exit 1; the state is kept, re-run to resume). Builds have --build-timeout; waiting for a container has --timeout',
    defaultValue: '2m',
    commands: [...ALL.filter((c) => c !== 'explain'), 'demo'],
  },
  {
    flags: '--cache-dir <dir>',
    description: 'where verdicts are remembered across runs, and where runs save their state (default: $XDG_CACHE_HOME/deploybisect or ~/.cache/deploybisect)',
    commands: [...EVAL, 'log'],
  },
  { flags: '--no-cache', description: 'neither read nor write the verdict cache', commands: EVAL },
  {
    flags: '--report <file.md>',
    description: 'write a Markdown incident report: the range, every step, the culprit, what changed and the evidence, how to reproduce',
    commands: ['run'],
  },
  {
    flags: '--keep-images',
    description:
      'keep the images built (labelled deploybisect.session and deploybisect.build), and probe a kept image of the same build instead of building it again',
    commands: EVAL,
  },
  { flags: '-v, --verbose', description: 'stream build output and container logs', commands: [...EVAL, 'demo'] },
  { flags: '--session <id>', description: 'with clean: only what the run with this session id created', commands: ['clean'] },
  {
    flags: '--good <commit>',
    description: 'nightly: bisect from this commit when the checked one is broken, instead of the last known good',
    commands: ['nightly'],
  },
  {
    flags: '--last-good-file <file>',
    description: `nightly: read and write the last known good commit in this file (e.g. in a cached directory) instead of the ref refs/deploybisect/last-good`,
    commands: ['nightly'],
  },
  { flags: '--force', description: 'init: overwrite an existing deploybisect.config.json', commands: ['init'] },
  {
    flags: '--config <file>',
    description:
      'read options from this file instead of the repository root\'s deploybisect.config.json, .deploybisectrc.json or package.json "deploybisect" key (options given here win)',
    commands: [...ALL, 'log'],
  },
  { flags: '--no-config', description: 'ignore the config file', commands: [...ALL, 'log'] },
  { flags: '-q, --quiet', description: 'print only the result', commands: [...ALL, 'demo'] },
  { flags: '--json', description: 'print one JSON document on stdout and nothing else there', commands: [...ALL, 'demo'] },
];

/** `replay` takes the options of `run`; `nightly` those of `run` and its own. */
export function optionsFor(command: CommandName | 'replay'): OptionSpec[] {
  if (command === 'nightly') return OPTIONS.filter((o) => o.commands.includes('run') || o.commands.includes('nightly'));
  const as = command === 'replay' ? 'run' : command;
  return OPTIONS.filter((o) => o.commands.includes(as));
}

/** The README's option reference. */
export function renderOptionsMarkdown(): string {
  // A `|` inside a table cell ends the cell, even inside backticks, unless escaped.
  const cell = (text: string): string => text.replaceAll('|', '\\|');
  const rows = OPTIONS.map((o) => {
    const def = o.defaultValue === undefined || typeof o.defaultValue === 'boolean' ? '' : `\`${o.defaultValue}\``;
    const choices = o.choices ? ` (${o.choices.map((c) => `\`${c}\``).join(', ')})` : '';
    return `| ${cell(`\`${o.flags}\``)} | ${cell(`${o.description}${choices}`)} | ${cell(def)} | ${o.commands.join(', ')} |`;
  });
  return ['| option | meaning | default | commands |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
