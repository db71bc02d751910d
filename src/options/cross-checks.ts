/** The rules between options, checked once the settings are parsed: each breach is one UsageError line. */
import { UsageError } from '../errors.js';
import { HttpProbe } from '../probes/http-probe.js';
import { RunningProbe } from '../probes/running-probe.js';
import { TcpProbe } from '../probes/tcp-probe.js';
import type { Settings } from './option-table.js';

const RULES: ReadonlyArray<(s: Settings) => void> = [
  function probesReachTheContainer(s) {
    if (s.network === 'none' && s.probe.some((p) => p instanceof HttpProbe || p instanceof TcpProbe)) {
      throw new UsageError(
        '--network none: an http or tcp probe cannot reach the container; use --probe healthcheck, exec:, log:, or --network host',
      );
    }
  },
  function runningProbesCanPass(s) {
    for (const probe of s.probe) {
      if (probe instanceof RunningProbe && probe.durationMs >= s.timeout) {
        const timeout = String(s.given.timeout ?? '60s');
        throw new UsageError(`--probe ${probe.spec} can never pass within --timeout ${timeout}: make the timeout longer than the duration`);
      }
    }
  },
  function verboseOrQuiet(s) {
    if (s.verbose && s.quiet) throw new UsageError('--verbose and --quiet exclude each other');
  },
];

export function checkSettings(settings: Settings): void {
  for (const rule of RULES) rule(settings);
}
