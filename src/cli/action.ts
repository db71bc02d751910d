/**
 * The lifecycle every command shares at the CLI edge: progress on stderr while the work runs (its
 * events watched for what an interruption says), stopped before the result is printed; then the
 * result as the JSON document, one quiet line, or text.
 */
import type { Settings } from '../options/settings.js';
import type { SessionEvents } from '../session/events.js';
import type { CliIo } from './command.js';
import { progressReporter } from './render/progress.js';
import { watched } from './run-watch.js';

/** What a session call takes from the CLI: the Ctrl-C signal and the events that draw progress. */
export interface ActionCall {
  signal: AbortSignal;
  events: SessionEvents;
}

/**
 * Runs `work` with progress drawn (none with --quiet) and stops it, whatever happens, before
 * returning. `resumable`: whether a re-run of the same command resumes (a search with its state).
 */
export async function withProgress<T>(
  io: CliIo,
  settings: Pick<Settings, 'verbose' | 'quiet'>,
  options: { resumable: boolean },
  work: (call: ActionCall) => Promise<T>,
): Promise<T> {
  const progress = progressReporter(settings);
  try {
    return await work({ signal: io.ctx.signal, events: watched(io.ctx.run, progress, options) });
  } finally {
    progress.stop();
  }
}

/** The result on stdout: the JSON document (--json), one line (--quiet), or the text. */
export function printResult<T extends { status: string }>(
  io: CliIo,
  settings: Pick<Settings, 'json' | 'quiet'>,
  result: T,
  render: { quiet(result: T): string; text(result: T): string },
): void {
  if (settings.json) io.json(result);
  else io.write(settings.quiet ? render.quiet(result) : render.text(result));
}
