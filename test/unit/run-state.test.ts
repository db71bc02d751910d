import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import type { Outcome } from '../../src/session/outcome.js';
import { defaultStatePath, processAlive, readState, RunState } from '../../src/session/run-state.js';
import { parseLog, renderLog } from '../../src/session/state-log.js';

const dir = mkdtempSync(join(tmpdir(), 'deploybisect-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const G = '0'.repeat(40);
const outcome = (sha: string, ok: boolean, signature = ok ? 'running after 1.0s' : 'container exited with code 3'): Outcome => ({
  sha,
  ok,
  phase: 'probe',
  signature,
  probes: [],
  logTail: [],
  built: true,
  durationMs: 5,
});
const identity = { repo: '/repo/.git', good: G, bad: B, configuration: '{"probes":["running:1s"]}' };

describe('RunState', () => {
  it('a search that came to its result says so to the next run, which replays it; --restart forgets it', () => {
    const path = join(dir, 'finished.json');
    const first = new RunState(path, identity);
    first.append([outcome(B, false), outcome(G, true)]);
    expect(new RunState(path, identity).finishedAt).toBeUndefined();
    first.finish('found');
    const again = new RunState(path, identity);
    expect(again.loaded).toBe(2);
    expect(Date.parse(again.finishedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(new RunState(path, identity, { restart: true }).finishedAt).toBeUndefined();
    expect(new RunState(path, identity).finishedAt).toBeUndefined();
  });

  it('records the runs that used it, at once, so a later run finds what a killed one left; --restart and other options keep them', () => {
    const path = join(dir, 'sessions.json');
    const first = new RunState(path, identity);
    first.claim('aaaaaaaa');
    // Written before any outcome: a kill -9 right after the start must still leave the record.
    expect(readState(path)?.sessions?.map((s) => [s.id, s.pid])).toEqual([['aaaaaaaa', process.pid]]);
    expect(first.earlierSessions).toEqual([]); // this process's own run is not an earlier one

    const dead = { id: 'bbbbbbbb', pid: 2 ** 22 + 17, host: 'h', startedAt: '2026-01-01T00:00:00Z' };
    const document = readState(path)!;
    writeFileSync(path, JSON.stringify({ ...document, sessions: [dead, { id: 'not-hex', pid: 1, host: 'h' }] }));
    const restarted = new RunState(path, identity, { restart: true });
    expect(restarted.loaded).toBe(0);
    expect(restarted.earlierSessions.map((s) => s.id)).toEqual(['bbbbbbbb']);
    restarted.forget('bbbbbbbb');
    restarted.claim('cccccccc');
    expect(readState(path)?.sessions?.map((s) => s.id)).toEqual(['cccccccc']);

    const otherOptions = new RunState(path, { ...identity, configuration: '{"probes":["running:9s"]}' });
    expect(otherOptions.discarded).toBe('it was made with other options');
    expect(otherOptions.loaded).toBe(0);
    const otherRange = new RunState(path, { ...identity, good: A });
    expect(otherRange.earlierSessions).toEqual([]);
  });

  it('a run that cleaned up after itself is released: a later run finds nothing of it to reap (its kept images stay)', () => {
    const path = join(dir, 'released.json');
    const run = new RunState(path, identity);
    run.claim('dddddddd');
    run.append([outcome(B, false)]);
    run.release('dddddddd');
    expect(readState(path)?.sessions).toEqual([]);
    expect(readState(path)?.runs).toHaveLength(1);
  });

  it('processAlive: this process is, a pid nobody has is not', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(2 ** 22 + 17)).toBe(false);
  });

  it('writes every run at once and replays them in order, per commit, to the next run', () => {
    const path = defaultStatePath(dir, identity);
    expect(path.startsWith(join(dir, 'state'))).toBe(true);
    const first = new RunState(path, identity);
    expect(first.loaded).toBe(0);
    first.append([outcome(B, false)]);
    first.append([outcome(A, true), outcome(A, false)]);
    expect(readState(path)?.runs).toHaveLength(3);

    const second = new RunState(path, identity);
    expect(second.loaded).toBe(3);
    expect(second.take(A)?.ok).toBe(true);
    expect(second.take(A)?.ok).toBe(false);
    expect(second.take(A)).toBeUndefined();
    expect(second.take(B)?.ok).toBe(false);
  });

  it('a crash mid-write leaves the previous state: the new one is written beside it and renamed', () => {
    const path = join(dir, 'crash.json');
    new RunState(path, identity).append([outcome(B, false)]);
    // What a killed writer leaves: a partial temporary file; the state itself is whole.
    writeFileSync(`${path}.12345.tmp`, '{"version":1,"runs":[{"sha"');
    expect(new RunState(path, identity).loaded).toBe(1);
    writeFileSync(path, '{"version":1,"ru'); // a damaged state (not ours: we rename) is ignored, not fatal
    expect(new RunState(path, identity).loaded).toBe(0);
  });

  it('is not reused with other options or another range, and --restart discards it', () => {
    const path = join(dir, 'other.json');
    new RunState(path, identity).append([outcome(B, false)]);
    const other = new RunState(path, { ...identity, configuration: '{"probes":["running:5s"]}' });
    expect(other.loaded).toBe(0);
    expect(other.discarded).toBe('it was made with other options');
    expect(new RunState(path, { ...identity, bad: A }).discarded).toBe('it is for another repository or range');
    const restarted = new RunState(path, identity, { restart: true });
    expect(restarted.loaded).toBe(0);
    expect(readState(path)).toBeUndefined();
  });

  it('a state that cannot be written is reported once, and the run goes on', () => {
    const locked = join(dir, 'locked');
    writeFileSync(locked, 'a file where a directory should be');
    const messages: string[] = [];
    const state = new RunState(join(locked, 'state.json'), identity, { onWriteError: (m) => messages.push(m) });
    state.append([outcome(B, false)]);
    state.append([outcome(A, true)]);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^cannot save the state to .*state\.json \((ENOTDIR|EEXIST)\): the search goes on, but cannot be resumed$/);
  });
});

describe('log and replay', () => {
  it('renders one replayable line per run and reads it back as marks (majority per commit)', () => {
    const text = renderLog(
      { good: G, bad: B, regression: 'auto', runs: [outcome(B, false), outcome(A, true), outcome(A, false), outcome(A, true)] },
      (sha) => (sha === A ? 'Release 2' : ''),
      ['a header'],
    );
    expect(text.split('\n')).toEqual([
      '# a header',
      `range ${G} ${B}`,
      `bad ${B} # container exited with code 3`,
      `good ${A} # Release 2: running after 1.0s`,
      `bad ${A} # Release 2: container exited with code 3`,
      `good ${A} # Release 2: running after 1.0s`,
      '',
    ]);
    expect(parseLog(text, 'x.log')).toEqual({
      good: G,
      bad: B,
      marks: [
        { ref: B, verdict: 'bad' },
        { ref: A, verdict: 'good' },
      ],
    });
  });

  it('says which line of a log is wrong', () => {
    expect(() => parseLog(`range ${G} ${B}\nmaybe ${A}\n`, 'x.log')).toThrow(
      "x.log:2: expected 'good <commit>', 'bad <commit>' or 'skip <commit>', got 'maybe",
    );
    expect(() => parseLog(`good ${A}\n`, 'x.log')).toThrow("x.log: no 'range <good> <bad>' line: is this a deploybisect log?");
  });
});
