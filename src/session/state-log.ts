/**
 * `deploybisect log` and `replay`: the verdicts of a saved state in a replayable text form, as
 * `git bisect log` prints them, and that form read back (edited or not) as marks.
 *
 *     # comments
 *     range <good> <bad>
 *     bad <sha> # subject: signature
 *     good <sha> # …
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Verdict } from '../bisect/index.js';
import { UsageError } from '../errors.js';
import { getCommitInfos } from '../git/commit-info.js';
import { absoluteGitDir, resolveRange } from '../git/refs.js';
import type { Settings } from '../options/settings.js';
import { count } from '../text/plural.js';
import { shortSha } from '../text/short-sha.js';
import { classifyOutcome, decideRegression } from './classify-outcome.js';
import type { Outcome, Regression } from './outcome.js';
import { defaultStatePath, readState } from './run-state.js';
import { defaultCacheDir } from './verdict-cache.js';

export interface SavedRuns {
  good: string;
  bad: string;
  runs: Outcome[];
  /** The regression the run was asked for (auto is decided again from the bad commit's outcome). */
  regression: Regression;
}

export function renderLog(saved: SavedRuns, subjectOf: (sha: string) => string, header: string[] = []): string {
  const badRun = saved.runs.find((o) => o.sha === saved.bad && !o.ok) ?? saved.runs.find((o) => o.sha === saved.bad);
  const regression = decideRegression(saved.regression, badRun);
  const lines = [...header.map((h) => `# ${h}`), `range ${saved.good} ${saved.bad}`];
  for (const outcome of saved.runs) {
    const verdict = classifyOutcome(outcome, regression);
    const subject = subjectOf(outcome.sha);
    lines.push(`${verdict} ${outcome.sha} # ${subject ? `${subject}: ` : ''}${outcome.signature.replace(/\s+/g, ' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface ParsedLog {
  good: string;
  bad: string;
  /** One verdict per commit: the majority of its lines (a tie is bad), in order of first appearance. */
  marks: Array<{ ref: string; verdict: Verdict }>;
}

export function parseLog(text: string, source: string): ParsedLog {
  let range: { good: string; bad: string } | undefined;
  const votes = new Map<string, Verdict[]>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const words = line.split(/\s+/);
    const where = `${source}:${i + 1}`;
    if (words[0] === 'range') {
      if (words.length !== 3) throw new UsageError(`${where}: expected 'range <good> <bad>'`);
      range = { good: words[1] as string, bad: words[2] as string };
      return;
    }
    if (words.length !== 2 || !['good', 'bad', 'skip'].includes(words[0] as string)) {
      throw new UsageError(`${where}: expected 'good <commit>', 'bad <commit>' or 'skip <commit>', got '${line}'`);
    }
    const list = votes.get(words[1] as string) ?? [];
    list.push(words[0] as Verdict);
    votes.set(words[1] as string, list);
  });
  if (!range) throw new UsageError(`${source}: no 'range <good> <bad>' line: is this a deploybisect log?`);
  const marks = [...votes].map(([ref, list]) => {
    const bad = list.filter((v) => v === 'bad').length;
    const good = list.filter((v) => v === 'good').length;
    return { ref, verdict: (bad + good === 0 ? 'skip' : bad >= good ? 'bad' : 'good') as Verdict };
  });
  return { ...range, marks };
}

type LogSettings = Pick<Settings, 'repo' | 'state' | 'cacheDir'>;

/** `deploybisect log`: the saved state of a range as text; a usage error when there is none. */
export async function logOfRange(settings: LogSettings, good: string, bad: string): Promise<string> {
  const range = await resolveRange(settings.repo, good, bad);
  const repo = await absoluteGitDir(settings.repo);
  const path =
    (settings.state || undefined) ?? defaultStatePath(settings.cacheDir ?? defaultCacheDir(), { repo, good: range.good, bad: range.bad });
  const saved = readState(path);
  if (!saved || saved.good !== range.good || saved.bad !== range.bad) {
    throw new UsageError(
      `no saved state for ${shortSha(range.good)}..${shortSha(range.bad)} at ${path}: run the search first (or pass --state)`,
    );
  }
  return renderSavedState(settings.repo, path, saved);
}

/** `deploybisect log` without a range: the search of this repository saved last (--state: that file). */
export async function logOfLatest(settings: LogSettings): Promise<string> {
  if (settings.state) {
    const saved = readState(settings.state);
    if (!saved) throw new UsageError(`no saved state in ${settings.state}`);
    return renderSavedState(settings.repo, settings.state, saved);
  }
  const repo = await absoluteGitDir(settings.repo);
  const dir = join(settings.cacheDir ?? defaultCacheDir(), 'state');
  let latest: { path: string; saved: NonNullable<ReturnType<typeof readState>> } | undefined;
  const entries = (() => {
    try {
      return readdirSync(dir, { withFileTypes: true });
    } catch {
      return []; // no search saved yet
    }
  })();
  for (const name of entries.filter((e) => e.isFile() && e.name.endsWith('.json'))) {
    const path = join(dir, name.name);
    const saved = readState(path);
    if (saved?.repo === repo && (!latest || saved.updatedAt > latest.saved.updatedAt)) latest = { path, saved };
  }
  if (!latest) throw new UsageError(`no saved search of ${repo} in ${dir}: run a search first, or name its range (log <good> <bad>)`);
  return renderSavedState(settings.repo, latest.path, latest.saved);
}

async function renderSavedState(repoDir: string, path: string, saved: NonNullable<ReturnType<typeof readState>>): Promise<string> {
  const configuration = JSON.parse(saved.configuration) as { regression?: Regression };
  const infos = new Map((await getCommitInfos(repoDir, [...new Set(saved.runs.map((o) => o.sha))])).map((i) => [i.sha, i.subject]));
  return renderLog(
    { good: saved.good, bad: saved.bad, runs: saved.runs, regression: configuration.regression ?? 'auto' },
    (sha) => infos.get(sha) ?? '',
    [
      `deploybisect log of ${shortSha(saved.good)}..${shortSha(saved.bad)}: ${count(saved.runs.length, 'run')}, saved ${saved.updatedAt} in ${path}`,
      'edit a verdict and continue with: deploybisect replay <this file> [the options of the run]',
    ],
  );
}
