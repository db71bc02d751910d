import { formatDuration } from '../../duration.js';
import type { EvaluateEvent, SessionEvents, StartEvent } from '../../session/events.js';
import { cleanText } from '../../text/clean-text.js';
import { count } from '../../text/plural.js';
import { shortSha } from '../../text/short-sha.js';
import { colorEnabled, painter } from './color.js';
import { ProgressOutput } from './progress-output.js';
import { reuseNote } from './reuse.js';

export interface ProgressOptions {
  verbose: boolean;
  quiet: boolean;
  stream?: NodeJS.WriteStream;
}

/** `session 5f3a9c1e: bisecting 12 commits (7 change the build context) between … on unix:///…, network none` */
function startText(e: StartEvent): string {
  const changing = e.changing === undefined ? '' : ` (${e.changing} ${e.changing === 1 ? 'changes' : 'change'} the build context)`;
  const what =
    e.title ??
    (e.commit
      ? `testing ${shortSha(e.commit.sha)} ${e.commit.subject}`
      : `bisecting ${count(e.commits, 'commit')}${changing} between ${shortSha(e.good)} and ${shortSha(e.bad)}`);
  return `session ${e.sessionId}: ${what} on ${e.endpoint}${e.network ? `, network ${e.network.mode}` : ''}`;
}

/** `[3, 7 candidates left, ~2 steps left] testing b29a06e954 Add app configuration` */
function stepText(stepNo: number, e: EvaluateEvent): string {
  if (e.role === 'narrow') return `[${stepNo}, ≤${count(e.stepsLeft, 'build')} left] testing the parent with ${e.subject}`;
  const what = e.role === 'verify' ? 'checking' : 'testing';
  const steps = `~${count(e.stepsLeft, 'step')} left`;
  const left = e.role === 'search' ? `, ${count(e.remaining, 'candidate')} left, ${steps}` : `, ${steps}`;
  return `[${stepNo}${left}] ${what} ${shortSha(e.sha)} ${e.subject}`;
}

/**
 * Progress on stderr: an ora spinner on a terminal, one plain line per event elsewhere (CI).
 * stdout stays free for the result (and for `--json`).
 */
export function progressReporter(options: ProgressOptions): SessionEvents & { stop(): void } {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { stop: () => undefined };
  const colour = colorEnabled(stream);
  const paint = painter(colour);
  const out = new ProgressOutput(stream);
  let current = '';
  let stepNo = 0;
  let single = false;
  const subjects = new Map<string, string>();
  // Lines as printed keep their colours where colour is shown; cursor moves and the rest never reach the screen.
  const verbose = (prefix: string) => (_sha: string, text: string) =>
    out.line(paint('dim', `  ${prefix} | ${cleanText(text, { keepColour: colour })}`));

  return {
    start(e) {
      single = e.commit !== undefined;
      // The first line stays (it names the session, for `clean --session`); the reasoning behind the network with --verbose.
      out.message(startText(e), (t) => paint('dim', t));
      if (options.verbose && e.network) out.message(`network ${e.network.why}`, (t) => paint('dim', t));
      if (e.deployment?.line) out.message(e.deployment.line, (t) => paint('dim', t));
      for (const note of e.deployment?.notes ?? []) out.message(note, (t) => paint('yellow', t));
    },
    evaluate(e) {
      subjects.set(e.sha, e.subject);
      // One commit tested (`test`): the first line said which; no step counts.
      if (single) {
        current = `testing ${shortSha(e.sha)} ${e.subject}`;
        if (out.interactive) out.status(current);
        return;
      }
      current = stepText(++stepNo, e);
      out.status(current);
    },
    phase(_sha, phase) {
      const doing = { build: 'building', start: 'starting', probe: 'probing', explain: 'explaining the culprit' }[phase];
      if (out.interactive) out.status(`${current} — ${doing}`);
    },
    buildStep(_sha, step) {
      if (out.interactive) out.status(`${current} — building ${step}`);
    },
    ...(options.verbose ? { buildOutput: verbose('build'), containerLine: verbose('container') } : {}),
    verdict(e) {
      const [style, symbol]: ['green' | 'red' | 'yellow', string] =
        e.verdict === 'good' ? ['green', '✔'] : e.verdict === 'bad' ? ['red', '✖'] : ['yellow', '↷'];
      // narrow's words: a configuration passes, fails as the commit does, or is unresolved.
      const word = e.role === 'narrow' ? { good: 'pass', bad: 'fail', skip: 'unresolved' }[e.verdict] : e.verdict;
      // A reused outcome says how it was obtained, not how long its replay took.
      const how = reuseNote(e.outcome) ?? formatDuration(e.outcome.durationMs);
      const text = `${shortSha(e.sha)} ${subjects.get(e.sha) ?? ''} — ${paint(style, word)}: ${e.outcome.signature} (${how})`;
      out.persist(paint(style, symbol), text);
    },
    notice(message) {
      out.line(out.interactive ? paint('yellow', message) : `deploybisect: ${message}`);
    },
    cleanup(removed, sessionId) {
      if (removed.containers + removed.images > 0) {
        // A stack's networks and volumes are named only when there were some.
        const stack = [
          ...(removed.networks ? [count(removed.networks, 'network')] : []),
          ...(removed.volumes ? [count(removed.volumes, 'volume')] : []),
        ];
        const parts = [count(removed.containers, 'container'), count(removed.images, 'image'), ...stack];
        out.message(`removed ${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`, (t) => paint('dim', t));
      }
      for (const endpoint of removed.unreachable ?? []) {
        const text = `could not reach ${endpoint} to remove this run's containers and images: the next run of the same command removes them, or \`deploybisect clean --session ${sessionId}\``;
        out.message(text, (t) => paint('yellow', t));
      }
    },
    stop() {
      out.stop();
    },
  };
}
