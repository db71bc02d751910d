import { resolveSettings, type Settings } from '../../src/options/settings.js';

/** The settings of `command` (default `run`) with these values given on the command line, for the repository `repo`. */
export function settingsFor(
  repo: string,
  given: Record<string, unknown> = {},
  command: Parameters<typeof resolveSettings>[0]['command'] = 'run',
): Settings {
  return resolveSettings({ command, given: { repo, ...given } });
}

/** What `--probe` parsing takes from the other options when none is given: their rows' defaults. */
export const PROBE_DEFAULTS = { expectStatus: resolveSettings({ command: 'run' }).expectStatus };
