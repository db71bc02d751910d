/** The rules between options, checked once the settings are parsed: each breach is one UsageError line. */
import { UsageError } from '../errors.js';
import { defaultOf, type Settings } from './option-table.js';

const RULES: ReadonlyArray<(s: Settings) => void> = [
  function probesReachTheContainer(s) {
    if (s.network === 'none' && s.probe.some((p) => p.hostPort !== undefined)) {
      throw new UsageError(
        '--network none: an http or tcp probe cannot reach the container; use --probe healthcheck, exec:, log:, or --network host',
      );
    }
  },
  function runningProbesCanPass(s) {
    for (const probe of s.probe) {
      if (probe.passesAfterMs !== undefined && probe.passesAfterMs >= s.timeout) {
        const timeout = String(s.given.timeout ?? defaultOf('timeout'));
        throw new UsageError(`--probe ${probe.spec} can never pass within --timeout ${timeout}: make the timeout longer than the duration`);
      }
    }
  },
  function composeFilesAreCompose(s) {
    if (s.composeFile.length > 0 && s.platform !== 'auto' && s.platform !== 'compose') {
      throw new UsageError(`--compose-file names a compose stack: it does not go with --platform ${s.platform}`);
    }
    if (s.composeFile.length > 0 && s.manifest !== undefined) {
      throw new UsageError('--compose-file and --manifest both name the file to deploy by: give one');
    }
  },
  function verboseOrQuiet(s) {
    if (s.verbose && s.quiet) throw new UsageError('--verbose and --quiet exclude each other');
  },
];

export function checkSettings(settings: Settings): void {
  for (const rule of RULES) rule(settings);
}
