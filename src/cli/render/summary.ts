import { formatDuration } from '../../duration.js';
import type { ExplainRangeResult } from '../../session/explain-range.js';
import type { Outcome } from '../../session/outcome.js';
import type { BisectResult } from '../../session/result.js';
import type { TestCommitResult } from '../../session/test-commit.js';
import { describeChosen, withGapMarkers } from '../../text/decisive-lines.js';
import { count } from '../../text/plural.js';
import { shortSha } from '../../text/short-sha.js';
import { painter } from './color.js';
import { costText } from './cost.js';
import { evidenceParts } from './evidence.js';
import { explanationLines } from './explanation.js';
import { reuseNote } from './reuse.js';

type Paint = ReturnType<typeof painter>;

function outcomeLines(outcome: Outcome, paint: Paint, indent = '  '): string[] {
  const lines = [`${indent}${outcome.ok ? 'Passed' : 'Failed'}: ${outcome.signature} (${outcome.phase} phase)`];
  for (const probe of outcome.probes) {
    lines.push(`${indent}  ${probe.ok ? '✔' : '✖'} ${probe.spec}: ${probe.reason} (${formatDuration(probe.elapsedMs)})`);
    // What a failed probe saw, as the lines the program printed (the last few).
    if (probe.ok) continue;
    for (const text of evidenceParts(probe).texts) {
      lines.push(`${indent}    ${text.label}:`);
      for (const line of text.lines.slice(-5)) lines.push(paint('dim', `${indent}      | ${line}`));
    }
  }
  if (outcome.logTail.length > 0) {
    lines.push(
      `${indent}${outcome.phase === 'build' && !outcome.ok ? 'Build output' : 'Container output'} (${describeChosen(outcome.logTail.length, outcome.logGaps)}):`,
    );
    for (const l of withGapMarkers(outcome.logTail, outcome.logGaps)) lines.push(paint('dim', `${indent}  | ${l}`));
  }
  return lines;
}

function runLine(result: BisectResult): string {
  return `Run: ${costText(result)}.`;
}

/** The human summary printed on stdout at the end of `deploybisect run`. */
export function renderSummary(result: BisectResult, paint: Paint): string {
  const out: string[] = [];
  switch (result.status) {
    case 'found': {
      const c = result.culprit!;
      out.push(`${paint('bold', 'First bad commit:')} ${paint('red', c.sha)}`);
      out.push(`  ${c.subject}`);
      out.push(`  Author: ${c.author} <${c.authorEmail}>`);
      out.push(`  Date:   ${c.date}`);
      out.push(`  Regression: ${result.regression}`);
      if (c.outcome.contract) out.push(`  Deployed: ${c.outcome.contract.line}`);
      out.push(...outcomeLines(c.outcome, paint));
      if (c.parent)
        out.push(`  Its parent ${shortSha(c.parent.sha)}: ${c.parent.outcome.ok ? 'passed' : 'failed'}: ${c.parent.outcome.signature}`);
      if (c.explanation) {
        out.push(...explanationLines(c.explanation, paint));
      } else if (c.files.length > 0) {
        out.push(`  Files changed in the build context (${c.files.length}):`);
        for (const f of c.files) out.push(`    ${f.status} ${f.oldPath ? `${f.oldPath} -> ` : ''}${f.path}`);
      }
      break;
    }
    case 'inconclusive': {
      if (result.confidence.mode === 'flaky') {
        const probability = new Map(result.confidence.commits.map((c) => [c.sha, c.probability]));
        out.push(paint('yellow', 'Inconclusive: no commit reached the confidence asked for.'));
        if ((result.candidates ?? []).length > 0) out.push('The likeliest first bad commits:');
        for (const c of result.candidates ?? [])
          out.push(`  ${c.sha}  ${c.subject}  (probability ${formatProbability(probability.get(c.sha) ?? 0)})`);
        break;
      }
      out.push(paint('yellow', "Inconclusive: there are only 'skip'ped commits left to test."));
      out.push('The first bad commit could be any of:');
      for (const c of result.candidates ?? []) out.push(`  ${c.sha}  ${c.subject}  (${c.verdict})`);
      break;
    }
    case 'bad-is-healthy': {
      out.push(paint('yellow', `The bad commit ${shortSha(result.bad)} is healthy: nothing to bisect.`));
      if (result.verification?.bad) out.push(...outcomeLines(result.verification.bad, paint));
      break;
    }
    case 'good-is-unhealthy': {
      out.push(paint('yellow', `The good commit ${shortSha(result.good)} is not healthy: pick an older good commit.`));
      if (result.verification?.good) out.push(...outcomeLines(result.verification.good, paint));
      break;
    }
  }
  if (result.status === 'found' || result.status === 'inconclusive') out.push(confidenceLine(result));
  for (const warning of result.warnings) out.push(paint('yellow', `Warning: ${warning}`));
  out.push(runLine(result));
  return out.join('\n');
}

/** How sure the result is, in one line. */
export function confidenceLine(result: BisectResult): string {
  const c = result.confidence;
  const runs = c.commits.reduce((sum, commit) => sum + commit.runs, 0);
  switch (c.mode) {
    case 'plain':
      return 'Confidence: every verdict rests on one run (for a flaky deployment, use --runs or --flaky).';
    case 'runs':
      return `Confidence: every verdict is the majority of ${c.runsPerEvaluation} runs (${runs} runs in all).`;
    case 'flaky': {
      const named = result.status === 'found' ? `${shortSha(result.culprit!.sha)} is the first bad commit` : 'of the likeliest commit';
      const rate = `${c.flakeRateGiven ? 'flake rate' : 'estimated flake rate'} ${formatProbability(c.flakeRate ?? 0)}`;
      return `Confidence: ${formatProbability(c.probability ?? 0)} that ${named} (asked for ${c.target}; noise ${formatProbability(c.noise ?? 0)}; ${rate}; ${runs} runs in all).`;
    }
  }
}

export function formatProbability(p: number): string {
  if (p >= 0.9995 && p < 1) return '>0.999';
  if (p > 0 && p < 0.001) return '<0.001';
  return p.toFixed(3);
}

/** `deploybisect explain`: the two commits, then the explanation with small diffs. */
export function renderExplainResult(result: ExplainRangeResult, paint: Paint): string {
  const head = (label: string, c: ExplainRangeResult['good']) => `${label} ${shortSha(c.sha)} ${c.subject} (${c.author}, ${c.date})`;
  return [head('From', result.good), head('To  ', result.bad), ...explanationLines(result.explanation, paint, { diffs: true })].join('\n');
}

/** `-q`: one line. */
export function renderQuiet(result: BisectResult): string {
  switch (result.status) {
    case 'found':
      return `${result.culprit!.sha} ${result.culprit!.subject}`;
    case 'inconclusive':
      return `inconclusive: ${(result.candidates ?? []).map((c) => c.sha).join(' ')}`;
    default:
      return result.status;
  }
}

export function renderTestResult(result: TestCommitResult, paint: Paint): string {
  const { commit, outcome } = result;
  const reused = reuseNote(outcome);
  return [
    `${outcome.ok ? paint('green', 'healthy') : paint('red', 'unhealthy')}: ${commit.sha} ${commit.subject}${reused ? ` (${reused})` : ''}`,
    ...(outcome.contract ? [`  Deployed: ${outcome.contract.line}`] : []),
    ...outcomeLines(outcome, paint),
    `Run: ${count(result.builds, 'build')}, ${formatDuration(result.durationMs)}.`,
  ].join('\n');
}
