/** How a commit's container is judged healthy or not, and how long that may take. */
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { FailOnLog } from '../probes/log-probe.js';
import { parseProbe, parseRegex, type ProbeSettings } from '../probes/parse-probe.js';
import type { Probe } from '../probes/probe.js';
import { parseStatusMatcher, type StatusMatcher } from '../probes/status-matcher.js';
import { EVALUATING } from './commands.js';
import { parseHeaders, timerDuration } from './parse-values.js';
import { flag, optional, repeatable, valued, type ParseContext } from './row.js';

export const PROBE_ROWS = [
  repeatable(
    {
      key: 'probe',
      flags: '--probe <spec>',
      description: 'how a commit is judged healthy (repeatable)',
      help: 'health probe, repeatable, all must pass: healthcheck | http://HOST:PORT/PATH | https://… | tcp://HOST:PORT | exec:<command> | log:<regex> | exit:<code> | running:<duration>. Default: healthcheck when the image has a HEALTHCHECK, else running:10s plus GET / on the first EXPOSEd port',
      common: true,
      commands: EVALUATING,
    },
    (specs, ctx): Probe[] => specs.map((spec) => parseProbe(spec, probeSettings(ctx))),
  ),
  repeatable(
    {
      key: 'failOnLog',
      flags: '--fail-on-log <regex>',
      description: 'bad the moment a line of output matches',
      help: "the commit is bad the moment a line of container output matches, e.g. 'Traceback|FATAL|panic:' (repeatable)",
      common: true,
      commands: EVALUATING,
    },
    (sources): FailOnLog[] => sources.map((source) => new FailOnLog(parseRegex(source, '--fail-on-log'))),
  ),
  flag({
    key: 'defaultHttp',
    flags: '--no-default-http',
    description: 'no GET / on the first EXPOSEd port',
    help: 'without --probe and HEALTHCHECK, do not GET / on the first EXPOSEd port',
    commands: EVALUATING,
  }),
  optional(
    {
      key: 'healthInterval',
      flags: '--health-interval <duration>',
      description: "run the image's HEALTHCHECK this often",
      help: "run the image's HEALTHCHECK this often (its test and retries kept). Default: at most 500ms, the image's tolerance (start period + interval × retries) kept",
      kind: 'duration',
      commands: EVALUATING,
    },
    (text) => parseDuration(text, '--health-interval'),
  ),
  valued(
    {
      key: 'expectStatus',
      flags: '--expect-status <code|range>',
      description: 'HTTP status accepted: 200, 2xx, 200-399',
      help: 'HTTP status an http probe accepts: 200, 2xx, 200-399',
      common: true,
      default: '2xx',
      commands: EVALUATING,
    },
    (text): StatusMatcher => parseStatusMatcher(text),
  ),
  optional(
    {
      key: 'expectBody',
      flags: '--expect-body <regex>',
      description: 'regex the http response body must match',
      help: 'regular expression the body of an http probe must match',
      commands: EVALUATING,
    },
    (text) => {
      try {
        return new RegExp(text);
      } catch (error) {
        throw new UsageError(`invalid --expect-body regular expression: ${(error as Error).message}`);
      }
    },
  ),
  repeatable(
    { key: 'header', flags: '--header <K:V>', description: 'request header for http probes (repeatable)', commands: EVALUATING },
    parseHeaders,
  ),
  flag({ key: 'insecure', flags: '--insecure', description: 'accept any TLS certificate in https probes', commands: EVALUATING }),
  valued(
    {
      key: 'timeout',
      flags: '--timeout <duration>',
      description: 'time the probes of one commit may take',
      common: true,
      default: '60s',
      kind: 'duration',
      commands: EVALUATING,
    },
    timerDuration('--timeout', { upTo24Days: false }),
  ),
  valued(
    {
      key: 'buildTimeout',
      flags: '--build-timeout <duration>',
      description: 'a longer build is stopped as hung',
      help: 'a build (with its pulls) that takes longer is stopped and reported as hung (exit 1; re-run to resume)',
      default: '20m',
      kind: 'duration',
      commands: EVALUATING,
    },
    timerDuration('--build-timeout'),
  ),
] as const;

/** What http probes take from the other options. */
function probeSettings(ctx: ParseContext): ProbeSettings {
  const expectBody = ctx.get<RegExp | undefined>('expectBody');
  const headers = ctx.get<Record<string, string>>('header');
  return {
    expectStatus: ctx.get<StatusMatcher>('expectStatus'),
    ...(expectBody ? { expectBody } : {}),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(ctx.get<boolean>('insecure') ? { insecure: true } : {}),
  };
}
