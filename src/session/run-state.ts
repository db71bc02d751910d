/**
 * The state of a search on disk: every run's outcome, written the moment it is known, so that a
 * run stopped by Ctrl-C, SIGTERM, `kill -9`, a reboot or a lost engine resumes where it was: the
 * same command finds the state (keyed by repository and range) and replays the outcomes it holds
 * instead of building and probing again. Writes are atomic (a new file renamed over the old one):
 * a crash mid-write leaves the previous state intact.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

import type { Outcome } from './outcome.js';

const STATE_VERSION = 1;

/** What a state belongs to: the repository, the range and everything that decides an outcome or verdict. */
export interface StateIdentity {
  /** The repository's absolute git directory. */
  repo: string;
  good: string;
  bad: string;
  /** Options that decide outcomes and verdicts, as stable JSON: a state made with others is not reused. */
  configuration: string;
}

interface StateDocument extends StateIdentity {
  version: number;
  updatedAt: string;
  /** Every run, in the order it finished. */
  runs: Outcome[];
  /** The runs (sessions) that worked on this search and may have left containers or images behind. */
  sessions?: SessionRecord[];
  /** Set when a run of the search came to its result: when (ISO 8601) and the result's status. */
  finished?: { at: string; status: string };
}

/** A run that used the state: its session id (the label on what it created), and the process. */
export interface SessionRecord {
  id: string;
  pid: number;
  host: string;
  startedAt: string;
}

/** Where the state of a range lives by default: <cache dir>/state/<hash of repository and range>.json. */
export function defaultStatePath(cacheBase: string, identity: Pick<StateIdentity, 'repo' | 'good' | 'bad'>): string {
  const key = createHash('sha256').update(`${identity.repo}\n${identity.good}\n${identity.bad}`).digest('hex').slice(0, 32);
  return join(cacheBase, 'state', `${key}.json`);
}

/** Reads a state file; undefined when there is none or it cannot be read as one. */
export function readState(path: string): StateDocument | undefined {
  try {
    const document = JSON.parse(readFileSync(path, 'utf8')) as StateDocument;
    if (document.version !== STATE_VERSION || !Array.isArray(document.runs)) return undefined;
    return document;
  } catch {
    return undefined;
  }
}

export class RunState {
  /** Outcomes loaded from disk and not replayed yet, by commit, in order. */
  private readonly pending = new Map<string, Outcome[]>();
  private readonly runs: Outcome[];
  /** Why an existing state was not used (other options), for the progress output. */
  readonly discarded?: string;
  /** Runs found on disk. */
  readonly loaded: number;
  /** When a run of this search came to its result, if one did (its state is then replayed whole). */
  readonly finishedAt?: string;
  private finished: StateDocument['finished'];
  private writeFailed = false;

  constructor(
    readonly path: string,
    private readonly identity: StateIdentity,
    options: { restart?: boolean; onWriteError?: (message: string) => void } = {},
  ) {
    this.onWriteError = options.onWriteError;
    const found = readState(path);
    const saved = options.restart ? undefined : found;
    if (options.restart) rmSync(path, { force: true });
    let runs: Outcome[] = [];
    const same = found !== undefined && found.repo === identity.repo && found.good === identity.good && found.bad === identity.bad;
    // Earlier runs of the same search may have left containers and images, whatever their options.
    this.sessions = same ? (found.sessions ?? []).filter(isSessionRecord) : [];
    if (saved) {
      if (same && saved.configuration === identity.configuration) {
        runs = saved.runs;
        this.finished = saved.finished;
        if (saved.finished) this.finishedAt = saved.finished.at;
      } else this.discarded = same ? 'it was made with other options' : 'it is for another repository or range';
    }
    this.runs = [...runs];
    this.loaded = runs.length;
    for (const outcome of runs) {
      const queue = this.pending.get(outcome.sha) ?? [];
      queue.push(outcome);
      this.pending.set(outcome.sha, queue);
    }
  }

  private readonly onWriteError: ((message: string) => void) | undefined;
  private sessions: SessionRecord[];

  /** Earlier runs recorded in the state (not this one). */
  get earlierSessions(): readonly SessionRecord[] {
    return this.sessions.filter((s) => !(s.pid === process.pid && s.host === hostname()));
  }

  /** Records this run's session (written at once: a kill before the first outcome must still find it). */
  claim(sessionId: string): void {
    this.sessions = [
      ...this.sessions.filter((s) => s.id !== sessionId),
      { id: sessionId, pid: process.pid, host: hostname(), startedAt: new Date().toISOString() },
    ];
    this.write();
  }

  /** Forgets an earlier run whose leftovers were removed. */
  forget(sessionId: string): void {
    this.sessions = this.sessions.filter((s) => s.id !== sessionId);
  }

  /** This run cleaned up after itself (its kept images are the user's): forgets it, on disk too. */
  release(sessionId: string): void {
    this.forget(sessionId);
    this.write();
  }

  /** The next saved outcome of `sha` not replayed yet, if any. */
  take(sha: string): Outcome | undefined {
    const queue = this.pending.get(sha);
    const outcome = queue?.shift();
    if (queue && queue.length === 0) this.pending.delete(sha);
    return outcome;
  }

  /** The search came to its result: said by the next run of it (which replays it) until --restart. */
  finish(status: string): void {
    this.finished = { at: new Date().toISOString(), status };
    this.write();
  }

  /** Adds new runs and writes the state at once. A state that cannot be written is reported once; the search goes on. */
  append(outcomes: readonly Outcome[]): void {
    if (outcomes.length === 0) return;
    this.runs.push(...outcomes);
    this.write();
  }

  private write(): void {
    const document: StateDocument = {
      version: STATE_VERSION,
      ...this.identity,
      updatedAt: new Date().toISOString(),
      runs: this.runs,
      sessions: this.sessions,
      ...(this.finished ? { finished: this.finished } : {}),
    };
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const fd = openSync(temporary, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify(document));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.path);
    } catch (error) {
      try {
        rmSync(temporary, { force: true });
      } catch {
        /* nothing was written */
      }
      if (!this.writeFailed) {
        this.writeFailed = true;
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        this.onWriteError?.(`cannot save the state to ${this.path} (${reason}): the search goes on, but cannot be resumed`);
      }
    }
  }
}

function isSessionRecord(value: unknown): value is SessionRecord {
  const record = value as SessionRecord;
  return (
    typeof record?.id === 'string' && /^[0-9a-f]{8}$/.test(record.id) && Number.isInteger(record.pid) && typeof record.host === 'string'
  );
}

/** True unless the process is known to be gone (a process of another user counts as alive). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
