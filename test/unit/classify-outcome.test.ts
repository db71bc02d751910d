import { describe, expect, it } from 'vitest';

import { classifyOutcome, decideRegression, type SearchRegression } from '../../src/session/classify-outcome.js';
import type { Outcome, Phase, Regression } from '../../src/session/outcome.js';

function outcome(ok: boolean, phase: Phase): Outcome {
  return {
    sha: 'a'.repeat(40),
    ok,
    phase,
    signature: ok ? 'healthy' : `${phase} failed`,
    probes: [],
    logTail: [],
    built: true,
    durationMs: 1234,
  };
}

const healthy = outcome(true, 'probe');
const buildFailure = outcome(false, 'build');
const startFailure = outcome(false, 'start');
const probeFailure = outcome(false, 'probe');

describe('decideRegression', () => {
  it.each<[Exclude<Regression, 'auto'>]>([['build'], ['runtime'], ['any']])('keeps an explicit %s whatever the bad commit did', (kind) => {
    for (const bad of [undefined, healthy, buildFailure, startFailure, probeFailure]) {
      expect(decideRegression(kind, bad)).toBe(kind);
    }
  });

  it('auto: a bad commit that fails to build means a search for the first build failure', () => {
    expect(decideRegression('auto', buildFailure)).toBe('build');
  });

  it('auto: a bad commit that builds but fails at runtime means a runtime search', () => {
    expect(decideRegression('auto', startFailure)).toBe('runtime');
    expect(decideRegression('auto', probeFailure)).toBe('runtime');
  });

  it('auto: runtime before the bad commit is known, or when it turned out healthy', () => {
    expect(decideRegression('auto', undefined)).toBe('runtime');
    expect(decideRegression('auto', healthy)).toBe('runtime');
  });
});

describe('classifyOutcome', () => {
  const table: [SearchRegression, string, 'good' | 'bad' | 'skip', Outcome][] = [
    ['any', 'a healthy commit', 'good', healthy],
    ['any', 'a build failure', 'bad', buildFailure],
    ['any', 'a start failure', 'bad', startFailure],
    ['any', 'a probe failure', 'bad', probeFailure],
    ['build', 'a healthy commit', 'good', healthy],
    ['build', 'a build failure', 'bad', buildFailure],
    ['build', 'a start failure', 'good', startFailure],
    ['build', 'a probe failure', 'good', probeFailure],
    ['runtime', 'a healthy commit', 'good', healthy],
    ['runtime', 'a build failure', 'skip', buildFailure],
    ['runtime', 'a start failure', 'bad', startFailure],
    ['runtime', 'a probe failure', 'bad', probeFailure],
  ];

  it.each(table)('regression %s: %s is %s', (regression, _label, verdict, o) => {
    expect(classifyOutcome(o, regression)).toBe(verdict);
  });

  it('a healthy outcome is good for every regression, whatever its phase says', () => {
    for (const regression of ['any', 'build', 'runtime'] as const) {
      for (const phase of ['build', 'start', 'probe'] as const) {
        expect(classifyOutcome(outcome(true, phase), regression)).toBe('good');
      }
    }
  });

  it('auto followed by classification: the bad commit is bad under the regression it decided', () => {
    for (const bad of [buildFailure, startFailure, probeFailure]) {
      expect(classifyOutcome(bad, decideRegression('auto', bad))).toBe('bad');
    }
  });
});
