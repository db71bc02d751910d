import ora, { type Ora } from 'ora';
import { formatDuration } from '../../duration.js';
import type { SessionEvents } from '../../session/events.js';
import { colorEnabled, painter } from './color.js';

export interface ProgressOptions {
  verbose: boolean;
  quiet: boolean;
  stream?: NodeJS.WriteStream;
}

const short = (sha: string): string => sha.slice(0, 10);

/**
 * Progress on stderr: an ora spinner on a terminal, one plain line per event elsewhere (CI).
 * stdout stays free for the result (and for `--json`).
 */
export function progressReporter(options: ProgressOptions): SessionEvents & { stop(): void } {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { stop: () => undefined };
  const paint = painter(colorEnabled(stream));
  const interactive = Boolean(stream.isTTY) && process.env.CI !== 'true' && process.env.TERM !== 'dumb';
  let spinner: Ora | undefined;
  let current = '';
  let stepNo = 0;
  const subjects = new Map<string, string>();
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

  const line = (text: string): void => {
    if (spinner?.isSpinning) {
      spinner.clear();
      stream.write(`${text}\n`);
      spinner.render();
    } else {
      stream.write(`${text}\n`);
    }
  };
  const status = (text: string): void => {
    if (!interactive) return line(`deploybisect: ${text}`);
    spinner ??= ora({ stream, isEnabled: true, color: colorEnabled(stream) ? 'cyan' : false as never, discardStdin: false });
    spinner.text = text;
    if (!spinner.isSpinning) spinner.start();
  };

  return {
    start(e) {
      const changing = e.changing === undefined ? '' : ` (${e.changing} change the build context)`;
      status(`bisecting ${e.commits} commits${changing} between ${short(e.good)} and ${short(e.bad)} on ${e.endpoint}`);
    },
    evaluate(e) {
      stepNo++;
      subjects.set(e.sha, e.subject);
      const what = e.role === 'verify' ? 'checking' : 'testing';
      const steps = `~${plural(e.stepsLeft, 'step')} left`;
      const left = e.role === 'search' ? `, ${plural(e.remaining, 'candidate')} left, ${steps}` : `, ${steps}`;
      current = `[${stepNo}${left}] ${what} ${short(e.sha)} ${e.subject}`;
      status(current);
    },
    phase(_sha, phase) {
      const doing = { build: 'building', start: 'starting', probe: 'probing', explain: 'explaining the culprit' }[phase];
      if (interactive) status(`${current} — ${doing}`);
    },
    buildOutput(_sha, text) {
      if (options.verbose) line(paint('dim', `  build | ${text}`));
    },
    ...(options.verbose
      ? {
          containerLine(_sha: string, text: string) {
            line(paint('dim', `  container | ${text}`));
          },
        }
      : {}),
    verdict(e) {
      const mark = e.verdict === 'good' ? paint('green', 'good') : e.verdict === 'bad' ? paint('red', 'bad') : paint('yellow', 'skip');
      const text = `${short(e.sha)} ${subjects.get(e.sha) ?? ''} — ${mark}: ${e.outcome.signature} (${formatDuration(e.outcome.durationMs)}${e.outcome.reused === 'cache' ? ', from the verdict cache' : e.outcome.reused === 'state' ? ', from the saved state' : e.outcome.reused ? ', same build context as an earlier commit' : ''})`;
      if (interactive && spinner) {
        spinner.stopAndPersist({ symbol: e.verdict === 'good' ? paint('green', '✔') : e.verdict === 'bad' ? paint('red', '✖') : paint('yellow', '↷'), text });
      } else {
        line(`deploybisect: ${text}`);
      }
    },
    notice(message) {
      line(interactive ? paint('yellow', message) : `deploybisect: ${message}`);
    },
    cleanup(removed, sessionId) {
      if (removed.containers + removed.images > 0) {
        const text = `removed ${removed.containers} container(s) and ${removed.images} image(s)`;
        if (interactive) spinner?.stop();
        line(interactive ? paint('dim', text) : `deploybisect: ${text}`);
      }
      for (const endpoint of removed.unreachable ?? []) {
        if (interactive) spinner?.stop();
        const text = `could not reach ${endpoint} to remove this run's containers and images: the next run of the same command removes them, or \`deploybisect clean --session ${sessionId}\``;
        line(interactive ? paint('yellow', text) : `deploybisect: ${text}`);
      }
    },
    stop() {
      spinner?.stop();
    },
  };
}
