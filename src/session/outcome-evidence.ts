import type { Outcome } from './outcome.js';

/** Every line of text an outcome holds that may name what went wrong: output, probe evidence, the signature. */
export function outcomeEvidence(outcome: Outcome): string[] {
  const lines = [...outcome.logTail];
  for (const probe of outcome.probes) {
    for (const key of ['lastOutput', 'output', 'line', 'body'] as const) {
      const value = probe.evidence?.[key];
      if (typeof value === 'string') lines.push(...value.split('\n'));
    }
  }
  lines.push(outcome.signature);
  return lines.filter((line) => line.trim() !== '');
}
