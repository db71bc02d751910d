/**
 * Every command, in the order `--help` lists them: what it is called, what it takes and what it
 * does, with its action loaded only when it runs (so `--version` and `--help` load none of them).
 */
import { command, type CommandSpec } from '../command.js';
import { RUN_EXIT_CODES, TEST_EXIT_CODES } from './help-texts.js';

const RANGE = [
  { name: 'good', description: 'a commit whose deployment works' },
  { name: 'bad', description: 'a later commit whose deployment fails' },
] as const;

export const COMMANDS: readonly CommandSpec[] = [
  command({
    name: 'run',
    isDefault: true,
    description: 'bisect <good>..<bad> and name the first commit whose deployment fails (the default command)',
    help: RUN_EXIT_CODES,
    arguments: RANGE,
    load: async () => (await import('./run.js')).run,
  }),
  command({
    name: 'nightly',
    description:
      'check <ref> (default HEAD): healthy, record it as the last known good and exit 0; broken, bisect from the last known good, report, and exit non-zero (6 when the culprit was found)',
    arguments: [{ name: 'ref', description: 'the commit to check', optional: true, default: 'HEAD' }],
    load: async () => (await import('./nightly.js')).nightly,
  }),
  command({
    name: 'replay',
    description:
      'continue a search from a log (deploybisect log), edited or not: its verdicts are used instead of evaluating those commits',
    arguments: [{ name: 'file', description: 'the log: a `range <good> <bad>` line, then `good|bad|skip <commit>` lines' }],
    load: async () => (await import('./replay.js')).replay,
  }),
  command({
    name: 'log',
    description:
      'print the verdicts of a search so far (from its saved state), in the form replay reads; without a range, the search of this repository saved last. Options of run are accepted and ignored, so a search command can be turned into its log by adding `log`',
    arguments: [
      { name: 'good', description: 'the good commit of the search (default: the latest search of this repository)', optional: true },
      { name: 'bad', description: 'the bad commit of the search', optional: true },
    ],
    ignoresOptionsOf: 'run',
    load: async () => (await import('./log.js')).log,
  }),
  command({
    name: 'test',
    description: 'build and probe one commit; exit 0 when healthy, 1 when not, 125 when it cannot be tested (for git bisect run)',
    help: TEST_EXIT_CODES,
    arguments: [{ name: 'commit', description: 'the commit to test' }],
    load: async () => (await import('./test.js')).test,
  }),
  command({
    name: 'narrow',
    description:
      'narrow a failing commit to the change that breaks it, proven by two builds: its parent with some of its changes applied (healthy) and with one more (failing); exit 0 narrowed, 5 inconclusive, 3 the commit is healthy, 4 its parent fails',
    arguments: [{ name: 'commit', description: 'the commit that broke the deployment (e.g. the culprit of a search)' }],
    load: async () => (await import('./narrow.js')).narrow,
  }),
  command({
    name: 'explain',
    description:
      'what changed in the deployment between two commits: Dockerfile findings, dependency changes and changed files (no Docker needed)',
    arguments: [
      { name: 'good', description: 'the commit that worked' },
      { name: 'bad', description: 'the commit that broke' },
    ],
    load: async () => (await import('./explain.js')).explain,
  }),
  command({
    name: 'demo',
    description:
      "see it work: write the README's story (a deployment broken by swapping supervisord for a start script) to a temporary repository and bisect it on the engine",
    arguments: [],
    load: async () => (await import('./demo.js')).demo,
  }),
  command({
    name: 'doctor',
    description:
      'what deploybisect sees here, one line per check with what to do when it fails: Node.js, git, each engine (versions, Docker or Podman, BuildKit, networks and the network mode a run will use, memory limits), the cache directory, the config file; exit 0 when a search can run, 1 when not',
    arguments: [],
    load: async () => (await import('./doctor.js')).doctor,
  }),
  command({
    name: 'init',
    description: 'write a starter deploybisect.config.json from the repository: its Dockerfile, EXPOSEd ports and HEALTHCHECK',
    arguments: [],
    load: async () => (await import('./init.js')).init,
  }),
  command({
    name: 'clean',
    description:
      'remove the containers, images, networks and volumes deploybisect labelled: of one run (--session), or of every run (--all; without either, list them by session and ask)',
    arguments: [],
    load: async () => (await import('./clean.js')).clean,
  }),
];

/** The commands' names (what a first argument that is no revision may mean). */
export const COMMAND_NAMES = COMMANDS.map((c) => c.name);
