/**
 * `deploybisect test` speaks git bisect run's language: 0 good, 1 bad, 125 skip, 2 usage, 128 when
 * no verdict could be made (git bisect run stops on codes above 127); and the options behind it.
 */
import { describe, expect, it } from 'vitest';

import { abortForBisect, SIGNAL_EXIT, TEST_EXIT } from '../../src/cli/exit-status.js';
import { createProgram } from '../../src/cli/program.js';
import { DeployBisectError, ExitCode, GitError, InfrastructureError, UsageError } from '../../src/errors.js';
import { optionsFor } from '../../src/options/option-table.js';
import { classifyOutcome, decideRegression } from '../../src/session/classify-outcome.js';
import type { Outcome, Phase, Regression } from '../../src/session/outcome.js';
import { settingsFor } from '../helpers/settings.js';

function outcome(ok: boolean, phase: Phase): Outcome {
  return {
    sha: 'a'.repeat(40),
    ok,
    phase,
    signature: ok ? 'healthy' : `${phase} failed`,
    probes: [],
    logTail: [],
    built: true,
    durationMs: 1,
  };
}

/** The exit code of `test` for an outcome, as test-commit.ts and test.ts make it. */
const exitFor = (regression: Regression, o: Outcome) => TEST_EXIT[classifyOutcome(o, decideRegression(regression, undefined))];

describe('the exit code of test', () => {
  it.each<[Regression, number, number, number]>([
    // regression, healthy, does not build, builds but fails at runtime
    ['auto', 0, 125, 1],
    ['runtime', 0, 125, 1],
    ['build', 0, 1, 0],
    ['any', 0, 1, 1],
  ])('--regression %s: healthy %d, a build failure %d, a runtime failure %d', (regression, healthy, build, runtime) => {
    expect(exitFor(regression, outcome(true, 'probe'))).toBe(healthy);
    expect(exitFor(regression, outcome(false, 'build'))).toBe(build);
    expect(exitFor(regression, outcome(false, 'start'))).toBe(runtime);
    expect(exitFor(regression, outcome(false, 'probe'))).toBe(runtime);
  });

  it('is 128 when no verdict was made (engine, git, a bug): git bisect run stops on it, and it is no signal code', () => {
    for (const error of [
      new InfrastructureError('cannot reach the Docker engine at unix:///nowhere.sock (ENOENT)'),
      new GitError('git failed'),
      new DeployBisectError('git object 1234 is not a readable blob', ExitCode.internal),
    ]) {
      const mapped = abortForBisect(error) as DeployBisectError;
      expect(mapped).toBeInstanceOf(DeployBisectError);
      expect(mapped.exitCode).toBe(128);
      expect(mapped.message).toBe(error.message);
      expect(mapped.cause).toBe(error);
    }
    const bug = abortForBisect(new TypeError('x is undefined')) as DeployBisectError;
    expect([bug.exitCode, bug.message]).toEqual([128, 'internal error: x is undefined']);
    expect((abortForBisect('thrown text') as DeployBisectError).exitCode).toBe(128);
    expect(ExitCode.testAborted).toBeGreaterThan(127);
    expect(Object.values(SIGNAL_EXIT)).not.toContain(ExitCode.testAborted);
  });

  it('stays 2 for a usage error', () => {
    const usage = new UsageError("unknown revision 'nope'");
    expect(abortForBisect(usage)).toBe(usage);
  });
});

describe('the options behind it', () => {
  it('test takes --regression (auto by default), narrow does not', () => {
    expect(optionsFor('test').map((o) => o.key)).toContain('regression');
    expect(optionsFor('narrow').map((o) => o.key)).not.toContain('regression');
    expect(settingsFor('.', {}, 'test').regression).toBe('auto');
    expect(settingsFor('.', { regression: 'build' }, 'test').regression).toBe('build');
  });

  it('run --help says the exit codes', () => {
    let text = '';
    const out = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
    const program = createProgram({
      signal: new AbortController().signal,
      stdout: out,
      stderr: out,
      exitCode: 0,
      run: { verdicts: 0, resumable: false },
    });
    program.commands.find((c) => c.name() === 'run')!.outputHelp();
    for (const code of ['0', '1', '2', '3', '4', '5', '130']) expect(text).toMatch(new RegExp(`^ {2}${code} +\\S`, 'm'));
    expect(text).toMatch(/^ {2}4 +the good commit is unhealthy/m);
  });

  it('test --help says the exit codes', () => {
    let text = '';
    const out = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
    const program = createProgram({
      signal: new AbortController().signal,
      stdout: out,
      stderr: out,
      exitCode: 0,
      run: { verdicts: 0, resumable: false },
    });
    program.commands.find((c) => c.name() === 'test')!.outputHelp();
    expect(text).toContain('git bisect run deploybisect test HEAD');
    for (const code of ['0', '1', '125', '2', '128']) expect(text).toMatch(new RegExp(`^ {2}${code} +\\S`, 'm'));
    expect(text).toMatch(/^ {2}125 +cannot be tested for the regression looked for/m);
  });
});
