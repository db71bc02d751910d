/**
 * The semantic diff of two Dockerfiles: what changed in the image, said so that someone
 * reading it during an incident sees the likely cause first.
 *
 * Stages are matched by name (`AS name`), else by index; a stage that only gained or lost a
 * name keeps its match by index. Findings cover every stage: the stage that is built (the
 * target, else the last) first, then the global ARGs, then the other stages in Dockerfile
 * order, then removed stages; within a stage, in Dockerfile order.
 * Pure and total: odd Dockerfiles (empty, unparsable parts, no FROM) give what can be said.
 */
import type { Finding } from './finding.js';
import { parseDockerfile, type DockerStage, type DockerfileModel } from './dockerfile/model.js';
import { changedParts } from './dockerfile/image-reference.js';
import { diffPackages } from './rules/packages.js';
import { diffDirectories } from './rules/directories.js';
import { diffCopies } from './rules/copies.js';
import { diffCommands } from './rules/commands.js';
import { diffVariables } from './rules/variables.js';
import { diffImageConfig } from './rules/image-config.js';
import { diffUsers } from './rules/users.js';
import { diffRuns } from './rules/runs.js';
import { where, type StagePair } from './dockerfile/stage-pair.js';

export interface DiffDockerfilesOptions {
  /** `--target` for the old / new Dockerfile; without it the last stage is built. */
  targetBefore?: string;
  targetAfter?: string;
}

const GLOBAL = '(global)';

export function diffDockerfiles(before: string, after: string, options: DiffDockerfilesOptions = {}): Finding[] {
  try {
    return diffModels(parseDockerfile(before), parseDockerfile(after), options);
  } catch {
    return []; // never reached in practice: every step is total; a diff must not break the report
  }
}

interface StageMatch {
  before?: DockerStage;
  after?: DockerStage;
}

function diffModels(before: DockerfileModel, after: DockerfileModel, options: DiffDockerfilesOptions): Finding[] {
  const matches = matchStages(before.stages, after.stages);
  const builtBefore = builtStage(before, options.targetBefore);
  const builtAfter = builtStage(after, options.targetAfter);
  const groups: { order: number; findings: Finding[] }[] = [];

  const builtMatch = matches.find((m) => m.after !== undefined && m.after === builtAfter);
  const sameBuilt = builtBefore !== undefined && builtMatch?.before === builtBefore;
  const targetFindings = sameBuilt ? [] : diffTarget(before, after, builtBefore, builtAfter, options);
  groups.push({ order: -2, findings: targetFindings });

  const preamble: StagePair = {
    label: GLOBAL,
    before: { index: -1, key: GLOBAL, image: '', line: 0, instructions: before.preamble },
    after: { index: -1, key: GLOBAL, image: '', line: 0, instructions: after.preamble },
  };
  groups.push({ order: -0.5, findings: inLineOrder(diffVariables(preamble)) });

  for (const match of matches) {
    if (match.before && match.after) {
      const pair: StagePair = { label: match.after.key, before: match.before, after: match.after };
      const order = match.after === builtAfter ? -1 : match.after.index;
      groups.push({ order, findings: inLineOrder(diffStage(pair)) });
    } else if (match.after) {
      const s = match.after;
      groups.push({
        order: s === builtAfter ? -1 : s.index,
        findings: [{
          kind: 'stage-added', stage: s.key, instruction: 'FROM', after: s.image, lineAfter: s.line,
          summary: `stage ${s.key} added, from ${s.image} ${where(s.key, undefined, s.line)}`,
        }],
      });
    } else if (match.before) {
      const s = match.before;
      groups.push({
        order: 10_000 + s.index,
        findings: [{
          kind: 'stage-removed', stage: s.key, instruction: 'FROM', before: s.image, lineBefore: s.line,
          summary: `stage ${s.key} (from ${s.image}) removed ${where(s.key, s.line, undefined)}`,
        }],
      });
    }
  }
  return groups.sort((a, b) => a.order - b.order).flatMap((g) => g.findings);
}

function diffStage(pair: StagePair): Finding[] {
  return [
    ...diffBaseImage(pair),
    ...diffPackages(pair),
    ...diffDirectories(pair),
    ...diffCopies(pair),
    ...diffRuns(pair),
    ...diffUsers(pair),
    ...diffVariables(pair),
    ...diffImageConfig(pair),
    ...diffCommands(pair),
  ];
}

/** Stable sort by the line in the new Dockerfile, else in the old one. */
function inLineOrder(findings: Finding[]): Finding[] {
  const line = (f: Finding): number => f.lineAfter ?? f.lineBefore ?? 0;
  return [...findings].sort((a, b) => line(a) - line(b));
}

/** By name first; then by index for stages left over where one side has no name. */
function matchStages(before: DockerStage[], after: DockerStage[]): StageMatch[] {
  const matches: StageMatch[] = [];
  const unmatchedBefore = new Set(before);
  const unmatchedAfter = new Set(after);
  for (const a of after) {
    const b = before.find((s) => unmatchedBefore.has(s) && s.key === a.key);
    if (b) {
      matches.push({ before: b, after: a });
      unmatchedBefore.delete(b);
      unmatchedAfter.delete(a);
    }
  }
  for (const a of [...unmatchedAfter]) {
    const b = [...unmatchedBefore].find((s) => s.index === a.index && (s.name === undefined || a.name === undefined));
    if (b) {
      matches.push({ before: b, after: a });
      unmatchedBefore.delete(b);
      unmatchedAfter.delete(a);
    }
  }
  for (const a of unmatchedAfter) matches.push({ after: a });
  for (const b of unmatchedBefore) matches.push({ before: b });
  return matches;
}

function builtStage(model: DockerfileModel, target: string | undefined): DockerStage | undefined {
  if (target === undefined) return model.stages.at(-1);
  return model.stages.find((s) => s.name === target.toLowerCase());
}

function diffTarget(
  before: DockerfileModel,
  after: DockerfileModel,
  builtBefore: DockerStage | undefined,
  builtAfter: DockerStage | undefined,
  options: DiffDockerfilesOptions,
): Finding[] {
  const describe = (stage: DockerStage | undefined, target: string | undefined, model: DockerfileModel): string => {
    if (stage) return `stage ${stage.key}${target === undefined ? ' (the last)' : ''}`;
    if (target !== undefined) return `target ${target} (no such stage)`;
    return model.stages.length === 0 ? 'nothing (no FROM)' : 'nothing';
  };
  const b = describe(builtBefore, options.targetBefore, before);
  const a = describe(builtAfter, options.targetAfter, after);
  if (b === a) return [];
  const finding: Finding = {
    kind: 'target-stage', stage: builtAfter?.key ?? options.targetAfter ?? '', instruction: 'FROM',
    before: builtBefore?.key ?? options.targetBefore ?? '', after: builtAfter?.key ?? options.targetAfter ?? '',
    summary: `the stage that is built changed: ${b} → ${a}`,
  };
  if (builtBefore) finding.lineBefore = builtBefore.line;
  if (builtAfter) finding.lineAfter = builtAfter.line;
  return [finding];
}

function diffBaseImage(pair: StagePair): Finding[] {
  const { before, after } = pair;
  const parts: string[] = changedParts(before.image, after.image);
  if (before.platform !== after.platform) parts.push('platform');
  if (parts.length === 0) return [];
  const platform = (s: DockerStage): string => (s.platform === undefined ? '' : ` (--platform=${s.platform})`);
  const what = parts.length === 1 && parts[0] === 'name' ? 'base image changed' : `base image ${parts.join(' and ')} changed`;
  return [{
    kind: 'base-image', stage: pair.label, instruction: 'FROM', before: before.image, after: after.image,
    lineBefore: before.line, lineAfter: after.line,
    summary: `${what}: ${before.image}${platform(before)} → ${after.image}${platform(after)} ${where(pair.label, before.line, after.line)}`,
  }];
}
