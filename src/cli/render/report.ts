import { formatDuration } from '../../duration.js';
import type { Outcome } from '../../session/outcome.js';
import type { BisectResult } from '../../session/result.js';
import { describeChosen, withGapMarkers } from '../../text/decisive-lines.js';
import { count } from '../../text/plural.js';
import { shortSha } from '../../text/short-sha.js';
import { costText } from './cost.js';
import { evidenceParts } from './evidence.js';
import { cell, explanationMarkdown, fenced } from './explanation.js';
import { narrowReportSection } from './narrow.js';
import { confidenceLine, formatProbability } from './summary.js';

const MARK = { good: '✔', bad: '✖', skip: '↷', untested: '·', culprit: '◆' } as const;

/**
 * The range as one row of marks, oldest first: ✔ good, ✖ bad, ↷ skipped, · untested, ◆ the first bad
 * commit. Long runs of untested commits are folded (`·×120`).
 */
export function searchVisual(result: BisectResult): string {
  const verdicts = new Map(result.steps.map((s) => [s.sha, s.verdict]));
  const marks = result.range.map((sha) => {
    if (result.culprit?.sha === sha) return MARK.culprit;
    const verdict = verdicts.get(sha);
    return verdict ? MARK[verdict] : MARK.untested;
  });
  const folded: string[] = [];
  for (let i = 0; i < marks.length;) {
    let j = i;
    while (j < marks.length && marks[j] === marks[i]) j++;
    const run = j - i;
    folded.push(marks[i] === MARK.untested && run > 5 ? `${MARK.untested}×${run}` : Array(run).fill(marks[i]).join(' '));
    i = j;
  }
  return `good ${folded.join(' ')} bad`;
}

function outcomeMarkdown(outcome: Outcome, title: string): string[] {
  const out = [
    `**${title}:** ${outcome.ok ? 'passed' : 'failed'} — \`${outcome.signature.replaceAll('`', "'")}\` (${outcome.phase} phase, ${formatDuration(outcome.durationMs)})`,
    '',
  ];
  for (const probe of outcome.probes) {
    const { inline, texts } = evidenceParts(probe);
    const values = inline.length > 0 ? ` — ${cell(inline.join(', '))}` : '';
    out.push(`- ${probe.ok ? '✔' : '✖'} \`${probe.spec}\`: ${cell(probe.reason)} (${formatDuration(probe.elapsedMs)})${values}`);
    // What a failed probe saw, line by line, under its item.
    for (const text of probe.ok ? [] : texts) out.push('', `  ${text.label}:`, '', ...fenced('text', text.lines).map((l) => `  ${l}`));
  }
  if (outcome.probes.length > 0) out.push('');
  if (outcome.logTail.length > 0) {
    out.push(
      `${outcome.phase === 'build' && !outcome.ok ? 'Build output' : 'Container output'} (${describeChosen(outcome.logTail.length, outcome.logGaps)}):`,
      '',
      ...fenced('text', withGapMarkers(outcome.logTail, outcome.logGaps)),
      '',
    );
  }
  return out;
}

/** The Markdown incident report written by `--report <file.md>`. */
export function renderReport(result: BisectResult, options: { reproduce?: string; generatedAt?: Date } = {}): string {
  const out = [...headerSection(result, options.generatedAt ?? new Date())];
  if (result.status === 'found' && result.culprit) out.push(...culpritSection(result.culprit, result.narrow !== undefined));
  if (result.status === 'inconclusive') out.push(...candidatesSection(result));
  if (result.confidence.mode !== 'plain') out.push(...runsSection(result));
  if (result.verification?.bad && result.status === 'bad-is-healthy')
    out.push(...outcomeMarkdown(result.verification.bad, 'The bad commit'));
  if (result.verification?.good && result.status === 'good-is-unhealthy')
    out.push(...outcomeMarkdown(result.verification.good, 'The good commit'));
  if (result.narrow) out.push(narrowReportSection(result.narrow), '');
  out.push(...searchSection(result));
  if (options.reproduce) out.push('## Reproduce', '', ...fenced('sh', [options.reproduce]), '');
  return out.join('\n');
}

function headerSection(result: BisectResult, generatedAt: Date): string[] {
  const title = {
    found: `First bad commit: ${shortSha(result.culprit?.sha ?? '')} ${result.culprit?.subject ?? ''}`,
    inconclusive:
      result.confidence.mode === 'flaky'
        ? 'Inconclusive: no commit reached the confidence asked for'
        : 'Inconclusive: only skipped commits are left',
    'bad-is-healthy': 'The bad commit is healthy',
    'good-is-unhealthy': 'The good commit is unhealthy',
  }[result.status];
  return [
    `# deploybisect: ${cell(title)}`,
    '',
    `- Range: \`${shortSha(result.good)}\` (good) .. \`${shortSha(result.bad)}\` (bad), ${count(result.range.length, 'commit')}`,
    `- Regression searched for: ${result.regression}`,
    ...(result.deployment?.line ? [`- Deployment: ${cell(result.deployment.line)}`] : []),
    ...(result.deployment?.notes ?? []).map((note) => `- Deployment note: ${cell(note)}`),
    `- Cost: ${costText(result)}`,
    `- Report written ${generatedAt.toISOString()}`,
    ...(result.status === 'found' || result.status === 'inconclusive' ? [`- ${cell(confidenceLine(result))}`] : []),
    ...result.warnings.map((w) => `- **Warning:** ${cell(w)}`),
    '',
  ];
}

function culpritSection(c: NonNullable<BisectResult['culprit']>, narrowed = false): string[] {
  const out = [
    '## The culprit',
    '',
    `**\`${c.sha}\`** — ${cell(c.subject)}`,
    '',
    `Author: ${cell(c.author)} <${c.authorEmail}>, ${c.date}`,
    '',
  ];
  if (c.outcome.contract && c.parent?.outcome.contract && c.outcome.contract.line !== c.parent.outcome.contract.line) {
    out.push(`Deployed: ${cell(c.outcome.contract.line)} (its parent: ${cell(c.parent.outcome.contract.line)})`, '');
  }
  out.push(...outcomeMarkdown(c.outcome, 'How it failed'));
  if (c.parent) out.push(...outcomeMarkdown(c.parent.outcome, `Its parent \`${shortSha(c.parent.sha)}\`, for contrast`));
  if (c.explanation) out.push('## What changed', '', ...explanationMarkdown(c.explanation));
  if (narrowed)
    out.push(
      `Which of these changes breaks it, proven by two builds: [Narrowed to the change that breaks it](#narrowed-to-the-change-that-breaks-it).`,
      '',
    );
  return out;
}

function candidatesSection(result: BisectResult): string[] {
  const flaky = result.confidence.mode === 'flaky';
  const probability = new Map(result.confidence.commits.map((c) => [c.sha, c.probability ?? 0]));
  const out = [flaky ? '## The likeliest first bad commits' : '## The first bad commit could be any of', ''];
  for (const c of result.candidates ?? []) {
    out.push(`- \`${c.sha}\` ${cell(c.subject)} (${flaky ? `probability ${formatProbability(probability.get(c.sha) ?? 0)}` : c.verdict})`);
  }
  out.push('');
  return out;
}

function runsSection(result: BisectResult): string[] {
  const flaky = result.confidence.mode === 'flaky';
  const out = ['## Runs per commit', '', '| commit | runs | failed |' + (flaky ? ' probability of being the first bad commit |' : '')];
  out.push('| --- | --- | --- |' + (flaky ? ' --- |' : ''));
  for (const c of result.confidence.commits) {
    const probability = c.probability === undefined ? 'known good' : formatProbability(c.probability);
    out.push(`| \`${shortSha(c.sha)}\` | ${c.runs} | ${c.failures} |` + (flaky ? ` ${probability} |` : ''));
  }
  out.push('');
  return out;
}

function searchSection(result: BisectResult): string[] {
  const out = [
    '## The search',
    '',
    '```text',
    searchVisual(result),
    '```',
    '',
    `${MARK.good} good · ${MARK.bad} bad · ${MARK.skip} skipped · ${MARK.untested} untested · ${MARK.culprit} first bad commit`,
    '',
    '| # | commit | subject | verdict | signature | duration |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  result.steps.forEach((s, i) => {
    const role = s.role === 'verify' ? ' (check)' : '';
    out.push(
      `| ${i + 1} | \`${shortSha(s.sha)}\` | ${cell(s.subject)} | ${s.verdict}${role} | ${cell(s.outcome.signature)} | ${formatDuration(s.durationMs)} |`,
    );
  });
  out.push('', ...priorLines(result));
  return out;
}

/** Which commits the risk prior put first, and why: one line each. */
function priorLines(result: BisectResult): string[] {
  if (!result.prior || result.prior.top.length === 0) return [];
  const lines = result.prior.top.map(
    (t) => `- \`${shortSha(t.sha)}\` ${cell(t.subject)}: ${Math.round(t.probability * 100)}% — ${cell(t.reasons.join('; '))}`,
  );
  return [
    'The search tested first where the deployment is described (`--prior risk`); the commits that carried the most prior:',
    '',
    ...lines,
    '',
  ];
}
