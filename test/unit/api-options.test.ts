import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { sessionEvents, settingsOf } from '../../src/api.js';
import { UsageError } from '../../src/errors.js';
import type { Outcome } from '../../src/session/outcome.js';

describe("the library takes the config file's options", () => {
  it("narrow takes test's options and its own (parent per call; maxBuilds, jobs from the config's options); run takes narrow and maxBuilds", () => {
    const s = settingsOf('narrow', { parent: 'HEAD~2', maxBuilds: 5, jobs: 2, network: 'none' });
    expect(s).toMatchObject({ parent: 'HEAD~2', maxBuilds: 5, jobs: 2, network: 'none', narrow: false });
    expect(settingsOf('narrow', {})).toMatchObject({ maxBuilds: 24, parent: undefined });
    expect(settingsOf('run', { narrow: true })).toMatchObject({ narrow: true, maxBuilds: 24 });
    expect(() => settingsOf('narrow', { maxBuilds: 1 })).toThrow(UsageError);
  });

  it("fills in the command line's defaults, then the caller's values as the command line would hold them", () => {
    const defaults = settingsOf('run', {});
    expect(defaults).toMatchObject({
      repo: resolve('.'),
      file: 'Dockerfile',
      context: '.',
      network: 'bridge',
      memory: 1024 ** 3,
      timeout: 60_000,
      regression: 'auto',
    });
    expect(defaults).toMatchObject({ verify: true, cache: true, defaultHttp: true });
    const r = tmpdir();
    const given = settingsOf('run', {
      repo: r,
      jobs: 2,
      probe: 'healthcheck',
      buildArg: ['A=1'],
      verify: false,
      network: 'none',
      mark: ['abc=good'],
    });
    expect(given.given).toMatchObject({
      repo: r,
      jobs: '2',
      probe: ['healthcheck'],
      buildArg: ['A=1'],
      verify: false,
      network: 'none',
      mark: ['abc=good'],
    });
    expect(given).toMatchObject({
      repo: r,
      jobs: 2,
      buildArg: { A: '1' },
      verify: false,
      network: 'none',
      mark: [{ ref: 'abc', verdict: 'good' }],
    });
    expect(given.probe.map((p) => p.spec)).toEqual(['healthcheck']);
  });

  it('rejects what the config file would reject, with the same messages', () => {
    expect(() => settingsOf('run', { network: 'bridged' as 'none' })).toThrow(UsageError);
    expect(() => settingsOf('run', { network: 'bridged' as 'none' })).toThrow('options: /network: must be one of bridge, host, none');
    expect(() => settingsOf('run', { netwrk: 'host' } as Record<string, string>)).toThrow(/options: \/netwrk: unknown option/);
  });
});

describe('progress as events', () => {
  it('emits start, step, phase, build-step, build-output, probe (each result), verdict, notice, cleanup and done on an EventEmitter', () => {
    const emitter = new EventEmitter();
    const seen: Array<[string, unknown]> = [];
    for (const name of ['start', 'step', 'phase', 'build-step', 'build-output', 'probe', 'verdict', 'notice', 'cleanup', 'done'])
      emitter.on(name, (e) => seen.push([name, e]));
    const events = sessionEvents(emitter) as ReturnType<typeof sessionEvents> & { done(r: unknown): void };
    expect(events.containerLine).toBeUndefined(); // no 'output' listener: no log stream is asked for
    const outcome = {
      ok: false,
      probes: [{ kind: 'http', spec: 'http://x/', ok: false, elapsedMs: 1, reason: 'http 500 from /' }],
    } as unknown as Outcome;
    events.start!({ sessionId: 's', endpoint: 'e', good: 'g', bad: 'b', commits: 3 });
    events.evaluate!({ sha: 'a', subject: 'x', role: 'search', remaining: 2, stepsLeft: 1 });
    events.phase!('a', 'build');
    events.buildStep!('a', '[2/3] RUN make');
    events.buildOutput!('a', 'Step 1/2');
    events.verdict!({ sha: 'a', verdict: 'bad', outcome, role: 'search' });
    events.notice!('resuming');
    events.cleanup!({ containers: 1, images: 2 }, 's');
    events.done({ status: 'found' });
    expect(seen.map(([name]) => name)).toEqual([
      'start',
      'step',
      'phase',
      'build-step',
      'build-output',
      'probe',
      'verdict',
      'notice',
      'cleanup',
      'done',
    ]);
    expect(seen[3]![1]).toEqual({ sha: 'a', step: '[2/3] RUN make' });
    expect(seen[5]![1]).toEqual({ sha: 'a', kind: 'http', spec: 'http://x/', ok: false, elapsedMs: 1, reason: 'http 500 from /' });
    emitter.on('output', () => undefined);
    expect(sessionEvents(emitter).containerLine).toBeTypeOf('function');
    const callbacks = { notice: () => undefined };
    expect(sessionEvents(callbacks)).toBe(callbacks);
  });
});
