/**
 * The semantic diff of two Dockerfiles: what changed in the image, said so that someone
 * reading it during an incident sees the likely cause first.
 *
 * Stages are paired (see dockerfile/stage-pair.ts) and every pair goes through every rule of
 * rules/. Findings cover every stage: the stage that is built (the target, else the last) first,
 * then the global ARGs, then the other stages in Dockerfile order, then removed stages; within a
 * stage, in Dockerfile order.
 * Pure and total: odd Dockerfiles (empty, unparsable parts, no FROM) give what can be said.
 */
import { parseDockerfile, type DockerfileModel, type DockerStage } from './dockerfile/model.js';
import { matchStages, preamblePair, type StagePair } from './dockerfile/stage-pair.js';
import type { Finding } from './finding.js';
import { STAGE_RULES } from './rules/index.js';
import { diffVariables } from './rules/variables.js';
import { where } from './rules/where.js';

export interface DiffDockerfilesOptions {
  /** `--target` for the old / new Dockerfile; without it the last stage is built. */
  targetBefore?: string;
  targetAfter?: string;
}

export function diffDockerfiles(before: string, after: string, options: DiffDockerfilesOptions = {}): Finding[] {
  try {
    return diffModels(parseDockerfile(before), parseDockerfile(after), options);
  } catch {
    return []; // never reached in practice: every step is total; a diff must not break the report
  }
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

  // The preamble holds the global ARGs: only the variables rule applies to it.
  groups.push({ order: -0.5, findings: inLineOrder(diffVariables(preamblePair(before.preamble, after.preamble))) });

  for (const match of matches) {
    if (match.before && match.after) {
      const pair: StagePair = { label: match.after.key, before: match.before, after: match.after };
      const order = match.after === builtAfter ? -1 : match.after.index;
      groups.push({ order, findings: inLineOrder(diffStage(pair)) });
    } else if (match.after) {
      const s = match.after;
      groups.push({
        order: s === builtAfter ? -1 : s.index,
        findings: [
          {
            kind: 'stage-added',
            stage: s.key,
            instruction: 'FROM',
            after: s.image,
            lineAfter: s.line,
            summary: `stage ${s.key} added, from ${s.image} ${where(s.key, undefined, s.line)}`,
          },
        ],
      });
    } else if (match.before) {
      const s = match.before;
      groups.push({
        order: 10_000 + s.index,
        findings: [
          {
            kind: 'stage-removed',
            stage: s.key,
            instruction: 'FROM',
            before: s.image,
            lineBefore: s.line,
            summary: `stage ${s.key} (from ${s.image}) removed ${where(s.key, s.line, undefined)}`,
          },
        ],
      });
    }
  }
  return groups.sort((a, b) => a.order - b.order).flatMap((g) => g.findings);
}

function diffStage(pair: StagePair): Finding[] {
  return STAGE_RULES.flatMap((rule) => rule(pair));
}

/** Stable sort by the line in the new Dockerfile, else in the old one. */
function inLineOrder(findings: Finding[]): Finding[] {
  const line = (f: Finding): number => f.lineAfter ?? f.lineBefore ?? 0;
  return [...findings].sort((a, b) => line(a) - line(b));
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
    kind: 'target-stage',
    stage: builtAfter?.key ?? options.targetAfter ?? '',
    instruction: 'FROM',
    before: builtBefore?.key ?? options.targetBefore ?? '',
    after: builtAfter?.key ?? options.targetAfter ?? '',
    summary: `the stage that is built changed: ${b} → ${a}`,
  };
  if (builtBefore) finding.lineBefore = builtBefore.line;
  if (builtAfter) finding.lineAfter = builtAfter.line;
  return [finding];
}
