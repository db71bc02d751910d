/** How the search runs: what counts as bad, how many commits at once, how sure it must be, and its saved state. */
import { resolve } from 'node:path';

import type { Verdict } from '../bisect/index.js';
import { UsageError } from '../errors.js';
import { choice, fraction, wholeNumber } from './parse-values.js';
import { flag, optional, repeatable, valued, type Input, type OptionRow, type ParseContext } from './row.js';

export const REGRESSIONS = ['auto', 'build', 'runtime', 'any'] as const;
export type Regression = (typeof REGRESSIONS)[number];
export const PRIORS = ['risk', 'uniform'] as const;
export type PriorKind = (typeof PRIORS)[number];

/** A verdict a person knows (`--mark <commit>=<verdict>`); the commit is resolved by the search. */
export interface Mark {
  ref: string;
  verdict: Verdict;
}

export const SEARCH_ROWS = [
  valued(
    {
      key: 'regression',
      flags: '--regression <kind>',
      description: 'what counts as bad: auto, build, runtime, any',
      help: 'what counts as bad: auto (follow the bad commit: build failure or runtime failure; for test, runtime), build, runtime (build failures are skipped: test exits 125), any',
      default: 'auto',
      kind: 'choice',
      choices: REGRESSIONS,
      commands: ['run', 'test'],
    },
    (text): Regression => choice(text, REGRESSIONS, '--regression'),
  ),
  valued(
    {
      key: 'prior',
      flags: '--prior <kind>',
      description: 'which commits to test first: risk or uniform',
      help: "which commits to test first: risk (weigh commits by what they change for the deployment: the Dockerfile's CMD, USER, packages, start scripts, configs, manifests, and what the bad commit's output names; never more than ⌈log2 D⌉+2 builds) or uniform (git's halving)",
      default: 'risk',
      kind: 'choice',
      choices: PRIORS,
      commands: ['run'],
    },
    (text): PriorKind => choice(text, PRIORS, '--prior'),
  ),
  flag({
    key: 'firstParent',
    flags: '--first-parent',
    description: 'follow only the first parent of merges',
    help: 'follow only the first parent of merges, as git bisect --first-parent',
    commands: ['run'],
  }),
  flag({
    key: 'verify',
    flags: '--no-verify',
    description: 'do not check the ends before the search',
    help: 'do not check that good passes and bad fails before the search',
    commands: ['run'],
  }),
  flag({
    key: 'buildAhead',
    flags: '--no-build-ahead',
    description: 'build one image at a time, none ahead',
    help: 'build one image at a time: do not build the next candidates while one is probed (by default they are, with one job on one engine with room on its disk)',
    commands: ['run'],
  }),
  optional(
    {
      key: 'jobs',
      flags: '-j, --jobs <k>',
      description: 'evaluate k commits at once',
      help: 'evaluate k commits at once: good and bad together, then rounds of k commits that cut the remaining range into k+1 near-equal parts (narrow: k configurations of a round at once). Default: one per engine',
      common: true,
      kind: 'number',
      commands: ['run', 'narrow'],
    },
    wholeNumber('--jobs', 1, 16),
  ),
  valued(
    {
      key: 'runs',
      flags: '--runs <n>',
      description: 'run each commit n times: the majority decides',
      help: 'run each evaluated commit n times (fresh containers from one image); the verdict is the majority, a tie is bad, and disagreeing runs are reported. Bypasses the verdict cache',
      common: true,
      default: '1',
      kind: 'number',
      commands: ['run'],
    },
    wholeNumber('--runs', 1, 25),
  ),
  flag({
    key: 'flaky',
    flags: '--flaky',
    description: 'flake-aware search: every run weighs',
    help: 'flake-aware search for deployments whose health checks sometimes lie: every run updates the probability of each commit being the culprit (and of "it was noise"); stops at --confidence. Bypasses the verdict cache',
    common: true,
    commands: ['run'],
  }),
  valued(
    {
      key: 'confidence',
      flags: '--confidence <p>',
      description: 'with --flaky: how probable the answer must be',
      help: 'with --flaky: stop when one commit (or "noise") is this probable',
      default: '0.99',
      kind: 'number',
      commands: ['run'],
    },
    withFlaky(
      '--confidence',
      fraction(0.5, 1, (text) => `invalid --confidence '${text}': use a probability between 0.5 and 1, e.g. 0.99`),
    ),
  ),
  optional(
    {
      key: 'flakeRate',
      flags: '--flake-rate <f>',
      description: 'with --flaky: the known flake rate',
      help: 'with --flaky: the share of runs of a healthy commit that fail anyway, when known (default: learnt from the runs)',
      kind: 'number',
      commands: ['run'],
    },
    withFlaky(
      '--flake-rate',
      fraction(0, 0.5, (text) => `invalid --flake-rate '${text}': use the share of healthy runs that fail, between 0 and 0.5, e.g. 0.2`),
    ),
  ),
  valued(
    {
      key: 'maxRuns',
      flags: '--max-runs <n>',
      description: 'with --flaky: give up after this many runs',
      help: 'with --flaky: give up (exit 5) after this many runs in all',
      default: '60',
      kind: 'number',
      commands: ['run'],
    },
    withFlaky('--max-runs', wholeNumber('--max-runs', 2, 10_000)),
  ),
  {
    key: 'state',
    flags: '--state <file>',
    description: 'the saved state of this search (to resume)',
    help: "the saved state of this search: every run's outcome, written as soon as it is known, so that re-running the same command after an interruption resumes it (default: <cache dir>/state/<repository and range>.json)",
    commands: ['run', 'log'],
    kind: 'text',
    perInvocation: true,
    // The library may turn the saved state off with false.
    parse: (input: Input | undefined): string | false | undefined =>
      input === undefined || input === false ? input : resolve(String(input)),
  } satisfies OptionRow<'state', string | false | undefined>,
  flag({
    key: 'restart',
    flags: '--restart',
    description: 'start over: discard the saved state',
    help: 'discard the saved state of this range and start over',
    commands: ['run'],
    perInvocation: true,
  }),
  repeatable(
    {
      key: 'mark',
      flags: '--mark <sha=verdict>',
      description: 'a verdict you know: <commit>=good|bad|skip',
      help: 'a verdict you know, used instead of evaluating that commit: <commit>=good, bad or skip (repeatable; not with --flaky)',
      commands: ['run'],
      perInvocation: true,
    },
    (values, ctx): Mark[] => {
      const marks = values.map((text) => {
        const m = /^([^=\s]+)=(good|bad|skip)$/.exec(text);
        if (!m) throw new UsageError(`invalid --mark '${text}': expected <commit>=good, <commit>=bad or <commit>=skip`);
        return { ref: m[1] as string, verdict: m[2] as Verdict };
      });
      if (marks.length > 0 && ctx.get<boolean>('flaky'))
        throw new UsageError('--mark cannot be used with --flaky: a flake-aware search weighs runs, not verdicts');
      return marks;
    },
  ),
] as const;

/** An option of the flake-aware search: given without --flaky, it is a mistake worth saying. */
function withFlaky<T>(flag: string, parse: (text: string) => T): (text: string, ctx: ParseContext) => T {
  return (text, ctx) => {
    if (ctx.given && !ctx.get<boolean>('flaky')) throw new UsageError(`${flag} works only with --flaky`);
    return parse(text);
  };
}
